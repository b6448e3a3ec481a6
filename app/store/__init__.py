"""The encrypted local case store: models, engine, search, audit trail and migrations."""
