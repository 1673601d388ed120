"""The nn_spatial op family (declarations, meta functions, public API)."""
from __future__ import annotations

__all__: list[str] = []
