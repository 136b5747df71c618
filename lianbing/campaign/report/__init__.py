"""The report to the province: each bureau's summary, prefilled from the platform."""
