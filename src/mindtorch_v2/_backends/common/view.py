"""View metadata: the (shape, stride, storage_offset) each view op produces.

Views share storage and only change metadata, so one function per view op serves every
device; ``_ops/views.py`` wraps them into ops whose kernel is ``_make_view``.
"""
from __future__ import annotations

from ..._tensor import _wrap_dim, contiguous_strides

__all__ = ["compute_view_stride", "infer_size"]


def infer_size(shape, numel):
    """Resolve a single -1 in ``shape`` against ``numel``; torch's errors otherwise."""
    neg = None
    prod = 1
    for i, s in enumerate(shape):
        if s == -1:
            if neg is not None:
                raise RuntimeError("only one dimension can be inferred")
            neg = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s}")
        else:
            prod *= s
    if neg is not None:
        if prod == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} "
                               "because the unspecified dimension size -1 can be any value and "
                               "is ambiguous")
        if numel % prod != 0:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(shape[:neg]) + (numel // prod,) + tuple(shape[neg + 1:])
    elif prod != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def compute_view_stride(oldshape, oldstride, newshape):
    """Strides for viewing (oldshape, oldstride) as newshape, or None if impossible.

    torch's rule (THTensor_compute_stride): split the old dims into chunks that are
    contiguous among themselves; each chunk must map onto consecutive new dims.
    """
    if not oldshape:  # a 0-dim tensor: every new dim has size 1
        return (1,) * len(newshape)
    numel = 1
    for s in oldshape:
        numel *= s
    if numel == 0:
        if oldshape == tuple(newshape):
            return tuple(oldstride)
        return contiguous_strides(tuple(newshape))
    newstride = [0] * len(newshape)
    view_d = len(newshape) - 1
    chunk_base_stride = oldstride[-1] if oldstride else 1
    tensor_numel = 1
    view_numel = 1
    for tensor_d in range(len(oldshape) - 1, -1, -1):
        tensor_numel *= oldshape[tensor_d]
        if tensor_d == 0 or (oldshape[tensor_d - 1] != 1 and
                             oldstride[tensor_d - 1] != tensor_numel * chunk_base_stride):
            while view_d >= 0 and (view_numel < tensor_numel or newshape[view_d] == 1):
                newstride[view_d] = view_numel * chunk_base_stride
                view_numel *= newshape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base_stride = oldstride[tensor_d - 1]
                tensor_numel = 1
                view_numel = 1
    if view_d != -1:
        return None
    return tuple(newstride)


def transpose(shape, stride, d0, d1):
    n = len(shape)
    d0 = _wrap_dim(d0, n)
    d1 = _wrap_dim(d1, n)
    if n == 0:
        return shape, stride
    sh = list(shape)
    st = list(stride)
    sh[d0], sh[d1] = sh[d1], sh[d0]
    st[d0], st[d1] = st[d1], st[d0]
    return tuple(sh), tuple(st)


def permute(shape, stride, dims):
    n = len(shape)
    if len(dims) != n:
        raise RuntimeError("permute(sparse_coo): number of dimensions in the tensor input does "
                           "not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {n} is not equal to len(dims) = {len(dims)}")
    wd = [_wrap_dim(d, n) for d in dims]
    if len(set(wd)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return tuple(shape[d] for d in wd), tuple(stride[d] for d in wd)


def expand(shape, stride, sizes):
    n_new = len(sizes)
    n_old = len(shape)
    if n_new < n_old:
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(shape)}}}, size={list(sizes)}): the "
                           "number of sizes provided "
                           f"({n_new}) must be greater or equal to the number of dimensions in "
                           f"the tensor ({n_old})")
    out_shape = []
    out_stride = []
    for i in range(n_new):
        j = i - (n_new - n_old)
        s = sizes[i]
        if j < 0:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a "
                                   "leading, non-existing dimension " + str(i))
            out_shape.append(s)
            out_stride.append(0)
            continue
        old = shape[j]
        if s == -1:
            s = old
        if old == s:
            out_shape.append(s)
            out_stride.append(stride[j])
        elif old == 1:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed")
            out_shape.append(s)
            out_stride.append(0)
        else:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing "
                               f"size ({old}) at non-singleton dimension {i}.  Target sizes: "
                               f"{list(sizes)}.  Tensor sizes: {list(shape)}")
    # torch gives a new size-1 leading dim the stride a contiguous layout would have
    for i in reversed(range(n_new - n_old)):
        if out_shape[i] == 1 and i + 1 < n_new:
            out_stride[i] = out_shape[i + 1] * out_stride[i + 1]
    return tuple(out_shape), tuple(out_stride)


def squeeze(shape, stride, dims=None):
    n = len(shape)
    if dims is None:
        keep = [i for i in range(n) if shape[i] != 1]
    else:
        if isinstance(dims, int):
            dims = (dims,)
        wd = {_wrap_dim(d, n) for d in dims} if n else set()
        for d in dims:
            _wrap_dim(d, n)
        keep = [i for i in range(n) if not (i in wd and shape[i] == 1)]
    return tuple(shape[i] for i in keep), tuple(stride[i] for i in keep)


def unsqueeze(shape, stride, dim):
    n = len(shape)
    dim = _wrap_dim(dim, n + 1)
    new_stride = shape[dim] * stride[dim] if dim < n else 1
    return (shape[:dim] + (1,) + shape[dim:], stride[:dim] + (new_stride,) + stride[dim:])


def select(shape, stride, offset, dim, index):
    n = len(shape)
    if n == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = _wrap_dim(dim, n)
    size = shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(shape)} at dimension {dim}")
    if index < 0:
        index += size
    return (shape[:dim] + shape[dim + 1:], stride[:dim] + stride[dim + 1:],
            offset + index * stride[dim])


def slice_(shape, stride, offset, dim, start, stop, step):
    """Python slice semantics clamped like torch (no error for out-of-range bounds)."""
    n = len(shape)
    dim = _wrap_dim(dim, n)
    size = shape[dim]
    if step is None:
        step = 1
    if step <= 0:
        raise ValueError("step must be greater than zero")
    start, stop, _ = slice(start, stop, step).indices(size)
    length = max(0, (stop - start + step - 1) // step)
    sh = list(shape)
    st = list(stride)
    sh[dim] = length
    st[dim] = stride[dim] * step
    return tuple(sh), tuple(st), offset + start * stride[dim]


def narrow(shape, stride, offset, dim, start, length):
    n = len(shape)
    if n == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    dim = _wrap_dim(dim, n)
    size = shape[dim]
    if start < 0:
        start += size
    if not 0 <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but "
                         f"got {start - size if start < 0 else start})")
    if length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({size}).")
    sh = list(shape)
    sh[dim] = length
    return tuple(sh), tuple(stride), offset + start * stride[dim]


def diagonal(shape, stride, offset, off, dim1, dim2):
    n = len(shape)
    d1 = _wrap_dim(dim1, n)
    d2 = _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    if off >= 0:
        length = max(min(shape[d1], shape[d2] - off), 0)
        new_off = offset + (off * stride[d2] if length else 0)
    else:
        length = max(min(shape[d1] + off, shape[d2]), 0)
        new_off = offset + (-off * stride[d1] if length else 0)
    keep = [i for i in range(n) if i not in (d1, d2)]
    return (tuple(shape[i] for i in keep) + (length,),
            tuple(stride[i] for i in keep) + (stride[d1] + stride[d2],), new_off)


def unfold(shape, stride, dim, size, step):
    n = len(shape)
    dim = _wrap_dim(dim, n) if n else 0
    cur = shape[dim] if n else 1
    if size > cur:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {cur} but size is "
                           f"{size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if n == 0:
        return (size,), (1,)
    count = (cur - size) // step + 1
    sh = list(shape)
    st = list(stride)
    sh[dim] = count
    st[dim] = stride[dim] * step
    return tuple(sh) + (size,), tuple(st) + (stride[dim],)
