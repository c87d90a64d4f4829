"""Attached files: the content-addressed store, the intake that checks an upload, the sealing
of personal-data files, and the use cases that record them."""
