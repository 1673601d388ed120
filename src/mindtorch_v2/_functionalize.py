"""Functionalization: the dispatcher's outermost layer (``torch.functionalize``).

Inside ``with torch.functionalize():`` every mutation becomes an out-of-place computation
plus a write-back:

- an in-place op ``self.op_(*rest)`` computes ``value = op(self, *rest)`` with its
  out-of-place twin (``op.extra["outplace"]``); in-place ops without one (``index_put_``,
  ``scatter_``, random fills, ...) run on a private clone of ``self`` instead, which no
  other tensor aliases, and the clone is the value;
- ``copy_`` (and therefore ``out=`` forms, ``dispatch_inplace`` and ``__setitem__``, which
  all end in ``copy_`` or an in-place op) has its source as the value;
- the value is then written back into the storage region of ``self`` expressed relative to
  its base (``self._base``, or ``self`` itself when it is not a view), so the base and every
  other view of it see the update.

Note [write-back table]: how the value reaches the base's region depends on the device
only, so it is one entry of ``WRITEBACK`` per device type:

- ``cpu``: a strided copy into the base's region (NumPy, through the CPU ``copy_`` kernel);
- ``meta``: nothing to write: meta tensors have metadata only, and an in-place op never
  changes the metadata of ``self`` (shape, strides, offset stay those of the view);
- other devices (``npu``): the device's own ``copy_`` kernel on a strided view of the base,
  until the device registers a dedicated kernel with ``register_writeback`` (the NPU issue
  plugs ACLNN's strided-slice-assign in there).

Note [functionalize and autograd]: the write-back is an in-place op of its own (``_WB``,
with ``copy_``'s backward formula) dispatched *below* this layer, so the autograd layer
records it like an ordinary ``copy_`` of the value into ``self``: the value's history
(the out-of-place op) feeds ``self`` and, through ``CopySlices``, its base.  Gradients
therefore equal those of the same code without functionalize, and torch's errors for
in-place on a leaf that requires grad (or a view of one) are raised unchanged.  Version
counters are bumped by the write-back, so saved-tensor checks keep working.
"""
from __future__ import annotations

import functools

from ._dispatch import dispatcher
from ._dispatch.dispatcher import STATE, check_inplace_result
from ._ops.copy_ops import CLONE
from ._ops.creation import empty_like
from ._ops.registry import OPS, Op
from ._ops.views import AS_STRIDED
from ._tensor import Tensor

__all__ = ["functionalize", "register_writeback", "WRITEBACK", "Geometry"]


# ---------------------------------------------------------------------------------------
# write-back (Note [write-back table])
# ---------------------------------------------------------------------------------------

class Geometry:
    """Where a view lives inside its base: ``shape`` and ``stride`` in elements of
    ``dtype`` (the view's dtype, which differs from the base's after ``view(dtype)`` or
    ``view_as_real``), ``offset`` in those elements from the base's first element."""

    __slots__ = ("shape", "stride", "offset", "dtype")

    def __init__(self, shape, stride, offset, dtype):
        self.shape = shape
        self.stride = stride
        self.offset = offset
        self.dtype = dtype

    def __repr__(self):
        return f"Geometry({self.shape}, {self.stride}, {self.offset}, {self.dtype})"


def _geometry(target, base):
    isz = target.dtype.itemsize
    rel = target._offset * isz - base._offset * base.dtype.itemsize
    return Geometry(target._shape, target._stride, rel // isz, target.dtype)


def _region(base, geom):
    """A tensor over the base's storage covering ``geom`` (the base itself when equal)."""
    if (geom.offset == 0 and geom.dtype is base.dtype and geom.shape == base._shape
            and geom.stride == base._stride):
        return base
    st = base.untyped_storage()
    start = base._offset * base.dtype.itemsize // geom.dtype.itemsize + geom.offset
    return Tensor._from_storage(st, geom.shape, geom.stride, start, geom.dtype, base=base,
                                vc=base._vc)


def _strided_copy(base, value, geom):
    """Default write-back: the device's ``copy_`` kernel on the base's strided region
    (it broadcasts and casts ``value`` like ``copy_``)."""
    region = _region(base, geom)
    k = COPY_.kernels.get(region.device.type)
    if k is None:
        raise NotImplementedError(f"functionalize: no write-back for device type "
                                  f"'{region.device.type}' (register_writeback)")
    k(region, value)


def _metadata_only(base, value, geom):
    # meta: no data to move; shapes/strides of base and view are unchanged by in-place ops
    return None


def _slices(base, geom):
    """(begin, end, step) per dim of ``base`` when the region ``geom`` is
    ``base[b0:e0:s0, b1:e1:s1, ...]``, else None."""
    shape, stride = base._shape, base._stride
    if geom.dtype is not base.dtype or len(geom.shape) != len(shape) or not shape:
        return None
    begin, off = [0] * len(shape), geom.offset
    for i in sorted(range(len(shape)), key=lambda i: -stride[i]):   # peel the largest first
        if stride[i] > 0 and shape[i] > 1:
            begin[i], off = divmod(off, stride[i])
    if off:
        return None
    out = []
    for b, n, size, bs, vs in zip(begin, geom.shape, shape, stride, geom.stride):
        step = 1 if n <= 1 else (vs // bs if bs and vs % bs == 0 and vs > 0 else 0)
        if step < 1 or b + (n - 1) * step >= size:
            return None
        out.append((b, b + (n - 1) * step + 1, step))
    return out


def _npu_slice_assign(base, value, geom):
    """NPU write-back: aclnnStridedSliceAssignV2 when the view is a per-dim slice of its
    base (value broadcast and cast by the kernel), else the strided copy kernel."""
    sl = _slices(base, geom)
    if sl is None or not isinstance(value, Tensor) or value.device != base.device:
        return _strided_copy(base, value, geom)
    if any(n == 0 for n in geom.shape):
        return None
    from ._backends.npu.aclnn import IntArray, run
    begin, end, step = zip(*sl)
    run("aclnnStridedSliceAssignV2", base, value, IntArray(begin), IntArray(end),
        IntArray(step), IntArray(range(len(sl))))


# device type -> fn(base, value, geometry); devices without an entry use _strided_copy
WRITEBACK = {"cpu": _strided_copy, "meta": _metadata_only, "npu": _npu_slice_assign}


def register_writeback(device_type, fn):
    """Install the write-back for ``device_type``: ``fn(base, value, geometry)`` writes
    ``value`` (broadcast to ``geometry.shape``, cast to ``geometry.dtype``) into the region
    ``geometry`` of ``base``'s storage (see ``Geometry``)."""
    WRITEBACK[device_type] = fn


def _check_no_internal_overlap(t):
    # torch refuses to write where one memory location backs several elements
    for s, st in zip(t._shape, t._stride):
        if st == 0 and s > 1:
            raise RuntimeError("unsupported operation: more than one element of the written-to "
                               "tensor refers to a single memory location. Please clone() the "
                               "tensor before performing the operation.")


def _writeback_kernel(target, value, non_blocking=False):
    base = target._base
    if base is None or base._storage is not target._storage:
        base = target
    geom = _geometry(target, base)
    WRITEBACK.get(target.device.type, _strided_copy)(base, value, geom)
    return target


COPY_ = OPS["copy_"]
# The write-back as an op (Note [functionalize and autograd]): named like copy_ so its node
# reads "CopyBackward0"; not registered in OPS, it is private to this layer.
_WB = Op("copy_", COPY_.meta, inplace=True)
for _dt in ("cpu", "meta", "npu"):
    _WB.kernels[_dt] = _writeback_kernel


def _write_back(target, value):
    """Write ``value`` into ``target`` (and so into its base) below this layer."""
    _check_no_internal_overlap(target)
    if _WB.backward is None:  # formulas load after the op tables (autograd install)
        _WB.backward = COPY_.backward
    dispatcher.dispatch(_WB, target, value)
    return target


# ---------------------------------------------------------------------------------------
# the layer
# ---------------------------------------------------------------------------------------

# in-place ops that overwrite every element whatever it held: their scratch tensor need
# not start as a copy of self
_OVERWRITES = frozenset(("fill_", "zero_", "uniform_", "normal_", "random_", "exponential_",
                         "cauchy_", "log_normal_", "geometric_", "bernoulli_", "randperm"))


def _needs_grad(args):
    for a in args:
        if isinstance(a, Tensor):
            if a._requires_grad:
                return True
        elif type(a) in (list, tuple) and any(isinstance(t, Tensor) and t._requires_grad
                                               for t in a):
            return True
    return False


def _mutation(op, args, inputs, kwargs):
    """Run in-place ``op`` functionally: new value out of place from ``inputs`` (``args``
    with views refreshed), then write-back into ``args[0]``."""
    self = args[0]
    if op is COPY_:
        return _write_back(self, inputs[1])
    args = inputs
    outplace = op.extra.get("outplace")
    if outplace is not None:
        f = outplace.backward
        if f is not None and 0 in f.uses and STATE.grad_enabled and _needs_grad(args):
            # the node would save self, which the write-back overwrites: give it a snapshot
            # (autograd's own in-place path does the same)
            args = (dispatcher.dispatch(CLONE, args[0]),) + tuple(args[1:])
        value = dispatcher.dispatch(outplace, *args, **kwargs)
        check_inplace_result(self, value)
    else:
        scratch = (empty_like(self) if op.name in _OVERWRITES
                   else dispatcher.dispatch(CLONE, args[0]))
        dispatcher.dispatch(op, scratch, *args[1:], **kwargs)
        value = scratch
    return _write_back(self, value)


def _fresh(t):
    """``t`` itself, or, for a view whose base has history, a new alias of the base's
    current value (Note [fresh views])."""
    b = t._base
    if (b is None or not t._requires_grad or b.grad_fn is None
            or b.dtype is not t.dtype):  # detached aliases and dtype views stay as they are
        return t
    return dispatcher.dispatch(AS_STRIDED, b, t._shape, t._stride, t._offset)


def _refresh(args):
    out = None
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            f = _fresh(a)
        elif type(a) in (list, tuple) and a and isinstance(a[0], Tensor):
            f = type(a)(_fresh(t) if isinstance(t, Tensor) else t for t in a)
            if all(x is y for x, y in zip(f, a)):
                f = a
        else:
            continue
        if f is not a:
            if out is None:
                out = list(args)
            out[i] = f
    return args if out is None else tuple(out)


def functionalize_layer(op, device_type, args, kwargs):
    """Called by the dispatcher for every op while functionalize is on."""
    STATE.functionalize = False  # the layers below (and kernels' own calls) run plain
    try:
        inputs = _refresh(args) if STATE.grad_enabled else args
        if op.inplace and args and isinstance(args[0], Tensor):
            return _mutation(op, args, inputs, kwargs)
        return dispatcher.dispatch(op, *inputs, **kwargs)
    finally:
        STATE.functionalize = True


dispatcher.LAYERS["functionalize"] = functionalize_layer


# ---------------------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------------------

class functionalize:
    """Run code with mutations functionalized (context manager and decorator).

    ``with torch.functionalize():`` makes every in-place op, ``copy_``, ``out=`` write and
    ``__setitem__`` compute its new value out of place and write it back into the mutated
    tensor's base, so the base and all its views see the update (values, shapes, strides
    and gradients are those of the same code without functionalize).

    Also usable as ``@torch.functionalize()``, ``@torch.functionalize`` or
    ``torch.functionalize(fn)(*args)`` (like ``torch.func.functionalize(fn)``).  Contexts
    nest; leaving one, also by an exception, restores the previous state.
    """

    def __init__(self, func=None, *, remove="mutations"):
        if remove not in ("mutations", "mutations_and_views"):
            raise RuntimeError("functionalize(f, remove='mutations'): received invalid "
                               f"argument for remove={remove}. Valid options are:\n"
                               "     remove='mutations': all inplace and out= operators will "
                               "be removed from the program, and replaced with their out-of-"
                               "place equivalents.\n     remove='mutations_and_views': In "
                               "addition to the above, all aliasing operators {view} will be "
                               "replaced with their non-aliasing counterparts, {view}_copy.\n")
        if func is not None and not callable(func):
            raise TypeError(f"functionalize(): expected a callable, got "
                            f"{type(func).__name__}")
        self._fn = func
        self._prev = []
        if func is not None:
            functools.update_wrapper(self, func)

    def __enter__(self):
        self._prev.append(STATE.functionalize)
        STATE.functionalize = True
        return self

    def __exit__(self, exc_type, exc, tb):
        STATE.functionalize = self._prev.pop()
        return False

    def __call__(self, *args, **kwargs):
        fn = self._fn
        if fn is None:  # @torch.functionalize(): decorate
            if len(args) != 1 or kwargs or not callable(args[0]):
                raise TypeError("functionalize() instance used as a decorator expects one "
                                "callable")
            return functionalize(args[0])
        with functionalize():
            return fn(*args, **kwargs)

    def __get__(self, obj, objtype=None):  # decorated methods bind like functions
        if obj is None or self._fn is None:
            return self
        return functools.partial(self.__call__, obj)

    def __repr__(self):
        return f"torch.functionalize({self._fn!r})" if self._fn else "torch.functionalize()"
