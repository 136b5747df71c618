"""Rankings: the composite score and rankings computed from the ledger, an officer's breakdown,
charts, awards (written to the ledger once approved), nominations, the city's recommendations to
the province, the ranking rules and the bureau (collective) measures."""
