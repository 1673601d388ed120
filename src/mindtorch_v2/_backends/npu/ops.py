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
from .aclnn import DType, IntArray, Scalar, run


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

def binary(kernel, op, a, b, *rest, **kw):
    """Tensor-tensor kernels: (self, other[, alpha], out)."""
    spec = op.meta(a, b, *rest, **kw)
    dev = _device((a, b))
    out = empty(spec, dev)
    dt = spec.dtype
    x, y = as_npu(a, dt, dev), as_npu(b, dt, dev)
    if kernel in ("aclnnAdd", "aclnnSub"):
        alpha = rest[0] if rest else kw.get("alpha", 1)
        run(kernel, x, y, Scalar(alpha, dt), out)
    else:
        run(kernel, x, y, out)
    return out


def div(kernel, op, a, b, rounding_mode=None):
    if rounding_mode is not None:
        raise NotImplementedError(f"div(rounding_mode='{rounding_mode}') is not implemented "
                                  f"for the NPU backend")
    return binary(kernel, op, a, b)


def unary(kernel, op, x, **kw):
    spec = op.meta(x, **kw)
    out = empty(spec, x.device)
    if x.numel():
        run(kernel, x, out)     # the kernel reads x's dtype and writes out's
    return out


def matmul(kernel, op, a, b):
    spec = op.meta(a, b)
    out = empty(spec, a.device)
    run(kernel, a, b, out, 0)     # cubeMathType 0: KEEP_DTYPE
    return out


def reduce_sum(kernel, op, x, dims, keepdim=False, dtype=None):
    spec = op.meta(x, dims, keepdim, dtype)
    out = empty(spec, x.device)
    src = x if x.dtype is spec.dtype else cast(x, spec.dtype)
    run(kernel, src, IntArray(dims), bool(keepdim), DType(spec.dtype), out)
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


UNARY = ("neg", "exp", "abs", "sqrt", "rsqrt", "log", "sin", "cos", "tanh", "sigmoid",
         "reciprocal", "floor", "ceil", "sign", "erf", "relu", "silu")

TABLE = (
    ("add", "aclnnAdd", binary),
    ("sub", "aclnnSub", binary),
    ("mul", "aclnnMul", binary),
    ("div", "aclnnDiv", div),
    ("maximum", "aclnnMaximum", binary),
    ("minimum", "aclnnMinimum", binary),
    *((n, "aclnn" + n.capitalize(), unary) for n in UNARY),
    ("matmul", "aclnnMatmul", matmul),
    ("mm", "aclnnMm", matmul),
    ("bmm", "aclnnBatchMatMul", matmul),
    ("sum", "aclnnReduceSum", reduce_sum),
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
