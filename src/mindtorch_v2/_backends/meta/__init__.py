"""The meta device: every op's meta function becomes its kernel (shapes, no data)."""
from __future__ import annotations

from ..._dispatch.dispatcher import check_inplace_result
from ..._ops.registry import OPS, Spec
from ..._device import META
from ..._tensor import Tensor


def materialize(spec):
    """Empty meta tensor(s) for a Spec, or a tuple/list of Specs."""
    if isinstance(spec, Spec):
        return Tensor._empty(spec.shape, spec.dtype, META, spec.stride)
    if isinstance(spec, (tuple, list)):
        return tuple(materialize(s) for s in spec)
    return spec  # meta functions of ops returning Python values (e.g. equal) return them


def _meta_kernel(op):
    meta = op.meta

    def kernel(*args, **kwargs):
        spec = meta(*args, **kwargs)
        return materialize(spec)
    return kernel


def _meta_inplace_kernel(op):
    meta = op.meta

    def kernel(self, *args, **kwargs):
        spec = meta(self, *args, **kwargs)
        check_inplace_result(self, Tensor._empty(spec.shape, spec.dtype, META))
        return self
    return kernel


def register():
    for op in OPS.values():
        if "meta" in op.kernels or op.meta is None:
            continue
        op.kernels["meta"] = _meta_inplace_kernel(op) if op.inplace else _meta_kernel(op)
