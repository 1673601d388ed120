"""Op declarations, one module per family (see registry.py)."""
