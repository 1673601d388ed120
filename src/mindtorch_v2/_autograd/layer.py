"""The dispatcher's autograd layer: runs the kernel below it and records a graph node.

It runs only when grad mode is on and an input requires grad (dispatcher.dispatch decides),
so nothing here costs anything in inference code.

Note [in-place and views]: an in-place op on a tensor that needs grad records a node whose
inputs are the tensor's *previous* history and the other arguments, then rebases the
tensor's history onto it.  When the tensor is a view, the base's history is rebased too,
through a ``CopySlices`` node: the base's gradient flows to its previous history except in
the view's region, which goes through the in-place op's node.  The view itself then reads
its gradient out of the base's (``ViewOfBase``).  Like torch: in-place on a leaf that
requires grad, or on a view of one, is an error.
"""
from __future__ import annotations

from .._dispatch import dispatcher
from .._dispatch.dispatcher import STATE, redispatch
from .._tensor import Tensor
from . import anomaly
from .node import NO_EDGE, Node, SavedTensor, _seq, edge_of

__all__ = ["OpNode", "install"]

_FLOATING = (2, 3)  # dtype categories that carry gradients (float, complex)
_new_node = object.__new__


_NAMES = {}


def _node_name(opname):
    name = _NAMES.get(opname)
    if name is None:  # computed once per op: apply() asks for it on every call
        base = opname.split(".")[0]
        name = _NAMES[opname] = "".join(p[:1].upper() + p[1:] for p in
                                        base.strip("_").split("_")) + "Backward0"
    return name


class OpNode(Node):
    """The node of one call of a registered op with a backward formula."""

    __slots__ = ("op", "formula", "saved", "kwargs", "result", "in_meta", "out_meta",
                 "layout", "freed")

    def name(self):
        return _node_name(self.op.name)

    @property
    def _saved_tensors(self):
        return tuple(s.unpack(self.name()) for s in self.saved if isinstance(s, SavedTensor))

    def release(self):
        self.freed = True
        for s in self.saved:
            if isinstance(s, SavedTensor):
                s.free()
        r = self.result
        if isinstance(r, SavedTensor):
            r.free()
        elif isinstance(r, tuple):
            for x in r:
                if isinstance(x, SavedTensor):
                    x.free()

    def apply(self, grads):
        f = self.formula
        if f is None:
            raise NotImplementedError(f"the derivative for '{self.op.name}' is not "
                                      "implemented.")
        if self.freed:
            from .node import _FREED_MSG
            raise RuntimeError(_FREED_MSG)
        name = None
        args = []
        for s in self.saved:
            if isinstance(s, SavedTensor):
                if name is None:
                    name = self.name()
                s = s.unpack(name)
            elif type(s) is list and s and isinstance(s[0], SavedTensor):
                if name is None:
                    name = self.name()
                s = [x.unpack(name) if x is not None else None for x in s]
            args.append(s)
        g = self._materialize(grads)
        kw = self.kwargs
        if f.wants_result:
            kw = dict(kw)
            r = self.result
            kw["result"] = r.unpack(self.name()) if isinstance(r, SavedTensor) else tuple(
                x.unpack(self.name()) if isinstance(x, SavedTensor) else x for x in r)
        if f.wants_needs:
            kw = dict(kw)
            kw["needs"] = self._needs()
        out = f.fn(g, *args, **kw)
        if not isinstance(out, (tuple, list)):
            out = (out,)
        # flatten per-position grads to one per edge (list arguments give several edges)
        flat = []
        for pos, kind in self.layout:
            gpos = out[pos] if pos < len(out) else None
            if kind == 0:  # a tensor argument
                flat.append(gpos)
            else:  # a list of ``kind`` tensors
                flat.extend(gpos if gpos is not None else [None] * kind)
        return flat

    def _needs(self):
        """Per positional argument: does any of its tensors need a gradient?"""
        needs = [False] * len(self.saved)
        i = 0
        for pos, kind in self.layout:
            n = kind or 1
            needs[pos] = any(e[0] is not None for e in self.next_functions[i:i + n])
            i += n
        return tuple(needs)

    def _materialize(self, grads):
        if self.out_meta is None:  # single output
            g = grads[0]
            return g
        from .._ops.creation import zeros
        return tuple(g if g is not None else (zeros(m[0], dtype=m[1], device=m[2])
                                              if m is not None else None)
                     for g, m in zip(grads, self.out_meta))


def _make_node(op, args, kwargs, formula):
    """One pass over the arguments: edges (Note [edges]), input metadata for the engine's
    grad reduction, the layout (per tensor position: 0 for a tensor, n for a list of n
    tensors), and the saved values."""
    node = _new_node(OpNode)
    # inlined Node.__init__ (one node per recorded op)
    node.seq = next(_seq)
    node._pre_hooks = node._hooks = node._retain_hooks = None
    node._anomaly = node._metadata = None
    uses = formula.uses if formula is not None else ()
    edges = []
    meta = []
    layout = []
    saved = []
    pos = 0
    for a in args:
        if isinstance(a, Tensor):
            edges.append(edge_of(a) if a._requires_grad else NO_EDGE)
            meta.append((a._shape, a.dtype, a.device))
            layout.append((pos, 0))
            saved.append(SavedTensor(a) if pos in uses else None)
        elif type(a) in (list, tuple) and a and isinstance(a[0], Tensor):
            # index lists may hold None (x[i, :, j] indexes with [i, None, j])
            for t in a:
                edges.append(edge_of(t) if t is not None else NO_EDGE)
                meta.append((t._shape, t.dtype, t.device) if t is not None else None)
            layout.append((pos, len(a)))
            saved.append([SavedTensor(t) if t is not None else None for t in a]
                         if pos in uses else None)
        else:
            saved.append(a)
        pos += 1
    node.next_functions = tuple(edges)
    node.op = op
    node.formula = formula
    node.saved = saved
    if formula is not None and formula.wants_meta:
        # Note: geometry too, so view formulas (as_strided) need not save their input
        kwargs = dict(kwargs, meta=tuple(_geometry(args)))
    node.kwargs = kwargs
    node.result = None
    node.in_meta = meta
    node.layout = layout
    node.out_meta = None
    node.freed = False
    if anomaly.ENABLED[0]:
        anomaly.record(node)
    return node


def _geometry(args):
    """(shape, dtype, device, stride, storage offset) of each tensor argument, in order."""
    for a in args:
        if isinstance(a, Tensor):
            yield (a._shape, a.dtype, a.device, a._stride, a._offset)
        elif type(a) in (list, tuple) and a and isinstance(a[0], Tensor):
            for t in a:
                yield (t._shape, t.dtype, t.device, t._stride, t._offset) if t is not None \
                    else None


def _attach_outputs(node, out, formula):
    """Set grad_fn on the floating outputs; save the result if the formula reads it."""
    if isinstance(out, Tensor):
        if out.dtype.category in _FLOATING:
            out.grad_fn = node
            out._ag = 0
            out._requires_grad = True
            if formula is not None and formula.wants_result:
                node.result = SavedTensor(out, True, node, 0)
        return out
    metas = []
    saved = []
    for i, t in enumerate(out):
        if isinstance(t, Tensor) and t.dtype.category in _FLOATING:
            t.grad_fn = node
            t._ag = i
            t._requires_grad = True
            metas.append((t._shape, t.dtype, t.device))
            saved.append(SavedTensor(t, True, node, i) if formula is not None and
                         formula.wants_result and (formula.result_outputs is None or
                                                   i in formula.result_outputs) else None)
        else:
            metas.append(None)
            saved.append(t)
    node.out_meta = tuple(metas)
    if formula is not None and formula.wants_result:
        node.result = tuple(saved)
    return out


def _any_floating(out):
    if isinstance(out, Tensor):
        return out.dtype.category in _FLOATING
    return any(isinstance(t, Tensor) and t.dtype.category in _FLOATING for t in out)


def autograd_layer(op, dt, args, kwargs):
    if op.inplace:
        return _inplace(op, dt, args, kwargs)
    state = STATE
    state.grad_enabled = False
    try:
        out = redispatch(op, dt, args, kwargs)
    finally:
        state.grad_enabled = True
    if op.nondiff:
        return out
    formula = op.backward
    if type(out) is Tensor:  # the common single output, inlined
        if out.dtype.category not in _FLOATING:
            return out
        node = _make_node(op, args, kwargs, formula)
        out.grad_fn = node
        out._ag = 0
        out._requires_grad = True
        if formula is not None and formula.wants_result:
            node.result = SavedTensor(out, True, node, 0)
        if op.view:  # Note [stale view history]
            out.__dict__["_vver"] = out._vc[0]
        return out
    if not _any_floating(out):
        return out
    node = _make_node(op, args, kwargs, formula)
    out = _attach_outputs(node, out, formula)
    if op.view:  # remember the version this history describes (Note [stale view history])
        for t in (out,) if isinstance(out, Tensor) else out:
            if isinstance(t, Tensor) and t.grad_fn is node:
                t.__dict__["_vver"] = t._vc[0]
    return out


# ---------------------------------------------------------------------------------------
# in-place ops (Note [in-place and views])
# ---------------------------------------------------------------------------------------

def _check_inplace_allowed(self):
    if self.grad_fn is None and self._requires_grad:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    base = self._base
    if base is not None and base.grad_fn is None and base._requires_grad:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")


def _inplace(op, dt, args, kwargs):
    self = args[0]
    _check_inplace_allowed(self)
    outplace = op.extra.get("outplace")
    formula = op.backward if op.backward is not None else (
        outplace.backward if outplace is not None else None)
    needs = self._requires_grad or any(
        (isinstance(a, Tensor) and a._requires_grad) or
        (type(a) in (list, tuple) and a and isinstance(a[0], Tensor) and
         any(t is not None and t._requires_grad for t in a)) for a in args[1:])
    if op.nondiff or not needs or self.dtype.category not in _FLOATING:
        STATE.grad_enabled = False
        try:
            return redispatch(op, dt, args, kwargs)
        finally:
            STATE.grad_enabled = True
    # the formula may read the input's value before it is overwritten: keep a copy
    saved_args = args
    if formula is not None and 0 in formula.uses:
        from .._ops.copy_ops import CLONE
        STATE.grad_enabled = False
        try:
            before = redispatch(CLONE, dt, (self,), {})
        finally:
            STATE.grad_enabled = True
        before._requires_grad = self._requires_grad
        before.grad_fn = self.grad_fn
        before._ag = self._ag
        saved_args = (before,) + tuple(args[1:])
    node = _make_node(op, saved_args, kwargs, formula)
    # the edge for the old self must be taken before the history changes
    STATE.grad_enabled = False
    try:
        redispatch(op, dt, args, kwargs)
    finally:
        STATE.grad_enabled = True
    _rebase(self, node)
    if formula is not None and formula.wants_result:
        if self._base is not None:
            from .view_nodes import SavedViewOutput
            node.result = SavedViewOutput(self, self._base.grad_fn)
        else:
            node.result = SavedTensor(self, True, node, 0)
    return self


def _rebase(self, node):
    """Make ``node`` the history of ``self`` (and of its base, if it is a view)."""
    base = self._base
    if base is None:
        self.grad_fn = node
        self._ag = 0
        self._requires_grad = True
        return
    from .view_nodes import CopySlices, ViewOfBase
    cs = CopySlices(base, self, node)
    base.grad_fn = cs
    base._ag = 0
    base._requires_grad = True
    self.grad_fn = ViewOfBase(cs, base, self)
    self._ag = 0
    self._requires_grad = True
    self.__dict__["_vver"] = self._vc[0]


def install():
    dispatcher.LAYERS["autograd"] = autograd_layer
