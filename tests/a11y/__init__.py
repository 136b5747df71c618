"""Accessibility and layout checks over every page of every role (a package, so its
package-scoped demo site is torn down when its tests end)."""
