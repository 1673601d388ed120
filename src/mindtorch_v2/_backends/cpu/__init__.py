"""The CPU device: NumPy kernels, registered per op family."""
from __future__ import annotations

import importlib

# families with CPU kernels; each module has ``register()`` attaching its kernels to ops
FAMILIES = ("copy", "elementwise", "reduction", "indexing", "shape", "linalg", "fft",
            "random", "nn_ops", "nn_spatial", "nn_norm", "extra")


def register():
    for name in FAMILIES:
        importlib.import_module(f"{__name__}.{name}").register()
