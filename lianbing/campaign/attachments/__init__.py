"""Files attached to campaign paperwork (bulletins, summaries, drill reports, articles)."""
