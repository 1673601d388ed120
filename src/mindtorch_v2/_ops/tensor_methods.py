"""Attaching op functions to Tensor as methods, from the op family modules."""
from __future__ import annotations

from .._tensor import Tensor

__all__ = ["method", "methods"]


def method(fn=None, *, name=None):
    """Decorator (or call): make ``fn`` the Tensor method ``name`` (default fn.__name__)."""
    def attach(f):
        setattr(Tensor, name or f.__name__, f)
        return f
    return attach(fn) if fn is not None else attach


def methods(table):
    """Attach several: ``{"method_name": function}``."""
    for n, f in table.items():
        setattr(Tensor, n, f)
