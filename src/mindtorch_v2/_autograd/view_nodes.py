"""Nodes for in-place ops on views (Note [in-place and views] in layer.py).

Both work in the base's own layout: a gradient buffer with the base's strides addresses
the view's elements at the view's strides and (offset - base offset), so the view's region
of a base-shaped gradient is one ``as_strided``.
"""
from __future__ import annotations

from .node import Node, edge_of


def _geometry(base, view):
    return view._shape, view._stride, view._offset - base._offset


def _base_like(g, base_shape, base_stride):
    from .._ops.creation import empty_strided
    buf = empty_strided(base_shape, base_stride, dtype=g.dtype, device=g.device)
    return buf


class CopySlices(Node):
    """History of a base after an in-place op on one of its views."""

    __slots__ = ("fn", "base_shape", "base_stride", "geom", "in_meta")

    def __init__(self, base, view, fn):
        prev = edge_of(base) if base._requires_grad else None
        super().__init__((prev,) + tuple(fn.next_functions[1:]))
        self.fn = fn
        self.base_shape = base._shape
        self.base_stride = base._stride
        self.geom = _geometry(base, view)
        self.in_meta = ((base._shape, base.dtype, base.device),) + tuple(fn.in_meta[1:])

    def name(self):
        return "CopySlices"

    def release(self):
        self.fn.release()

    def apply(self, grads):
        from .._ops.views import as_strided
        g = grads[0]
        if g is None:
            return [None] * len(self.next_functions)
        result = _base_like(g, self.base_shape, self.base_stride)
        result.copy_(g)
        shape, stride, off = self.geom
        region = as_strided(result, shape, stride, off)
        res = self.fn.apply([region.clone()])
        first = res[0] if res else None
        if first is None:
            region.zero_()
        else:
            region.copy_(first)
        return [result] + list(res[1:])


class ViewOfBase(Node):
    """History of a view after an in-place op on it: its grad lands in the base's."""

    __slots__ = ("base_shape", "base_stride", "geom", "in_meta")

    def __init__(self, copy_slices, base, view):
        super().__init__(((copy_slices, 0),))
        self.base_shape = base._shape
        self.base_stride = base._stride
        self.geom = _geometry(base, view)
        self.in_meta = ((base._shape, base.dtype, base.device),)

    def name(self):
        return "AsStridedBackward0"

    def apply(self, grads):
        from .._ops.views import as_strided
        g = grads[0]
        if g is None:
            return [None]
        result = _base_like(g, self.base_shape, self.base_stride)
        result.zero_()
        shape, stride, off = self.geom
        as_strided(result, shape, stride, off).copy_(g)
        return [result]
