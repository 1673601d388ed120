"""Device backends: ``cpu`` (NumPy), ``meta`` (shapes only), ``npu`` (ACLNN, own issue)."""
from __future__ import annotations


def register_all():
    from . import cpu, meta
    cpu.register()
    meta.register()
