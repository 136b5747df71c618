"""The audit log: every change that matters, written by any package through ``services.write``."""
