"""The wall display (``--wallboard``): pages of large tiles."""
