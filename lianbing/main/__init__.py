"""The home page (with the campaign block and each role's to-dos) and the health check."""
