"""torch.nn.functional: normalisation (batch/layer/group/instance/RMS/local response,
normalize) and dropout.

Layer norm runs the fused ``native_layer_norm`` op (one NumPy pass forward, its own
backward formula); the others are composites of reductions and elementwise ops, whose
gradients come from those ops.  Running statistics are updated in place under no_grad,
like torch's kernels.
"""
from __future__ import annotations

import warnings

import mindtorch_v2 as torch
from ..._dispatch.dispatcher import dispatch
from ..._ops import nn_norm as _N

__all__ = ["batch_norm", "layer_norm", "group_norm", "instance_norm", "rms_norm",
           "local_response_norm", "normalize", "dropout", "dropout1d", "dropout2d",
           "dropout3d", "alpha_dropout", "feature_alpha_dropout"]


def _affine(out, weight, bias, shape):
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def _update_running(running, new, momentum):
    if running is not None:
        with torch.no_grad():
            running.mul_(1 - momentum).add_(new.detach().to(running.dtype) * momentum)


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum,
                      eps):
    """The fused op, then (training) the in-place running-stat update under no_grad."""
    if momentum is None or not isinstance(momentum, (int, float)):
        raise TypeError(f"batch_norm(): argument 'momentum' (position 7) must be float, not "
                        f"{type(momentum).__name__}")
    if training:
        n = input.numel() // input.shape[1] if input.dim() >= 2 and input.shape[1] else 0
        if n == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got "
                             f"input size {input.shape}")
    _N._batch_norm_meta(input, weight, bias, running_mean, running_var, training, momentum,
                        eps)
    # training never reads the running stats: passing None keeps the backward node from
    # saving them (they are updated in place just below)
    rm, rv = (None, None) if training else (running_mean, running_var)
    out, mean, invstd = dispatch(_N.BATCH_NORM, input, weight, bias, rm, rv, bool(training),
                                 float(momentum), float(eps))
    if training and n:
        _update_running(running_mean, mean, momentum)
        if running_var is not None:
            with torch.no_grad():
                # unbiased batch variance, recovered from the saved 1/sqrt(var + eps)
                var = invstd.detach().double().pow(-2) - eps
                _update_running(running_var, var * (n / max(n - 1, 1)), momentum)
    return out, mean, invstd


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalise over every dim but 1 (batch stats in training, running stats otherwise).

    Training updates running_mean / running_var in place with ``momentum`` (the running
    variance uses the unbiased batch variance).
    """
    if input.dim() < 2:
        raise ValueError(f"Expected 2D or 3D input (got {input.dim()}D input)")
    return native_batch_norm(input, weight, bias, running_mean, running_var, training,
                             momentum, eps)[0]


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the trailing ``normalized_shape`` dims (fused op)."""
    return torch.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalise (N, C, *) over each group of C // num_groups channels and all of *."""
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.dim()}")
    n, c = input.shape[0], input.shape[1]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    g = input.reshape(n, num_groups, -1)
    mean = g.mean(-1, keepdim=True)
    var = g.var(-1, correction=0, keepdim=True)
    out = ((g - mean) * torch.rsqrt(var + eps)).reshape(input.shape)
    return _affine(out, weight, bias, (1, c) + (1,) * (input.dim() - 2))


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Normalise each (sample, channel) over its spatial dims."""
    if input.dim() < 3:
        raise ValueError(f"Expected 3D or higher input (got {input.dim()}D input)")
    c = input.shape[1]
    shape = (1, c) + (1,) * (input.dim() - 2)
    if use_input_stats:
        dims = list(range(2, input.dim()))
        n = 1
        for s in input.shape[2:]:
            n *= s
        if n == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got "
                             f"input size {input.shape}")
        mean = input.mean(dims, keepdim=True)
        var = input.var(dims, correction=0, keepdim=True)
        _update_running(running_mean, mean.mean(0).reshape(c), momentum)
        if running_var is not None:
            _update_running(running_var, (var * (n / (n - 1))).mean(0).reshape(c), momentum)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("Expected running_mean and running_var to be defined when "
                               "use_input_stats is false")
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
    out = (input - mean) * torch.rsqrt(var + eps)
    return _affine(out, weight, bias, shape)


def _check_normalized(input, normalized_shape):
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.dim() - len(ns):]) != ns or len(ns) > input.dim():
        raise RuntimeError(f"Given normalized_shape={list(ns)}, expected input with shape "
                           f"[*, {', '.join(map(str, ns))}], but got input of size"
                           f"{list(input.shape)}")
    return ns


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """x / sqrt(mean(x^2 over the trailing dims) + eps) * weight."""
    ns = _check_normalized(input, normalized_shape)
    if eps is None:
        eps = torch.finfo(input.dtype).eps
    dims = list(range(input.dim() - len(ns), input.dim()))
    out = input * torch.rsqrt((input * input).mean(dims, keepdim=True) + eps)
    return out * weight if weight is not None else out


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """x / (k + alpha * mean of x^2 over ``size`` neighbouring channels) ** beta."""
    if input.dim() < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.dim()} "
                         f"dimensions)")
    if input.numel() == 0:
        return input
    sq = input * input
    front, back = size // 2, (size - 1) // 2
    zf = torch.zeros((input.shape[0], front) + tuple(input.shape[2:]), dtype=input.dtype)
    zb = torch.zeros((input.shape[0], back) + tuple(input.shape[2:]), dtype=input.dtype)
    padded = torch.cat([zf, sq, zb], 1)
    div = padded.unfold(1, size, 1).mean(-1)
    return input / (div * alpha + k) ** beta


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p along dim, eps)."""
    denom = torch.linalg.vector_norm(input, p, dim, keepdim=True).clamp_min(eps)
    res = input / denom.expand_as(input)
    if out is not None:
        return out.copy_(res)
    return res


# ---------------------------------------------------------------------------------------
# dropout
# ---------------------------------------------------------------------------------------

_ALPHA = 1.7580993408473766   # -selu_scale * selu_alpha: SELU's negative saturation


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout(input, p, training, inplace, mask_shape, alpha):
    _check_p(p)
    if not training or p == 0:
        return input
    keep = torch.empty(mask_shape, dtype=input.dtype, device=input.device).bernoulli_(1 - p) \
        if p < 1 else torch.zeros(mask_shape, dtype=input.dtype, device=input.device)
    if alpha:
        a = 1.0 / ((_ALPHA * _ALPHA * p + 1) * (1 - p)) ** 0.5 if p < 1 else 0.0
        out = input * (keep * a) + ((keep - 1) * (_ALPHA * a) + _ALPHA * a * p)
    else:
        out = input * (keep / (1 - p) if p < 1 else keep)
    return input.copy_(out) if inplace else out


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1 / (1 - p)."""
    return _dropout(input, p, training, inplace, input.shape, False)


def _feature_shape(name, input, nsp):
    nd = input.dim()
    if nd not in (nsp + 1, nsp + 2):
        raise RuntimeError(
            f"{name}: Expected {nsp + 1}D or {nsp + 2}D input, but received a {nd}D "
            f"input. Note that {name} exists to provide channel-wise dropout on inputs "
            f"with {nsp} spatial dimension, a channel dimension, and an optional batch "
            f"dimension (i.e. {nsp + 1}D or {nsp + 2}D inputs).")
    lead = 2 if nd == nsp + 2 else 1
    return tuple(input.shape[:lead]) + (1,) * (nd - lead)


def _warn_unexpected_dim(nd, nsp):
    """torch's deprecation warning of dropout2d / dropout3d for a rank other than nsp + 1
    or nsp + 2."""
    if nd not in (nsp + 1, nsp + 2):
        warnings.warn(f"dropout{nsp}d: Received a {nd}-D input to dropout{nsp}d, which is "
                      f"deprecated and will result in an error in a future release. To retain "
                      f"the behavior and silence this warning, please use dropout instead. "
                      f"Note that dropout{nsp}d exists to provide channel-wise dropout on "
                      f"inputs with {nsp} spatial dimensions, a channel dimension, and an "
                      f"optional batch dimension (i.e. {nsp + 1}D or {nsp + 2}D inputs).")


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) or (C, L) input."""
    _check_p(p)
    return _dropout(input, p, training, inplace, _feature_shape("dropout1d", input, 1), False)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) or (C, H, W) input."""
    _check_p(p)
    nd = input.dim()
    _warn_unexpected_dim(nd, 2)
    if nd == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that "
                      "channel-wise 1D dropout behavior is desired - input is interpreted as "
                      "shape (N, C, L), where C is the channel dim. This behavior will "
                      "change in a future release to interpret the input as one without a "
                      "batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise "
                      "dropout behavior, please switch to using dropout1d instead.")
    if nd < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = tuple(input.shape[:2]) + (1,) * (nd - 2)
    return _dropout(input, p, training, inplace, shape, False)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input."""
    _check_p(p)
    nd = input.dim()
    _warn_unexpected_dim(nd, 3)
    if nd < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    lead = 1 if nd == 4 else 2
    shape = tuple(input.shape[:lead]) + (1,) * (nd - lead)
    return _dropout(input, p, training, inplace, shape, False)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout that keeps SELU's zero mean / unit variance (dropped -> -alpha', affine)."""
    return _dropout(input, p, training, inplace, input.shape, True)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels (dims 0 and 1 of a batched input)."""
    _check_p(p)
    if input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
    return _dropout(input, p, training, inplace, shape, True)
