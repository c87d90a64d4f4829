"""The libraries' internals the edges rely on, one module per library (the domain and
application layers' are in application/fences/). docs/ARCHITECTURE.md lists each hook and the
test in tests/unit/test_library_hooks.py that fails when an upgrade changes it."""
