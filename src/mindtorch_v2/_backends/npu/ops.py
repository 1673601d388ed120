"""The NPU kernel table: op name -> ACLNN kernel + argument adapter.

Every kernel allocates its outputs from the op's meta function (shape, dtype, strides), so
promotion and broadcasting rules live in one place (``_ops``); the adapter only arranges
the ACLNN arguments. Operands are brought to the result dtype first (torch computes in the
promoted type) and Python scalars / 0-dim CPU tensors become 0-dim NPU tensors.

In-place ops with an out-of-place row (``add_`` -> ``add``) get a kernel computing out of
place and copying back with ``aclnnInplaceCopy``; ops with no row raise the dispatcher's
NotImplementedError naming the op and the NPU backend.
"""
from __future__ import annotations

from ... import _dtype as D
from ..._dispatch.dispatcher import check_inplace_result
from ..._ops.registry import OPS, Spec
from ..._tensor import Tensor
from ..._ops.elementwise import promote_args, promote_with_scalar
from ..._ops._common import broadcast_shapes
from .aclnn import DType, IntArray, Scalar, TensorList, run


def empty(spec, device):
    return Tensor._empty(spec.shape, spec.dtype, device, spec.stride)


def as_npu(x, dtype, device):
    """``x`` (tensor or Python scalar) as an NPU tensor of ``dtype`` on ``device``."""
    if isinstance(x, Tensor):
        if x.device is device:
            return x if x.dtype is dtype else cast(x, dtype)
        if x.device.type == "cpu" and not x._shape:
            x = x.item()
        else:
            raise RuntimeError(f"Expected all tensors to be on the same device, but found at "
                               f"least two devices, {x.device} and {device}!")
    t = Tensor._empty((), dtype, device)
    run("aclnnInplaceFillScalar", t, Scalar(x, dtype))
    return t


def cast(x, dtype):
    out = Tensor._empty(x._shape, dtype, x.device)
    run("aclnnCast", x, DType(dtype), out)
    return out


def _device(args):
    for a in args:
        if isinstance(a, Tensor) and a.device.type == "npu":
            return a.device
    raise RuntimeError("NPU kernel called without an NPU tensor")


# --------------------------------------------------------------------------- adapters
# An adapter is f(kernel, op, *args, **kwargs) -> result tensor.

def matmul(kernel, op, a, b):
    spec = op.meta(a, b)
    out = empty(spec, a.device)
    run(kernel, a, b, out, 0)     # cubeMathType 0: KEEP_DTYPE
    return out


def fill_(kernel, op, self, value):
    op.meta(self, value)
    if isinstance(value, Tensor):
        value = value.item()
    if self.numel():
        run(kernel, self, Scalar(value, self.dtype))
    return self


def zero_(kernel, op, self):
    if self.numel():
        run(kernel, self)
    return self


def copy_(kernel, op, self, src, non_blocking=False):
    if src.device.type == "cpu":        # a 0-dim CPU tensor: a scalar
        return fill_("aclnnInplaceFillScalar", OPS["fill_"], self, src.item())
    if self.numel():
        run(kernel, self, src)
    return self


def to_copy(kernel, op, x, dtype, memory_format=None):
    out = empty(op.meta(x, dtype, memory_format), x.device)
    if x.numel():
        run(kernel, out, x)
    return out


def clone(kernel, op, x, memory_format=None):
    out = empty(op.meta(x, memory_format=memory_format), x.device)
    if x.numel():
        run(kernel, out, x)
    return out


# --------------------------------------------------------------------------- scalars, promotion


def _is_scalar(x):
    """A Python number or a 0-dim CPU tensor: passed to ACLNN as an aclScalar."""
    return not isinstance(x, Tensor) or (x.device.type == "cpu" and not x._shape)


def _value(x):
    return x.item() if isinstance(x, Tensor) else x


def _promoted(spec, a, b):
    """Dtype the operands are computed in: the result's, except for bool results
    (comparisons, logical ops), whose operands are compared in their promoted dtype."""
    if spec.dtype is not D.bool:
        return spec.dtype
    if _is_scalar(b) and isinstance(a, Tensor):
        return promote_with_scalar(a.dtype, _value(b))
    return promote_args(a, b)


def _not_impl(op, what):
    raise NotImplementedError(f"Could not run 'aten::{op.name}' with {what} on the NPU backend "
                              f"(no ACLNN kernel for this case)")


# --------------------------------------------------------------------------- elementwise

WITH_ALPHA = frozenset(("aclnnAdd", "aclnnSub", "aclnnAdds", "aclnnSubs"))


def binary(kernel, op, a, b, *rest, **kw):
    """``(self, other[, alpha], out)`` kernels. ``kernel`` is the tensor form or a pair
    (tensor form, scalar form); the scalar form takes a Python / 0-dim CPU ``other``."""
    spec = op.meta(a, b, *rest, **kw)
    dev = _device((a, b))
    out = empty(spec, dev)
    if not out.numel():
        return out
    dt = _promoted(spec, a, b)
    tensor_k, scalar_k = kernel if isinstance(kernel, tuple) else (kernel, None)
    if scalar_k is not None and isinstance(a, Tensor) and _is_scalar(b):
        k, x, y = scalar_k, as_npu(a, dt, dev), Scalar(_value(b), dt)
    else:
        k, x, y = tensor_k, as_npu(a, dt, dev), as_npu(b, dt, dev)
    if k in WITH_ALPHA:
        run(k, x, y, Scalar(rest[0] if rest else kw.get("alpha", 1), dt), out)
    else:
        run(k, x, y, out)
    return out


def div(kernel, op, a, b, rounding_mode=None):
    if rounding_mode is None:
        return binary(kernel, op, a, b)
    if rounding_mode == "floor":
        return binary("aclnnFloorDivide", op, a, b, rounding_mode=rounding_mode)
    spec = op.meta(a, b, rounding_mode)
    if not spec.dtype.is_floating_point:
        _not_impl(op, "integer rounding_mode='trunc'")
    q = binary(kernel, OPS["div"], a, b)
    run("aclnnTrunc", q, q)
    return q


def pow_(kernel, op, a, b):
    spec = op.meta(a, b)
    dev = _device((a, b))
    out = empty(spec, dev)
    dt = spec.dtype
    if out.numel():
        if _is_scalar(a) and not _is_scalar(b):
            run("aclnnPowScalarTensor", Scalar(_value(a), dt), as_npu(b, dt, dev), out)
        elif _is_scalar(b):
            run("aclnnPowTensorScalar", as_npu(a, dt, dev), Scalar(_value(b), dt), out)
        else:
            run(kernel, as_npu(a, dt, dev), as_npu(b, dt, dev), out)
    return out


def unary(kernel, op, x, *args, **kw):
    spec = op.meta(x, *args, **kw)
    out = empty(spec, x.device)
    if x.numel():
        # operands are computed in the result dtype (int -> float for exp...); bool results
        # (isinf, logical_not) read the input as it is
        src = x if x.dtype is spec.dtype or spec.dtype is D.bool else cast(x, spec.dtype)
        run(kernel, src, out)
    return out


def round_(kernel, op, x, decimals=None):
    if decimals:
        _not_impl(op, f"decimals={decimals}")
    return unary(kernel, op, x)


def gelu(kernel, op, x, approximate="none"):
    spec = op.meta(x, approximate)
    out = empty(spec, x.device)
    if x.numel():
        if approximate == "none":
            run(kernel, x, out)
        else:
            run("aclnnGeluV2", x, 1, out)      # approximate: 0 none, 1 tanh
    return out


def where(kernel, op, cond, x, y):
    spec = op.meta(cond, x, y)
    dev = _device((cond, x, y))
    out = empty(spec, dev)
    if out.numel():
        run(kernel, as_npu(cond, D.bool, dev), as_npu(x, spec.dtype, dev),
            as_npu(y, spec.dtype, dev), out)
    return out


def clamp(kernel, op, x, min=None, max=None):  # noqa: A002 -- torch's names
    spec = op.meta(x, min, max)
    out = empty(spec, x.device)
    if not out.numel():
        return out
    dt, dev = spec.dtype, x.device
    src = as_npu(x, dt, dev)
    if all(b is None or _is_scalar(b) for b in (min, max)):
        lo, hi = (None if b is None else Scalar(_value(b), dt) for b in (min, max))
        if hi is None:
            run("aclnnClampMin", src, lo, out)
        elif lo is None:
            run("aclnnClampMax", src, hi, out)
        else:
            run(kernel, src, lo, hi, out)
    else:
        run("aclnnClampTensor", src, *(None if b is None else as_npu(b, dt, dev)
                                       for b in (min, max)), out)
    return out


def lerp(kernel, op, x, end, weight):
    spec = op.meta(x, end, weight)
    dev = _device((x, end, weight))
    out = empty(spec, dev)
    dt = spec.dtype
    if out.numel():
        if _is_scalar(weight):
            run("aclnnLerps", as_npu(x, dt, dev), as_npu(end, dt, dev),
                Scalar(_value(weight), dt), out)
        else:
            run(kernel, as_npu(x, dt, dev), as_npu(end, dt, dev), as_npu(weight, dt, dev), out)
    return out


def addc(kernel, op, x, t1, t2, value=1):
    spec = op.meta(x, t1, t2, value)
    dev = _device((x, t1, t2))
    out = empty(spec, dev)
    dt = spec.dtype
    if out.numel():
        run(kernel, *(as_npu(t, dt, dev) for t in (x, t1, t2)), Scalar(value, dt), out)
    return out


# --------------------------------------------------------------------------- reductions


def _dims(dims):
    if dims is None:
        return ()
    return (dims,) if isinstance(dims, int) else tuple(dims)


def reduce_sum(kernel, op, x, dims, keepdim=False, dtype=None):
    """aclnnReduceSum / aclnnMean: (self, dims, keepDim, dtype, out)."""
    spec = op.meta(x, dims, keepdim, dtype)
    out = empty(spec, x.device)
    src = x if x.dtype is spec.dtype else cast(x, spec.dtype)
    run(kernel, src, IntArray(_dims(dims)), bool(keepdim), DType(spec.dtype), out)
    return out


def prod(kernel, op, x, dims, keepdim=False, dtype=None):
    spec = op.meta(x, dims, keepdim, dtype)
    out = empty(spec, x.device)
    src = x if x.dtype is spec.dtype else cast(x, spec.dtype)
    dims = _dims(dims)
    nd = len(x._shape)
    if not dims or sorted(d % max(nd, 1) for d in dims) == list(range(nd)):
        run(kernel, src, DType(spec.dtype), out)
    elif len(dims) == 1:
        run("aclnnProdDim", src, dims[0], bool(keepdim), DType(spec.dtype), out)
    else:       # ACLNN reduces one dim at a time: the highest first keeps the others' numbers
        for d in sorted((d % nd for d in dims), reverse=True):
            shape = src._shape[:d] + ((1,) if keepdim else ()) + src._shape[d + 1:]
            step = Tensor._empty(shape, spec.dtype, x.device)
            run("aclnnProdDim", src, d, bool(keepdim), DType(spec.dtype), step)
            src = step
        run("aclnnInplaceCopy", out, src)
    return out


def reduce_dims(kernel, op, x, dims, keepdim=False):
    """(self, dim IntArray, keepdim, out): amax, amin, all, any, logsumexp."""
    spec = op.meta(x, dims, keepdim)
    out = empty(spec, x.device)
    src = x if spec.dtype is D.bool or x.dtype is spec.dtype else cast(x, spec.dtype)
    run(kernel, src, IntArray(_dims(dims)), bool(keepdim), out)
    return out


def reduce_all(kernel, op, x):
    out = empty(op.meta(x), x.device)
    run(kernel, x, out)
    return out


def reduce_dim_indices(kernel, op, x, dim, keepdim=False):
    """max.dim / min.dim: (self, dim, keepdim, out, indices)."""
    vspec, ispec = op.meta(x, dim, keepdim)
    values, indices = empty(vspec, x.device), empty(ispec, x.device)
    run(kernel, x, dim, bool(keepdim), values, indices)
    return values, indices


def arg_reduce(kernel, op, x, dim=None, keepdim=False):
    spec = op.meta(x, dim, keepdim)
    out = empty(spec, x.device)
    if dim is None:     # over the flattened input, into a 0-dim view of the result
        run(kernel, x.reshape(-1), 0, False, out.reshape(()))
    else:
        run(kernel, x, dim, bool(keepdim), out)
    return out


def var_std(kernel, op, x, dims, correction=1, keepdim=False):
    spec = op.meta(x, dims, correction, keepdim)
    out = empty(spec, x.device)
    if correction != int(correction):
        _not_impl(op, f"a fractional correction {correction}")
    src = x if x.dtype is spec.dtype else cast(x, spec.dtype)
    run(kernel, src, IntArray(_dims(dims)), int(correction), bool(keepdim), out)
    return out


def cumsum(kernel, op, x, dim, dtype=None):
    spec = op.meta(x, dim, dtype)
    out = empty(spec, x.device)
    if out.numel():
        src = x if x.dtype is spec.dtype else cast(x, spec.dtype)
        run(kernel, src, dim, DType(spec.dtype), out)
    return out


def softmax(kernel, op, x, dim, dtype=None):
    spec = op.meta(x, dim, dtype)
    out = empty(spec, x.device)
    if out.numel():
        run(kernel, x if x.dtype is spec.dtype else cast(x, spec.dtype), dim, out)
    return out


# --------------------------------------------------------------------------- matmul family


def addmm(kernel, op, inp, m1, m2, beta=1, alpha=1):
    spec = op.meta(inp, m1, m2, beta, alpha)
    dev = _device((inp, m1, m2))
    out = empty(spec, dev)
    dt = spec.dtype
    if out.numel():
        run(kernel, *(as_npu(t, dt, dev) for t in (inp, m1, m2)), Scalar(beta, dt),
            Scalar(alpha, dt), out, 0)
    return out


# --------------------------------------------------------------------------- indexing, shape


def gather(kernel, op, x, dim, index, *, sparse_grad=False):
    out = empty(op.meta(x, dim, index), x.device)
    if out.numel():
        run(kernel, x, dim, index, out)
    return out


def index_select(kernel, op, x, dim, index):
    out = empty(op.meta(x, dim, index), x.device)
    if out.numel():
        run(kernel, x, dim, index, out)
    return out


_SCATTER_REDUCE = {None: 0, "add": 1, "multiply": 2}


def scatter(kernel, op, x, dim, index, src, reduce=None):
    spec = op.meta(x, dim, index, src, **({"reduce": reduce} if reduce is not None else {}))
    out = empty(spec, x.device)
    if _is_scalar(src):
        src = as_npu(src, x.dtype, x.device).expand(index._shape)
    if not index.numel():
        run("aclnnInplaceCopy", out, x)
    elif kernel == "aclnnScatter":
        run(kernel, x, dim, index, as_npu(src, x.dtype, x.device), _SCATTER_REDUCE[reduce], out)
    else:
        run(kernel, x, dim, index, as_npu(src, x.dtype, x.device), out)
    return out


def _index_put_into(target, indices, values, accumulate):
    indices = _index_tensors(target, indices) if target.numel() else []
    if indices and all(i.numel() for i in indices):
        vals = as_npu(values, target.dtype, target.device)
        run("aclnnIndexPutImpl", target, TensorList(indices), vals, bool(accumulate), False)


def index_put(kernel, op, x, indices, values, accumulate=False):
    out = empty(op.meta(x, indices, values, accumulate), x.device)
    if x.numel():
        run("aclnnInplaceCopy", out, x)
    _index_put_into(out, indices, values, accumulate)
    return out


def index_put_(kernel, op, x, indices, values, accumulate=False):
    op.meta(x, indices, values, accumulate)
    _index_put_into(x, indices, values, accumulate)
    return x


def _masked_fill_into(target, mask, value):
    if not target.numel():
        return
    if _is_scalar(value):
        run("aclnnInplaceMaskedFillScalar", target, mask, Scalar(_value(value), target.dtype))
    else:
        run("aclnnInplaceMaskedFillTensor", target, mask,
            as_npu(value, target.dtype, target.device))


def masked_fill(kernel, op, x, mask, value):
    out = empty(op.meta(x, mask, value), x.device)
    if x.numel():
        run("aclnnInplaceCopy", out, x)
    _masked_fill_into(out, mask, value)
    return out


def masked_fill_(kernel, op, x, mask, value):
    op.meta(x, mask, value)
    _masked_fill_into(x, mask, value)
    return x


def cat(kernel, op, tensors, dim=0):
    spec = op.meta(tensors, dim)
    dev = _device(tensors)
    out = empty(spec, dev)
    nd = len(spec.shape)
    if out.numel():
        d = dim % nd if nd else 0
        run(kernel, TensorList([as_npu(t, spec.dtype, dev) for t in tensors]), d, out)
    return out


def flip(kernel, op, x, dims):
    out = empty(op.meta(x, dims), x.device)
    if out.numel():
        run(kernel, x, IntArray(_dims(dims)), out)
    return out


def tri(kernel, op, x, diagonal=0):
    out = empty(op.meta(x, diagonal), x.device)
    if out.numel():
        run(kernel, x, int(diagonal), out)
    return out


# --------------------------------------------------------------------------- sorting, selection


def sort(kernel, op, x, dim=-1, descending=False, stable=False):
    vspec, ispec = op.meta(x, dim, descending, stable)
    values, indices = empty(vspec, x.device), empty(ispec, x.device)
    if x.numel():
        run(kernel, x, bool(stable), int(dim), bool(descending), values, indices)
    return values, indices


def topk(kernel, op, x, k, dim=-1, largest=True, sorted=True):  # noqa: A002 -- torch's name
    vspec, ispec = op.meta(x, k, dim, largest, sorted)
    values, indices = empty(vspec, x.device), empty(ispec, x.device)
    if values.numel():
        run(kernel, x, int(k), int(dim), bool(largest), bool(sorted), values, indices)
    return values, indices


def kthvalue(kernel, op, x, k, dim=-1, keepdim=False):
    vspec, ispec = op.meta(x, k, dim, keepdim)
    values, indices = empty(vspec, x.device), empty(ispec, x.device)
    run(kernel, x, int(k), int(dim), bool(keepdim), values, indices)
    return values, indices


def cum_extreme(kernel, op, x, dim):
    vspec, ispec = op.meta(x, dim)
    values, indices = empty(vspec, x.device), empty(ispec, x.device)
    if x.numel():
        run(kernel, x, int(dim), values, indices)
    return values, indices


def searchsorted(kernel, op, seq, x, out_int32=False, right=False, sorter=None):
    spec = op.meta(seq, x, out_int32, right, sorter)
    out = empty(spec, seq.device)
    if _is_scalar(x):
        dt = promote_with_scalar(seq.dtype, _value(x))
        run("aclnnSearchSorteds", as_npu(seq, dt, seq.device), Scalar(_value(x), dt),
            bool(out_int32), bool(right), sorter, out)
    elif out.numel():
        dt = promote_args(seq, x)
        run(kernel, as_npu(seq, dt, seq.device), as_npu(x, dt, seq.device), bool(out_int32),
            bool(right), sorter, out)
    return out


# --------------------------------------------------------------------------- data-dependent sizes
# nonzero / masked_select: the device counts the selected elements first (a reduction read
# back to the host: the one synchronisation these ops need), then the output is allocated
# at its exact size and the ACLNN kernel fills it.


def _count_true(t):
    """Number of non-zero elements of NPU tensor ``t`` (synchronises)."""
    flags = t
    if t.dtype is not D.bool:
        flags = Tensor._empty(t._shape, D.bool, t.device)
        run("aclnnNeScalar", t, Scalar(0, t.dtype), flags)
    cnt = Tensor._empty((), D.int64, t.device)
    run("aclnnReduceSum", flags, IntArray(()), False, DType(D.int64), cnt)
    return int(cnt.item())


def nonzero(kernel, op, x):
    n = _count_true(x) if x.numel() else 0
    out = Tensor._empty((n, len(x._shape)), D.int64, x.device)
    if n:
        run(kernel, x, out)
    return out


def masked_select(kernel, op, x, mask):
    try:
        op.meta(x, mask)             # validates; the size itself is data-dependent
    except NotImplementedError:
        pass
    shape = tuple(broadcast_shapes(x._shape, mask._shape))
    n = _count_true(mask.expand(shape)) if mask.numel() else 0
    out = Tensor._empty((n,), x.dtype, x.device)
    if n:
        run(kernel, x, mask, out)
    return out


def _index_tensors(x, indices):
    """Index tensors (bool masks expanded through nonzero, None entries made aranges) laid
    out so their broadcast shape is torch's result shape: aclnnIndex / IndexPutImpl then
    index the leading dims like NumPy."""
    from ..._ops.creation import arange
    dev = x.device
    flat = []
    for t in indices:
        if t is not None and t.dtype in (D.bool, D.uint8):
            nz = nonzero("aclnnNonzero", OPS["nonzero"], as_npu(t, D.bool, dev))
            flat.extend(nz.select(1, j) for j in range(len(t._shape)))
        else:
            flat.append(t if t is None or t.device is dev else t.to(dev))
    while flat and flat[-1] is None:             # trailing full slices: plain leading-dim
        flat.pop()                               # indexing covers them
    if None not in flat:
        return flat
    pos = [d for d, t in enumerate(flat) if t is not None]
    bshape = broadcast_shapes(*(flat[d]._shape for d in pos))
    adjacent = pos == list(range(pos[0], pos[-1] + 1))
    # result dim order: (leading slices, B) when the advanced indices are adjacent, else
    # (B, every slice); B is the broadcast index shape
    slices = [d for d, t in enumerate(flat) if t is None]
    order = [("s", d) for d in slices if d < pos[0]] + [("b", None)] if adjacent else \
        [("b", None)] + [("s", d) for d in slices]
    nb = len(bshape)
    sizes = [nb if kind == "b" else 1 for kind, _ in order]
    out = []
    for d, t in enumerate(flat):
        at = order.index(("b", None) if t is not None else ("s", d))
        before, after = sum(sizes[:at]), sum(sizes[at + 1:])
        if t is None:
            t = arange(x._shape[d], dtype=D.int64, device=dev)
            out.append(t.reshape((1,) * before + (x._shape[d],) + (1,) * after))
        else:
            pad = (1,) * (nb - len(t._shape))
            out.append(t.reshape((1,) * before + pad + t._shape + (1,) * after))
    return out


def index(kernel, op, x, indices):
    out = empty(op.meta(x, indices), x.device)
    if out.numel():
        run(kernel, x, TensorList(_index_tensors(x, indices)), out)
    return out


def index_add(kernel, op, x, dim, index, source, alpha=1):
    spec = op.meta(x, dim, index, source, alpha=alpha)
    out = empty(spec, x.device)
    if out.numel():
        run(kernel, x, int(dim), index, as_npu(source, x.dtype, x.device), Scalar(alpha, x.dtype),
            out)
    return out


# --------------------------------------------------------------------------- statistics, shape


def var_mean(kernel, op, x, dims, correction=1, keepdim=False):
    specs = op.meta(x, dims, correction, keepdim)
    first, mean = (empty(s, x.device) for s in specs)
    if correction != int(correction):
        _not_impl(op, f"a fractional correction {correction}")
    src = x if x.dtype is specs[0].dtype else cast(x, specs[0].dtype)
    run(kernel, src, IntArray(_dims(dims)), int(correction), bool(keepdim), first, mean)
    return first, mean


def repeat(kernel, op, x, repeats):
    out = empty(op.meta(x, repeats), x.device)
    if out.numel():
        run(kernel, x, IntArray(repeats), out)
    return out


def roll(kernel, op, x, shifts, dims=()):
    out = empty(op.meta(x, shifts, dims), x.device)
    if out.numel():
        run(kernel, x, IntArray(shifts), IntArray(dims), out)
    return out


def repeat_interleave(kernel, op, x, repeats, dim=None, output_size=None):
    dev = repeats.device if isinstance(repeats, Tensor) and x.device.type == "cpu" else x.device
    if x.device is not dev:                 # torch.repeat_interleave(repeats): host arange
        x = x.to(dev)
    tensor_reps = isinstance(repeats, Tensor)
    if tensor_reps and output_size is None:     # the size is data-dependent: count first
        total = Tensor._empty((), D.int64, dev)
        run("aclnnReduceSum", repeats, IntArray(()), False, DType(D.int64), total)
        n = x.numel() if dim is None else (x._shape[dim] if x._shape else 1)
        output_size = int(total.item()) * (n if repeats.numel() == 1 else 1)
    out = empty(op.meta(x, repeats, dim, output_size), dev)
    if not out.numel():
        return out
    reps = repeats if tensor_reps else int(repeats)
    name = "aclnnRepeatInterleave" + ("" if tensor_reps else "Int")
    if dim is None:
        run(name, x, reps, int(out.numel()), out)
    else:
        run(name + "WithDim", x, reps, int(dim), int(out._shape[dim] if out._shape else 1), out)
    return out


def constant_pad(kernel, op, x, pad, value=0):
    out = empty(op.meta(x, pad, value), x.device)
    if out.numel():
        run(kernel, x, IntArray(pad), Scalar(_value(value), x.dtype), out)
    return out



# --------------------------------------------------------------------------- nn


def layer_norm(kernel, op, x, normalized_shape, weight=None, bias=None, eps=1e-5):
    specs = op.meta(x, normalized_shape, weight, bias, eps)
    out, mean, rstd = (empty(s, x.device) for s in specs)
    if x.numel():
        run(kernel, x, IntArray(normalized_shape), weight, bias, float(eps), out, mean, rstd)
    return out, mean, rstd


def batch_norm(kernel, op, x, weight, bias, running_mean, running_var, training, momentum,
               eps):
    specs = op.meta(x, weight, bias, running_mean, running_var, training, momentum, eps)
    out, save_mean, save_invstd = (empty(s, x.device) for s in specs)
    if x.numel():
        # eval mode has empty save tensors; the kernel still wants (C,) outputs to write
        c = x._shape[1]
        sm = save_mean if save_mean.numel() == c else Tensor._empty((c,), x.dtype, x.device)
        si = save_invstd if save_invstd.numel() == c else Tensor._empty((c,), x.dtype, x.device)
        run(kernel, x, weight, bias, running_mean, running_var, bool(training),
            float(momentum if momentum is not None else 0.0), float(eps), out, sm, si)
    return out, save_mean, save_invstd


def convolution(kernel, op, x, w, bias, stride, padding, dilation, transposed, output_padding,
                groups):
    spec = op.meta(x, w, bias, stride, padding, dilation, transposed, output_padding, groups)
    out = empty(spec, x.device)
    if out.numel():
        run(kernel, x, w, bias, IntArray(stride), IntArray(padding), IntArray(dilation),
            bool(transposed), IntArray(output_padding), int(groups), out, 0)
    return out


def max_pool(kernel, op, x, kernel_size, stride, padding, dilation, ceil_mode):
    specs = op.meta(x, kernel_size, stride, padding, dilation, ceil_mode)
    if len(kernel_size) == 1 and len(x._shape) == 3:     # 1-D pooling: (N, C, 1, L) in 2-D
        vals, idx = max_pool(kernel, op, x.unsqueeze(2), (1, *kernel_size),
                             (1, *(stride or kernel_size)), (0, *padding), (1, *dilation),
                             ceil_mode)
        return vals.squeeze(2), idx.squeeze(2)
    if len(x._shape) not in (3, 4) or len(kernel_size) != 2:
        _not_impl(op, f"a {len(x._shape)}-D input (ACLNN pools 2-D: CHW / NCHW)")
    out, indices = (empty(s, x.device) for s in specs)
    if out.numel():
        run(kernel, x, IntArray(kernel_size), IntArray(stride or kernel_size),
            IntArray(padding), IntArray(dilation), bool(ceil_mode), out, indices)
    return out, indices


def nll_loss(kernel, op, x, target, weight, reduction, ignore_index):
    out = empty(op.meta(x, target, weight, reduction, ignore_index), x.device)
    nd = len(x._shape)
    if nd == 4:
        kernel = "aclnnNLLLoss2d"
    elif nd not in (1, 2):
        _not_impl(op, f"a {nd}-D input")
    total = Tensor._empty((), x.dtype, x.device)
    run(kernel, x, target, weight, int(reduction), int(ignore_index), out, total)
    return out


# --------------------------------------------------------------------------- random fills
# The device generator is (seed, offset) like the Philox generators of CANN: the seed is the
# torch generator's, the offset advances per call and restarts when the generator is re-seeded
# (its NumPy stream is replaced), so torch.manual_seed makes NPU draws reproducible.

_OFFSETS = {}


def _seed_offset(generator, n):
    from ..._ops.random import default_generator
    g = generator if generator is not None else default_generator
    stream, off = _OFFSETS.get(id(g), (None, 0))
    if stream is not g.np:
        off = 0
    _OFFSETS[id(g)] = (g.np, off + max(int(n), 1))
    return g.initial_seed(), off


def uniform_(kernel, op, self, from_=0.0, to=1.0, *, generator=None):
    op.meta(self, from_, to, generator=generator)
    if self.numel():
        run(kernel, self, float(from_), float(to), *_seed_offset(generator, self.numel()))
    return self


def normal_(kernel, op, self, mean=0.0, std=1.0, *, generator=None):
    op.meta(self, mean, std, generator=generator)
    if self.numel():
        run(kernel, self, float(mean), float(std), *_seed_offset(generator, self.numel()))
    return self


def bernoulli_(kernel, op, self, p=0.5, *, generator=None):
    op.meta(self, p, generator=generator)
    if isinstance(p, Tensor):
        _not_impl(op, "a tensor p")
    if self.numel():
        run(kernel, self, Scalar(float(p), D.float32), *_seed_offset(generator, self.numel()))
    return self


def random_(kernel, op, self, from_=0, to=None, *, generator=None):
    op.meta(self, from_, to, generator=generator)
    if to is None:
        dt = self.dtype
        if dt.is_floating_point:
            to = 2 ** {"float16": 11, "bfloat16": 8, "float32": 24}.get(dt.name, 53) + 1
        else:
            import numpy as np
            to = 2 if dt is D.bool else int(np.iinfo(dt.np).max)
    if self.numel():
        run(kernel, self, int(from_), int(to), *_seed_offset(generator, self.numel()))
    return self


# --------------------------------------------------------------------------- the table

UNARY = {   # op -> ACLNN kernel (self, out)
    **{n: "aclnn" + n.capitalize() for n in (
        "neg", "exp", "abs", "sqrt", "rsqrt", "log", "sin", "cos", "tanh", "sigmoid",
        "reciprocal", "floor", "ceil", "sign", "erf", "relu", "silu", "expm1", "log1p",
        "log2", "log10", "exp2", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh",
        "acosh", "atanh", "trunc", "frac", "erfc", "erfinv", "square", "signbit")},
    "negative": "aclnnNeg", "absolute": "aclnnAbs", "fix": "aclnnTrunc", "expit": "aclnnSigmoid",
    "arcsin": "aclnnAsin", "arccos": "aclnnAcos", "arctan": "aclnnAtan",
    "arcsinh": "aclnnAsinh", "arccosh": "aclnnAcosh", "arctanh": "aclnnAtanh",
    "isinf": "aclnnIsInf", "isfinite": "aclnnIsFinite", "logical_not": "aclnnLogicalNot",
    "bitwise_not": "aclnnBitwiseNot",
}
_CMP = {"eq": "Eq", "ne": "Ne", "not_equal": "Ne", "lt": "Lt", "less": "Lt", "le": "Le",
        "less_equal": "Le", "gt": "Gt", "greater": "Gt", "ge": "Ge", "greater_equal": "Ge"}
BINARY = {   # op -> ACLNN kernel or (tensor form, scalar form)
    "add": ("aclnnAdd", "aclnnAdds"), "sub": ("aclnnSub", "aclnnSubs"),
    "mul": ("aclnnMul", "aclnnMuls"), "multiply": ("aclnnMul", "aclnnMuls"),
    "maximum": "aclnnMaximum", "minimum": "aclnnMinimum",
    **{n: (f"aclnn{k}Tensor", f"aclnn{k}Scalar") for n, k in _CMP.items()},
    "logical_and": "aclnnLogicalAnd", "logical_or": "aclnnLogicalOr",
    "logical_xor": "aclnnLogicalXor", "bitwise_and": "aclnnBitwiseAndTensor",
    "bitwise_or": "aclnnBitwiseOrTensor", "bitwise_xor": "aclnnBitwiseXorTensor",
    "remainder": ("aclnnRemainderTensorTensor", "aclnnRemainderTensorScalar"),
    "fmod": ("aclnnFmodTensor", "aclnnFmodScalar"), "floor_divide": "aclnnFloorDivide",
    "atan2": "aclnnAtan2", "arctan2": "aclnnAtan2",
}

TABLE = (
    *((n, k, binary) for n, k in BINARY.items()),
    *((n, k, unary) for n, k in UNARY.items()),
    ("div", ("aclnnDiv", "aclnnDivs"), div), ("true_divide", ("aclnnDiv", "aclnnDivs"), div),
    ("pow", "aclnnPowTensorTensor", pow_), ("round", "aclnnRound", round_),
    ("gelu", "aclnnGelu", gelu), ("where", "aclnnSWhere", where),
    ("clamp", "aclnnClamp", clamp), ("lerp", "aclnnLerp", lerp),
    ("addcmul", "aclnnAddcmul", addc), ("addcdiv", "aclnnAddcdiv", addc),
    ("matmul", "aclnnMatmul", matmul), ("mm", "aclnnMm", matmul),
    ("bmm", "aclnnBatchMatMul", matmul),
    ("addmm", "aclnnAddmm", addmm), ("baddbmm", "aclnnBaddbmm", addmm),
    ("sum", "aclnnReduceSum", reduce_sum), ("mean", "aclnnMean", reduce_sum),
    ("prod", "aclnnProd", prod),
    ("amax", "aclnnAmax", reduce_dims), ("amin", "aclnnAmin", reduce_dims),
    ("all", "aclnnAll", reduce_dims), ("any", "aclnnAny", reduce_dims),
    ("logsumexp", "aclnnLogSumExp", reduce_dims),
    ("max", "aclnnMax", reduce_all), ("min", "aclnnMin", reduce_all),
    ("max.dim", "aclnnMaxDim", reduce_dim_indices), ("min.dim", "aclnnMinDim", reduce_dim_indices),
    ("argmax", "aclnnArgMax", arg_reduce), ("argmin", "aclnnArgMin", arg_reduce),
    ("var", "aclnnVarCorrection", var_std), ("std", "aclnnStd", var_std),
    ("cumsum", "aclnnCumsum", cumsum),
    ("softmax", "aclnnSoftmax", softmax), ("log_softmax", "aclnnLogSoftmax", softmax),
    ("gather", "aclnnGather", gather), ("index_select", "aclnnIndexSelect", index_select),
    ("scatter", "aclnnScatter", scatter), ("scatter_add", "aclnnScatterAdd", scatter),
    ("index_put", "aclnnIndexPutImpl", index_put), ("index_put_", "aclnnIndexPutImpl", index_put_),
    ("masked_fill", "aclnnInplaceMaskedFillScalar", masked_fill),
    ("masked_fill_", "aclnnInplaceMaskedFillScalar", masked_fill_),
    ("cat", "aclnnCat", cat), ("stack", "aclnnStack", cat), ("flip", "aclnnFlip", flip),
    ("tril", "aclnnTril", tri), ("triu", "aclnnTriu", tri),
    ("sort", "aclnnSort", sort), ("topk", "aclnnTopk", topk),
    ("kthvalue", "aclnnKthvalue", kthvalue),
    ("cummax", "aclnnCummax", cum_extreme), ("cummin", "aclnnCummin", cum_extreme),
    ("searchsorted", "aclnnSearchSorted", searchsorted),
    ("nonzero", "aclnnNonzero", nonzero), ("argwhere", "aclnnNonzero", nonzero),
    ("masked_select", "aclnnMaskedSelect", masked_select), ("index", "aclnnIndex", index),
    ("index_add", "aclnnIndexAdd", index_add),
    ("var_mean", "aclnnVarMean", var_mean), ("std_mean", "aclnnStdMeanCorrection", var_mean),
    ("repeat", "aclnnRepeat", repeat), ("roll", "aclnnRoll", roll),
    ("repeat_interleave", "aclnnRepeatInterleave", repeat_interleave),
    ("constant_pad_nd", "aclnnConstantPadNd", constant_pad),
    ("native_layer_norm", "aclnnLayerNorm", layer_norm),
    ("native_batch_norm", "aclnnBatchNorm", batch_norm),
    ("convolution", "aclnnConvolution", convolution),
    ("max_pool_with_indices", "aclnnMaxPool2dWithIndices", max_pool),
    ("nll_loss_nd", "aclnnNLLLoss", nll_loss),
    ("uniform_", "aclnnInplaceUniform", uniform_), ("normal_", "aclnnInplaceNormal", normal_),
    ("bernoulli_", "aclnnInplaceBernoulli", bernoulli_),
    ("random_", "aclnnInplaceRandom", random_),
    ("fill_", "aclnnInplaceFillScalar", fill_),
    ("zero_", "aclnnInplaceZero", zero_),
    ("copy_", "aclnnInplaceCopy", copy_),
    ("_to_copy", "aclnnInplaceCopy", to_copy),
    ("clone", "aclnnInplaceCopy", clone),
)


def _kernel(kernel, op, adapter):
    def k(*args, **kwargs):
        return adapter(kernel, op, *args, **kwargs)
    k.__name__ = f"npu_{op.name}"
    return k


def _inplace(op, outplace):
    """``x.op_(...)``: computed out of place, checked like torch, copied back."""
    compute = outplace.kernels["npu"]

    def k(self, *args, **kwargs):
        result = compute(self, *args, **kwargs)
        check_inplace_result(self, result)
        if self.numel():
            run("aclnnInplaceCopy", self, result)
        return self
    k.__name__ = f"npu_{op.name}"
    return k


def register():
    """Attach the table's kernels to the ops (rows for ops not declared are skipped)."""
    for name, kernel, adapter in TABLE:
        op = OPS.get(name)
        if op is not None:
            op.kernels["npu"] = _kernel(kernel, op, adapter)
    for op in OPS.values():
        out = op.extra.get("outplace") if op.inplace else None
        if out is not None and "npu" in out.kernels and "npu" not in op.kernels:
            op.kernels["npu"] = _inplace(op, out)


__all__ = ["TABLE", "register", "Spec"]
