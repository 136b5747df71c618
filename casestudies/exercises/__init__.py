"""Record-writing exercises: the scenario, the record form with autosave, one final submission."""
