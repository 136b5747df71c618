"""Real case files (案卷): closed cases a county enters, their documents and record texts."""
