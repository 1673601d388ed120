"""Copies between devices: ``copy_across(dst, src, non_blocking)`` for cpu <-> npu and
npu:i <-> npu:j (``_ops/copy_ops.copy_`` calls it when the devices differ).

Only contiguous byte ranges cross the host/device boundary. Broadcasting, strides and dtype
casts are done on the side that has the kernels for them: on the host for the CPU side, by
``aclnnInplaceCopy`` on the NPU side (so a strided NPU destination is written in place).
"""
from __future__ import annotations

import numpy as np

__all__ = ["copy_across", "current_npu_device"]


def current_npu_device():
    """``torch.device('npu', current index)``: what ``.to('npu')`` means."""
    from ..._device import device
    from ..npu import runtime
    return device("npu", runtime.current_device())


def _dense(t):
    """True when ``t``'s elements are one contiguous row-major range of its storage."""
    from ..._tensor import contiguous_strides
    return t._stride == contiguous_strides(t._shape)


def _npu_contiguous(t):
    return t if _dense(t) else t.contiguous()


def _upload(dst, host, non_blocking=False):
    """A contiguous host array with dst's shape and dtype -> dense NPU tensor ``dst``."""
    from ..npu import storage
    storage.upload(dst.untyped_storage(), dst._offset * dst.dtype.itemsize, host, non_blocking)


def _download(src):
    """A dense NPU tensor -> a new host NumPy array of its shape and dtype."""
    from ..npu import storage
    n = src.numel() * src.dtype.itemsize
    raw = storage.download(src.untyped_storage(), src._offset * src.dtype.itemsize, n)
    return raw.view(src.dtype.np).reshape(src._shape)


def _cpu_to_npu(dst, src, non_blocking):
    from ..._tensor import Tensor
    if src._shape == dst._shape and src.dtype is dst.dtype and _dense(dst):
        host = src._host_np()
        pinned = non_blocking and src.is_pinned() and host.flags.c_contiguous
        if not pinned:
            host = np.ascontiguousarray(host)
        if dst.numel():
            _upload(dst, host, non_blocking=pinned)
        return
    # cast / broadcast on the host into dst's dtype and shape, then place it
    tmp = Tensor._empty(dst._shape, dst.dtype, src.device)
    tmp.copy_(src)
    if _dense(dst):
        _upload(dst, np.ascontiguousarray(tmp._host_np()))
    else:
        stage = Tensor._empty(dst._shape, dst.dtype, dst.device)
        _upload(stage, np.ascontiguousarray(tmp._host_np()))
        dst.copy_(stage)


def _npu_to_cpu(dst, src):
    from ..._tensor import Tensor
    host = _download(_npu_contiguous(src)) if src.numel() else \
        np.empty(src._shape, src.dtype.np)
    dst.copy_(Tensor._from_np(host, src.dtype))


def copy_across(dst, src, non_blocking=False):
    """``dst.copy_(src)`` for tensors on different devices (shapes already checked)."""
    a, b = dst.device.type, src.device.type
    if a == "npu" and b == "cpu":
        _cpu_to_npu(dst, src, non_blocking)
    elif a == "cpu" and b == "npu":
        _npu_to_cpu(dst, src)
    elif a == "npu" and b == "npu":
        # through the host: correct with or without peer access
        _cpu_to_npu(dst, src.cpu(), False)
    else:
        raise RuntimeError(f"copy from {src.device} to {dst.device} is not supported")
