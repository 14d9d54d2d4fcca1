"""The demo company generator (`treue demo`)."""
