"""Device backends: ``cpu`` (NumPy), ``meta`` (shapes only), ``npu`` (ACLNN, own issue)."""
from __future__ import annotations


def register_all():
    from . import cpu, meta
    from .npu import ops as npu_ops     # kernel table only: no device is touched at import
    cpu.register()
    meta.register()
    npu_ops.register()
