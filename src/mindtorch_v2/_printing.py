"""Tensor printing like torch (placeholder until the printing module lands)."""
from __future__ import annotations


def tensor_repr(t):
    if t.device.type == "meta":
        return f"tensor(..., device='meta', size={tuple(t._shape)}, dtype={t.dtype})"
    return f"tensor({t.tolist()}, dtype={t.dtype})"
