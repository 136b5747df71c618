"""People and bureaus: users, roles in use, login and lockout, rosters and their import/export."""
