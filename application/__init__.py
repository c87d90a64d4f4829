"""The yishiting application: one use case per method over one event log."""
