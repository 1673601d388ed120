"""Backward formulas, one module per op family (see derivatives.py for the convention)."""
from __future__ import annotations

import importlib

FAMILIES = ("elementwise", "reduction", "views", "indexing", "shape", "linalg", "nn_ops",
            "misc", "nn_spatial", "nn_norm", "fft", "extra")


def install():
    for name in FAMILIES:
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise
