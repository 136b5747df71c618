"""The campaign: campaigns, stages, activity weights, the calendar and its deadlines.

Its operations are sub-packages that depend on this core (and on the ledger), never the
other way round: ``bulletins`` (monthly bulletins), ``evaluation`` (summary report and
self-evaluation), ``drills`` (practical drills), ``column`` (the public column) and
``attachments`` (their files).
"""
