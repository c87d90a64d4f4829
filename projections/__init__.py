"""Read models built from the log: SQL views on SQLite and PostgreSQL, and their runner."""
