"""The read queries: what the views answer, within what each reader may see."""
