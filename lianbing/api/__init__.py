"""The read-only JSON API for other systems (the provincial platform), its tokens and its
OpenAPI document. It reads rankings and the ledger and is read by nothing in the host."""
