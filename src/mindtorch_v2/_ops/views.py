"""View ops: they share the input's storage and only compute new metadata.

Each view op is an Op tagged ``view`` whose meta function returns (shape, stride, offset)
from ``_backends/common/view.py``; its kernel, the same on every device, makes the view.
Composite ops (reshape, flatten, split, chunk, ...) are built from these.
"""
from __future__ import annotations

from .. import _dtype as D
from .._backends.common import view as V
from .._dispatch.dispatcher import dispatch
from .._tensor import Tensor, _wrap_dim
from .registry import register
from .tensor_methods import method

__all__ = ["reshape", "transpose", "swapaxes", "swapdims", "permute", "squeeze", "unsqueeze",
           "flatten", "unflatten", "narrow", "select", "unbind", "split", "chunk",
           "tensor_split", "diagonal", "as_strided", "movedim", "moveaxis", "t", "view_as_real",
           "view_as_complex", "real", "imag", "broadcast_to", "hsplit", "vsplit", "dsplit",
           "adjoint", "expand_copy"]


def view_kernel(op):
    meta = op.meta

    def kernel(x, *args, **kwargs):
        m = meta(x, *args, **kwargs)
        if type(m) is list:  # several views (split, unbind)
            return tuple(x._make_view(*v) for v in m)
        out = x._make_view(m[0], m[1], m[2])
        if len(m) == 4:  # a view that reinterprets the dtype (view.dtype, view_as_real...)
            out.dtype = m[3]
        return out
    return kernel


def view_op(name):
    """Decorator: declare a view op from its metadata function."""
    def deco(meta):
        op = register(name, meta, view=True, family="views")
        k = view_kernel(op)
        for dev in ("cpu", "meta", "npu"):
            op.kernels[dev] = k
        return op
    return deco


# ---------------------------------------------------------------------------------------
# primitive views
# ---------------------------------------------------------------------------------------

def _keep_offset(x, layout, *args):
    """(shape, strides, offset) of a view that only rearranges shape and strides
    (``layout(shape, stride, *args)``): it starts where ``x`` starts."""
    sh, st = layout(x._shape, x._stride, *args)
    return sh, st, x._offset


@view_op("view")
def VIEW(x, shape):
    shape = V.infer_size(shape, x.numel())
    stride = V.compute_view_stride(x._shape, x._stride, shape)
    if stride is None:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at "
                           "least one dimension spans across two contiguous subspaces). Use "
                           ".reshape(...) instead.")
    return shape, stride, x._offset


@view_op("view.dtype")
def VIEW_DTYPE(x, dtype):
    old = x.dtype.itemsize
    new = dtype.itemsize
    if old == new:
        return x._shape, x._stride, x._offset, dtype
    if x.dim() == 0:
        raise RuntimeError("self.dim() cannot be 0 to view " + x.dtype.c10_name + " as " +
                           dtype.c10_name + " (different element sizes)")
    if x._stride[-1] != 1:
        raise RuntimeError("self.stride(-1) must be 1 to view " + x.dtype.c10_name + " as " +
                           dtype.c10_name + " (different element sizes), but got " +
                           str(x._stride[-1]))
    if new > old:
        ratio = new // old
        if x._shape[-1] % ratio:
            raise RuntimeError(f"self.size(-1) must be divisible by {ratio} to view "
                               f"{x.dtype.c10_name} as {dtype.c10_name} (different element "
                               f"sizes), but got {x._shape[-1]}")
        if x._offset % ratio:
            raise RuntimeError(f"self.storage_offset() must be divisible by {ratio} to view "
                               f"{x.dtype.c10_name} as {dtype.c10_name} (different element "
                               f"sizes), but got {x._offset}")
        for s in x._stride[:-1]:
            if s % ratio:
                raise RuntimeError(f"self.stride(0) must be divisible by {ratio} to view "
                                   f"{x.dtype.c10_name} as {dtype.c10_name} (different element "
                                   f"sizes), but got {s}")
        return (x._shape[:-1] + (x._shape[-1] // ratio,),
                tuple(s // ratio for s in x._stride[:-1]) + (1,), x._offset // ratio, dtype)
    ratio = old // new
    return (x._shape[:-1] + (x._shape[-1] * ratio,),
            tuple(s * ratio for s in x._stride[:-1]) + (1,), x._offset * ratio, dtype)


def _view_dtype(x, dtype):
    return dispatch(VIEW_DTYPE, x, dtype)


@view_op("as_strided")
def AS_STRIDED(x, size, stride, storage_offset=None):
    size = tuple(size)
    stride = tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape")
    off = x._offset if storage_offset is None else storage_offset
    for s in stride:
        if s < 0:
            raise RuntimeError("as_strided: Negative strides are not supported at the moment, "
                               f"got strides: {list(stride)}")
    need = 1 + sum((a - 1) * b for a, b in zip(size, stride)) if all(size) else 0
    have = x.untyped_storage().nbytes() // x.dtype.itemsize
    if need and off + need > have:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {off}, and itemsize {x.dtype.itemsize} requiring a storage "
                           f"size of {(off + need) * x.dtype.itemsize} are out of bounds for "
                           f"storage of size {have * x.dtype.itemsize}")
    return size, stride, off


@view_op("transpose")
def TRANSPOSE(x, dim0, dim1):
    return _keep_offset(x, V.transpose, dim0, dim1)


@view_op("permute")
def PERMUTE(x, dims):
    return _keep_offset(x, V.permute, dims)


@view_op("expand")
def EXPAND(x, sizes):
    return _keep_offset(x, V.expand, sizes)


@view_op("squeeze")
def SQUEEZE(x, dim=None):
    return _keep_offset(x, V.squeeze, dim)


@view_op("unsqueeze")
def UNSQUEEZE(x, dim):
    return _keep_offset(x, V.unsqueeze, dim)


@view_op("select")
def SELECT(x, dim, index):
    return V.select(x._shape, x._stride, x._offset, dim, index)


@view_op("slice")
def SLICE(x, dim=0, start=None, end=None, step=1):
    return V.slice_(x._shape, x._stride, x._offset, dim, start, end, step)


@view_op("narrow")
def NARROW(x, dim, start, length):
    if isinstance(start, Tensor):
        start = int(start)
    return V.narrow(x._shape, x._stride, x._offset, dim, start, length)


@view_op("diagonal")
def DIAGONAL(x, offset=0, dim1=0, dim2=1):
    return V.diagonal(x._shape, x._stride, x._offset, offset, dim1, dim2)


@view_op("unfold")
def UNFOLD(x, dimension, size, step):
    return _keep_offset(x, V.unfold, dimension, size, step)


@view_op("view_as_real")
def VIEW_AS_REAL(x):
    if not x.dtype.is_complex:
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return (x._shape + (2,), tuple(s * 2 for s in x._stride) + (1,), x._offset * 2,
            x.dtype.to_real())


@view_op("view_as_complex")
def VIEW_AS_COMPLEX(x):
    if x.dtype is D.float16:
        raise RuntimeError("view_as_complex of a Half tensor gives ComplexHalf (complex32), "
                           "which mindtorch_v2 does not support; convert to float32 first")
    if x.dtype not in (D.float32, D.float64):
        raise RuntimeError("view_as_complex is only supported for float and double tensors, but "
                           f"got a tensor of scalar type: {x.dtype.c10_name}")
    if not x._shape or x._shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if x._stride[-1] != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    for s in x._stride[:-1]:
        if s % 2:
            raise RuntimeError("Tensor must have a stride divisible by 2 for all but last "
                               "dimension")
    if x._offset % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    return (x._shape[:-1], tuple(s // 2 for s in x._stride[:-1]), x._offset // 2,
            _TO_COMPLEX[x.dtype])


# float16 pairs would be complex32, a dtype mindtorch does not have (refused above)
_TO_COMPLEX = {D.float32: D.complex64, D.float64: D.complex128}


def view_as_real(input):
    return dispatch(VIEW_AS_REAL, input)


def view_as_complex(input):
    return dispatch(VIEW_AS_COMPLEX, input)


def real(input):
    if not input.dtype.is_complex:
        return input
    return select(view_as_real(input), -1, 0)


def imag(input):
    if not input.dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return select(view_as_real(input), -1, 1)


# ---------------------------------------------------------------------------------------
# public functions and composites
# ---------------------------------------------------------------------------------------

def _view(self, *shape):
    if len(shape) == 1 and isinstance(shape[0], D.dtype):
        return _view_dtype(self, shape[0])
    if len(shape) == 1 and not isinstance(shape[0], int):
        shape = tuple(shape[0])
    return dispatch(VIEW, self, _int_tuple(shape, "view"))


def _int_tuple(shape, name):
    for s in shape:
        if not isinstance(s, int) or isinstance(s, bool):
            if isinstance(s, Tensor) or hasattr(s, "__index__"):
                continue
            raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, but "
                            f"found element of type {type(s).__name__} at pos {shape.index(s)}")
    return tuple(int(s) for s in shape)


def reshape(input, shape):
    shape = V.infer_size(_int_tuple(tuple(shape), "reshape"), input.numel())
    if V.compute_view_stride(input._shape, input._stride, shape) is not None:
        return dispatch(VIEW, input, shape)
    from .copy_ops import CLONE, contiguous_format
    return dispatch(VIEW, dispatch(CLONE, input, memory_format=contiguous_format), shape)


def _reshape(self, *shape):
    if len(shape) == 1 and not isinstance(shape[0], int):
        shape = tuple(shape[0])
    return reshape(self, shape)


def transpose(input, dim0, dim1):
    return dispatch(TRANSPOSE, input, dim0, dim1)


swapaxes = swapdims = transpose


def t(input):
    n = input.dim()
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    if n < 2:
        return dispatch(TRANSPOSE, input, 0, 0) if n else dispatch(VIEW, input, ())
    return dispatch(TRANSPOSE, input, 0, 1)


def adjoint(input):
    from .elementwise import UNARY_OPS
    tt = dispatch(TRANSPOSE, input, -2, -1)
    return conj(tt) if input.dtype.is_complex else tt


def conj(input):
    """torch.conj: for real tensors a no-op view; complex tensors get a conjugated copy."""
    if not input.dtype.is_complex:
        return input
    from .elementwise import UNARY_OPS
    return dispatch(UNARY_OPS["conj_physical"], input)


def permute(input, dims):
    return dispatch(PERMUTE, input, tuple(dims))


def _permute(self, *dims):
    if len(dims) == 1 and not isinstance(dims[0], int):
        dims = tuple(dims[0])
    return dispatch(PERMUTE, self, dims)


def _expand(self, *sizes):
    if len(sizes) == 1 and not isinstance(sizes[0], int):
        sizes = tuple(sizes[0])
    return dispatch(EXPAND, self, _int_tuple(sizes, "expand"))


def broadcast_to(input, size):
    return dispatch(EXPAND, input, tuple(size))


def expand_copy(input, size):
    return broadcast_to(input, size).clone()


def squeeze(input, dim=None):
    return dispatch(SQUEEZE, input, dim)


def unsqueeze(input, dim):
    return dispatch(UNSQUEEZE, input, dim)


def select(input, dim, index):
    if isinstance(index, Tensor):
        index = int(index)
    return dispatch(SELECT, input, dim, index)


def narrow(input, dim, start, length):
    return dispatch(NARROW, input, dim, start, length)


def diagonal(input, offset=0, dim1=0, dim2=1):
    return dispatch(DIAGONAL, input, offset, dim1, dim2)


def as_strided(input, size, stride, storage_offset=None):
    return dispatch(AS_STRIDED, input, tuple(size), tuple(stride), storage_offset)


def flatten(input, start_dim=0, end_dim=-1):
    n = input.dim()
    if n == 0:
        return reshape(input, (1,))
    s = _wrap_dim(start_dim, n)
    e = _wrap_dim(end_dim, n)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    sh = input._shape
    m = 1
    for d in sh[s:e + 1]:
        m *= d
    return reshape(input, sh[:s] + (m,) + sh[e + 1:])


def unflatten(input, dim, sizes):
    n = input.dim()
    d = _wrap_dim(dim, n)
    sizes = tuple(sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    sizes = V.infer_size(sizes, input._shape[d]) if -1 in sizes else sizes
    prod = 1
    for s in sizes:
        prod *= s
    if prod != input._shape[d]:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({input._shape[d]}) in the input tensor")
    return _view(input, input._shape[:d] + sizes + input._shape[d + 1:])


# split and unbind are single multi-output view ops (not a loop of narrow/select views), so
# their backward is one cat/stack instead of one input-sized zero tensor per piece
@view_op("split_with_sizes")
def SPLIT_WITH_SIZES(x, sizes, dim):
    out = []
    start = 0
    for s in sizes:
        out.append(V.narrow(x._shape, x._stride, x._offset, dim, start, s))
        start += s
    return out


@view_op("unbind")
def UNBIND(x, dim):
    return [V.select(x._shape, x._stride, x._offset, dim, i) for i in range(x._shape[dim])]


def unbind(input, dim=0):
    n = input.dim()
    if n == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return dispatch(UNBIND, input, _wrap_dim(dim, n))


def split(tensor, split_size_or_sections, dim=0):
    n = tensor.dim()
    if n == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, n)
    size = tensor._shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step < 0 or (step == 0 and size != 0):
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {size}" if step == 0 else
                               f"split expects split_size be non-negative, but got "
                               f"split_size={step}")
        if size == 0:
            return (dispatch(NARROW, tensor, d, 0, 0),)
        return dispatch(SPLIT_WITH_SIZES, tensor,
                        tuple(min(step, size - i) for i in range(0, size, step)), d)
    sections = [int(s) for s in split_size_or_sections]
    if sum(sections) != size or any(s < 0 for s in sections):
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input "
                           f"tensor's size at dimension {d}), but got split_sizes={sections}")
    return dispatch(SPLIT_WITH_SIZES, tensor, tuple(sections), d)


def chunk(input, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input.dim()
    if n == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, n)
    size = input._shape[d]
    step = -(-size // chunks) if size else 0
    if step == 0:
        return tuple(dispatch(NARROW, input, d, 0, 0) for _ in range(chunks)) if size == 0 \
            else ()
    return split(input, step, d)


def tensor_split(input, indices_or_sections, dim=0):
    n = input.dim()
    if n == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    d = _wrap_dim(dim, n)
    size = input._shape[d]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        if ios.dtype.category != D.INT or ios.dtype is D.bool:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to have "
                               f"integer dtype, but got {ios.dtype}")
        if ios.dim() > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a "
                               "zero-dimensional or one-dimensional tensor, but got a tensor "
                               f"with {ios.dim()} dims")
        ios = ios.item() if ios.dim() == 0 else ios.tolist()
    if isinstance(ios, int):
        if ios <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {ios}")
        q, r = divmod(size, ios)
        out, start = [], 0
        for i in range(ios):
            ln = q + (1 if i < r else 0)
            out.append(dispatch(NARROW, input, d, start, ln))
            start += ln
        return tuple(out)
    out, start = [], 0
    for idx in list(ios) + [size]:
        idx = int(idx)
        if idx < 0:
            idx += size
        s0 = min(max(start, 0), size)
        e0 = min(max(idx, s0), size)
        out.append(dispatch(SLICE, input, d, s0, e0, 1))
        start = idx
    return tuple(out)


def _split_dim(input, ios, dim, name, need):
    if input.dim() < need:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {need} dimension, but "
                           f"got a tensor with {input.dim()} dimensions!")
    if isinstance(ios, int) and input._shape[dim] % ios:
        raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size "
                           f"of the dimension {input._shape[dim]} is not divisible by the split_"
                           f"size {ios}!")
    return tensor_split(input, ios, dim)


def hsplit(input, indices_or_sections):
    return _split_dim(input, indices_or_sections, 1 if input.dim() > 1 else 0, "hsplit", 1)


def vsplit(input, indices_or_sections):
    return _split_dim(input, indices_or_sections, 0, "vsplit", 2)


def dsplit(input, indices_or_sections):
    return _split_dim(input, indices_or_sections, 2, "dsplit", 3)


def movedim(input, source, destination):
    n = input.dim()
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} "
                           f"dims) should contain the same number of dims as destination "
                           f"({list(dst)} dims)")
    src = [_wrap_dim(s, n) for s in src]
    dst = [_wrap_dim(s, n) for s in dst]
    if len(set(src)) != len(src):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(source)})")
    if len(set(dst)) != len(dst):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(destination)})")
    order = [None] * n
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(i for i in range(n) if i not in src)
    order = [o if o is not None else next(rest) for o in order]
    return dispatch(PERMUTE, input, tuple(order))


moveaxis = movedim


def _split_method(self, split_size, dim=0):
    return split(self, split_size, dim)


method(_view, name="view")
method(lambda self, other: _view(self, other._shape), name="view_as")
method(_reshape, name="reshape")
method(lambda self, other: reshape(self, other._shape), name="reshape_as")
method(transpose, name="transpose")
method(transpose, name="swapaxes")
method(transpose, name="swapdims")
method(t, name="t")
method(_permute, name="permute")
method(_expand, name="expand")
method(lambda self, other: dispatch(EXPAND, self, other._shape), name="expand_as")
method(lambda self, dim=None: squeeze(self, dim), name="squeeze")
method(unsqueeze, name="unsqueeze")
method(select, name="select")
method(narrow, name="narrow")
method(diagonal, name="diagonal")
method(as_strided, name="as_strided")
method(flatten, name="flatten")
method(unflatten, name="unflatten")
method(unbind, name="unbind")
method(_split_method, name="split")
method(chunk, name="chunk")
method(tensor_split, name="tensor_split")
method(hsplit, name="hsplit")
method(vsplit, name="vsplit")
method(dsplit, name="dsplit")
method(movedim, name="movedim")
method(movedim, name="moveaxis")
method(lambda self, dimension, size, step: dispatch(UNFOLD, self, dimension, size, step),
       name="unfold")
method(adjoint, name="adjoint")
method(conj, name="conj")
method(lambda self: self.dtype.is_complex and False, name="is_conj")
method(lambda self: False, name="is_neg")
method(lambda self: conj(self) if not self.dtype.is_complex else conj(self), name="resolve_conj")
method(lambda self: self, name="resolve_neg")
method(broadcast_to, name="broadcast_to")

Tensor.T = property(lambda self: dispatch(PERMUTE, self, tuple(range(self.dim() - 1, -1, -1)))
                    if self.dim() != 2 else dispatch(TRANSPOSE, self, 0, 1))
Tensor.mT = property(lambda self: _need2(self, "mT") or dispatch(TRANSPOSE, self, -2, -1))
Tensor.H = property(lambda self: adjoint(self) if self.dim() == 2 else
                    (conj(self) if self.dim() == 0 else _need_le2(self)))
Tensor.mH = property(lambda self: _need2(self, "mH") or adjoint(self))


def _need2(x, name):
    if x.dim() < 2:
        raise RuntimeError(f"tensor.{name} is only supported on matrices or batches of matrices. "
                           f"Got {x.dim()}-D tensor.")
    return None


def _need_le2(x):
    if x.dim() != 2 and x.dim() != 0:
        raise RuntimeError("tensor.H is only supported on matrices (2-D tensors). Got "
                           f"{x.dim()}-D tensor.")
    return None


def _real_prop(self):
    return real(self)


def _real_set(self, value):
    from .copy_ops import copy_
    copy_(real(self), value if isinstance(value, Tensor) else
          __import__("mindtorch_v2").tensor(value))


def _imag_set(self, value):
    from .copy_ops import copy_
    copy_(imag(self), value if isinstance(value, Tensor) else
          __import__("mindtorch_v2").tensor(value))


Tensor.real = property(_real_prop, _real_set)
Tensor.imag = property(imag, _imag_set)
