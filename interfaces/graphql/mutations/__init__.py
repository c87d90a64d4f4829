"""One Relay-style mutation per application use case: a single `input`, a payload result."""
