"""Publishing the log to integration consumers: which events, as CloudEvents, with JSON Schemas."""
