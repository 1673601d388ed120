"""Gradient clipping: torch.nn.utils.clip_grad_norm_, clip_grad_value_, get_total_norm,
clip_grads_with_norm_.  Written with mindtorch ops so it runs on every device; ``foreach`` is
accepted for signature compatibility and ignored (there is no fused multi-tensor kernel)."""
from __future__ import annotations

import warnings

from ... import _tensor
from ..._autograd.grad_mode import no_grad

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm",
           "clip_grads_with_norm_"]


def _torch():
    import mindtorch_v2
    return mindtorch_v2


def _as_list(tensors):
    """A tensor or an iterable of tensors (possibly a generator) as a list."""
    if isinstance(tensors, _tensor.Tensor):
        return [tensors]
    return list(tensors)


def _grads(parameters):
    return [p.grad for p in _as_list(parameters) if p.grad is not None]


@no_grad()
def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The norm of the norms of ``tensors``, as if they were concatenated into one vector."""
    torch = _torch()
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if len(tensors) == 0:
        return torch.tensor(0.0)
    device = tensors[0].device
    norms = [torch.linalg.vector_norm(t, norm_type).to(device) for t in tensors]
    total = torch.linalg.vector_norm(torch.stack(norms), norm_type)
    if error_if_nonfinite and bool(total.isnan() | total.isinf()):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
    return total


@no_grad()
def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients of ``parameters`` by ``max_norm / (total_norm + 1e-6)`` when that
    factor is below 1 (the factor is clamped, not branched on, so no host sync is needed)."""
    torch = _torch()
    grads = _grads(parameters)
    if len(grads) == 0:
        return
    coef = torch.clamp(float(max_norm) / (total_norm + 1e-6), max=1.0)
    for g in grads:
        g.mul_(coef.to(g.device))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Clip the gradient norm of an iterable of parameters in place; returns the total norm
    of the gradients (viewed as a single vector) before clipping."""
    torch = _torch()
    if isinstance(parameters, _tensor.Tensor):
        parameters = [parameters]
    else:
        parameters = list(parameters)  # a generator is consumed twice below
    grads = _grads(parameters)
    if len(grads) == 0:
        return torch.tensor(0.0)
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                   foreach=None):
    """Deprecated alias of :func:`clip_grad_norm_`."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


@no_grad()
def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient of ``parameters`` into ``[-clip_value, clip_value]`` in place."""
    clip_value = float(clip_value)
    for g in _grads(parameters):
        g.clamp_(min=-clip_value, max=clip_value)
