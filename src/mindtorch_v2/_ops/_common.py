"""Shape, dim and stride logic shared by the op families (one place, every device)."""
from __future__ import annotations

import numbers

from .._tensor import Tensor, _wrap_dim, contiguous_strides

__all__ = ["wrap_dim", "wrap_dims", "broadcast_shapes", "elementwise_strides", "as_shape",
           "is_scalar", "contiguous_strides", "channels_last_strides", "finish_out"]

wrap_dim = _wrap_dim

_SCALARS = (int, float, complex, bool)


def is_scalar(x):
    return isinstance(x, numbers.Number) and not isinstance(x, Tensor)


def channels_last_strides(shape):
    """Dense strides of an (N, C, *spatial) shape with C innermost, then the spatial dims in
    order and N outermost (channels_last / channels_last_3d)."""
    stride = [0] * len(shape)
    stride[1] = 1
    acc = shape[1]
    for i in range(len(shape) - 1, 1, -1):
        stride[i] = acc
        acc *= shape[i]
    stride[0] = acc
    return tuple(stride)


def finish_out(r, out):
    """``r``, or ``r`` copied into ``out`` (resized first if its shape differs), like an
    ``out=`` argument of a composite op."""
    if out is None:
        return r
    if tuple(out._shape) != tuple(r._shape):
        out.resize_(r.shape)
    return out.copy_(r)


def wrap_dims(dim, ndim):
    """Normalise an int / tuple / list of dims; RuntimeError on repeats like torch."""
    if isinstance(dim, int):
        return (_wrap_dim(dim, ndim),)
    out = tuple(_wrap_dim(d, ndim) for d in dim)
    if len(set(out)) != len(out):
        for i, d in enumerate(out):
            if d in out[:i]:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return out


def as_shape(args, name="size"):
    """Sizes given as varargs or one sequence (``zeros(2, 3)`` / ``zeros((2, 3))``)."""
    if len(args) == 1 and not isinstance(args[0], int):
        a = args[0]
        if isinstance(a, Tensor):
            a = a.tolist() if a.dim() == 1 else [int(a)]
        try:
            shape = tuple(a)
        except TypeError:
            raise TypeError(f"{name} must be tuple of ints, but got {type(a).__name__}") from None
    else:
        shape = tuple(args)
    for s in shape:
        if not isinstance(s, int) or isinstance(s, bool):
            if hasattr(s, "__index__") and not isinstance(s, bool):
                continue
            raise TypeError(f"{name} must be tuple of ints, but found element of type "
                            f"{type(s).__name__} at pos {shape.index(s)}")
    shape = tuple(int(s) for s in shape)
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(shape)}")
    return shape


def broadcast_shapes(*shapes):
    """torch.broadcast_shapes with torch's error message."""
    if len(shapes) == 2:
        a, b = shapes
        if a == b:
            return tuple(a)
    ndim = max((len(s) for s in shapes), default=0)
    out = [1] * ndim
    for s in shapes:
        off = ndim - len(s)
        for i, d in enumerate(s):
            j = off + i
            o = out[j]
            if d == o or d == 1:
                continue
            if o == 1:
                out[j] = d
            else:
                raise RuntimeError(f"The size of tensor a ({o}) must match the size of tensor b "
                                   f"({d}) at non-singleton dimension {j}")
    return tuple(out)


def broadcast_error(shape_a, shape_b):
    """Raise torch's broadcast RuntimeError for two shapes known to be incompatible."""
    broadcast_shapes(shape_a, shape_b)
    raise RuntimeError(f"shapes {list(shape_a)} and {list(shape_b)} cannot be broadcast")


def elementwise_strides(shape, operands):
    """Output strides of an elementwise op, following TensorIterator's layout rule.

    All operands the same shape and contiguous -> contiguous; all the same dense
    strides -> those strides; otherwise the dims are ordered by the inputs' strides
    (broadcast dims ignored, first operand decides ties) and the output is dense in that
    order.  ``operands``: (shape, stride) pairs of the tensor inputs.
    """
    ndim = len(shape)
    contig = contiguous_strides(shape)
    if ndim <= 1 or not operands:
        return contig
    same = all(s == shape for s, _ in operands)
    if same:
        if all(_is_contig(s, st) for s, st in operands):
            return contig
        st0 = operands[0][1]
        if all(st == st0 for _, st in operands) and _dense(shape, st0):
            return st0
    # broadcast strides of each operand against the output shape
    bstrides = []
    for s, st in operands:
        off = ndim - len(s)
        bs = [0] * ndim
        for i in range(len(s)):
            if s[i] != 1 or shape[off + i] == 1:
                bs[off + i] = st[i]
        bstrides.append(bs)

    def should_swap(d0, d1):
        for bs in bstrides:
            s0, s1 = bs[d0], bs[d1]
            if s0 == 0 or s1 == 0:
                continue
            if s0 < s1:
                return -1
            if s0 > s1:
                return 1
            if shape[d0] > shape[d1]:
                return 1
        return 0

    perm = sort_dims(ndim, should_swap)
    out = [0] * ndim
    acc = 1
    for d in perm:
        out[d] = acc
        acc *= max(shape[d], 1)
    return tuple(out)


def sort_dims(ndim, cmp):
    """TensorIterator's insertion sort of dims, innermost first: ``cmp(d0, d1)`` returns 1
    (d0 goes after d1: swap), -1 (keep and stop) or 0 (ambiguous: keep, look further)."""
    perm = list(range(ndim - 1, -1, -1))
    for i in range(1, ndim):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = cmp(perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    return perm


def _is_contig(shape, stride):
    expected = 1
    for s, st in zip(reversed(shape), reversed(stride)):
        if s == 1:
            continue
        if st != expected:
            return False
        expected *= s
    return True


def _dense(shape, stride):
    from .._tensor import _non_overlapping_and_dense
    return _non_overlapping_and_dense(shape, stride)
