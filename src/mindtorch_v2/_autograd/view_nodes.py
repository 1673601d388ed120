"""Nodes for in-place ops on views (Note [in-place and views] in layer.py).

Both work in the base's own layout: a gradient buffer with the base's strides addresses
the view's elements at the view's strides and (offset - base offset), so the view's region
of a base-shaped gradient is one ``as_strided``.
"""
from __future__ import annotations

from .node import Node, SavedTensor, edge_of


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
        prev = edge_of(base)
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

    def __init__(self, copy_slices, base, view, edge=None):
        super().__init__((edge if edge is not None else (copy_slices, 0),))
        self.base_shape = base._shape
        self.base_stride = base._stride
        self.geom = _geometry(base, view)
        self.in_meta = ((base._shape, base.dtype, base.device),)

    @classmethod
    def of(cls, cs):
        """A fresh ViewOfBase for the view ``cs`` was made for (same geometry)."""
        node = cls.__new__(cls)
        Node.__init__(node, ((cs, 0),))
        node.base_shape = cs.base_shape
        node.base_stride = cs.base_stride
        node.geom = cs.geom
        node.in_meta = cs.in_meta[:1]
        return node

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
        # an expanded view aliases base elements: their grads add up (summed over the
        # stride-0 dims), a copy through the overlapping view would be refused
        dup = [i for i, (n, st) in enumerate(zip(shape, stride)) if st == 0 and n > 1]
        if dup:
            g = g.sum(dup, keepdim=True)
            shape = tuple(1 if i in dup else n for i, n in enumerate(shape))
        as_strided(result, shape, stride, off).copy_(g)
        return [result]


class SavedViewOutput(SavedTensor):
    """The result of an in-place op on a view, saved for the op's own formula.

    Its history must be the view's (ViewOfBase over the base's CopySlices), not the op's
    node, which only runs inside CopySlices.  Holding the view's ViewOfBase strongly would
    be a cycle (CopySlices -> op node -> saved result -> ViewOfBase -> CopySlices), so, like
    torch's weak grad_fn for in-place-on-view outputs, the CopySlices is held weakly and a
    ViewOfBase is rebuilt on unpack.
    """

    __slots__ = ()

    def __init__(self, view, cs):
        SavedTensor.__init__(self, view, True, cs, 0)

    def unpack(self, node_name):
        ref = self.node_ref
        self.node_ref = None
        try:
            t = SavedTensor.unpack(self, node_name)
        finally:
            self.node_ref = ref
        cs = ref()
        if cs is not None and self.requires_grad:
            t = t.detach()
            t.grad_fn = ViewOfBase.of(cs)
            t._ag = 0
            t._requires_grad = True
        return t


def refresh_view_history(view):
    """Note [stale view history]: after its base (or another view of it) was modified in
    place, a view's old grad_fn no longer describes its value; like torch, it is rebuilt as
    a strided view of the base's current history the next time the view is used."""
    base = view._base
    node = ViewOfBase(None, base, view, edge=edge_of(base))
    view.grad_fn = node
    view._ag = 0
    view.__dict__["_vver"] = view._vc[0]
    return node
