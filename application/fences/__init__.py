"""Where yishiting leans on a library's internals: one module per library, each hook named
and guarded by tests/unit/test_library_hooks.py (docs/ARCHITECTURE.md lists them)."""
