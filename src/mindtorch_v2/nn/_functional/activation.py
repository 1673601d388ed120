"""torch.nn.functional: activation functions.

Composites of mindtorch ops, so autograd (and double backward) comes from the ops they
use.  Where torch's derivative differs from the composite's at a kink (relu at 0,
hardtanh at its bounds...), the clamped branch is ``detach()``-ed inside a ``where`` so the
gradient there is exactly torch's zero.  ``inplace=True`` computes out of place and copies
the result back into ``input`` (one version bump, like torch's in-place kernels).
"""
from __future__ import annotations

import warnings

import mindtorch_v2 as torch
from ..._ops.nn_norm import gelu as _gelu_op

__all__ = ["gumbel_softmax", "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "prelu", "rrelu",
           "rrelu_", "elu", "elu_", "selu", "selu_", "celu", "celu_", "gelu", "silu", "mish",
           "sigmoid", "tanh", "hardtanh", "hardtanh_", "hardsigmoid", "hardswish",
           "softplus", "softsign", "softshrink", "hardshrink", "tanhshrink", "threshold",
           "threshold_", "logsigmoid", "softmax", "log_softmax", "softmin", "glu"]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _float_only(name, x):
    if not x.dtype.is_floating_point:
        raise NotImplementedError(f'"{name}" not implemented for \'{x.dtype.c10_name}\'')


def _src(input, inplace):
    """What the composite reads: for an in-place call that records autograd, a clone, so
    the tensors its ops save are not the ones the final copy_ overwrites."""
    return input.clone() if inplace and input.requires_grad else input


def _finish(input, out, inplace):
    if inplace:
        return input.copy_(out)
    return out


def relu(input, inplace=False):
    """max(input, 0) (the fused relu op); gradient 0 at 0 like torch."""
    x = _src(input, inplace)
    return _finish(input, torch.relu(x), inplace)


def relu_(input):
    return relu(input, inplace=True)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """clamp(input, min_val, max_val); gradient 1 only strictly inside the bounds."""
    x = _src(input, inplace)
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    inside = (x > min_val) & (x < max_val)
    out = torch.where(inside, x, x.detach().clamp(min_val, max_val))
    return _finish(input, out, inplace)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    x = _src(input, inplace)
    _float_only("leaky_relu_cpu", x)
    return _finish(input, torch.where(x > 0, x, x * negative_slope), inplace)


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, inplace=True)


def prelu(input, weight):
    """max(0, x) + weight * min(0, x), one weight per channel (dim 1) or shared."""
    n = weight.numel()
    if n != 1:
        if input.dim() < 2 or input.shape[1] != n:
            c = input.shape[1] if input.dim() >= 2 else 1
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {n} and channel size = {c}.")
        weight = weight.reshape((n,) + (1,) * (input.dim() - 2))
    else:
        weight = weight.reshape(())
    return torch.where(input > 0, input, weight * input)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomised leaky relu: slope ~ U(lower, upper) per element in training."""
    x = _src(input, inplace)
    if training:
        slope = torch.empty_like(x, requires_grad=False).uniform_(lower, upper)
        out = torch.where(x >= 0, x, x * slope)
        return _finish(input, out, inplace)
    return leaky_relu(input, (lower + upper) / 2, inplace)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return rrelu(input, lower, upper, training, inplace=True)


def _elu(input, alpha, scale, input_scale):
    _float_only("elu_cpu", input)
    neg = (torch.exp(input.clamp(max=0) * input_scale) - 1) * alpha
    out = torch.where(input > 0, input, neg)
    return out * scale if scale != 1 else out


def elu(input, alpha=1.0, inplace=False):
    x = _src(input, inplace)
    return _finish(input, _elu(x, alpha, 1.0, 1.0), inplace)


def elu_(input, alpha=1.0):
    return elu(input, alpha, inplace=True)


def selu(input, inplace=False):
    x = _src(input, inplace)
    return _finish(input, _elu(x, _SELU_ALPHA, _SELU_SCALE, 1.0), inplace)


def selu_(input):
    return selu(input, inplace=True)


def celu(input, alpha=1.0, inplace=False):
    x = _src(input, inplace)
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _finish(input, _elu(x, alpha, 1.0, 1.0 / alpha), inplace)


def celu_(input, alpha=1.0):
    return celu(input, alpha, inplace=True)


def gelu(input, approximate="none"):
    """x * Phi(x); ``approximate='tanh'`` uses torch's tanh formula (fused gelu op)."""
    return _gelu_op(input, approximate)


def silu(input, inplace=False):
    _float_only("silu_cpu", input)
    x = _src(input, inplace)
    return _finish(input, x * torch.sigmoid(x), inplace)


def mish(input, inplace=False):
    x = _src(input, inplace)
    return _finish(input, x * torch.tanh(softplus(x)), inplace)


def sigmoid(input):
    return torch.sigmoid(input)


def tanh(input):
    return torch.tanh(input)


def hardsigmoid(input, inplace=False):
    x = _src(input, inplace)
    inside = (x > -3) & (x < 3)
    lin = x / 6 + 0.5
    out = torch.where(inside, lin, lin.detach().clamp(0, 1))
    return _finish(input, out, inplace)


def hardswish(input, inplace=False):
    x = _src(input, inplace)
    # torch's derivative: 0 below -3, x/3 + 1/2 on [-3, 3], 1 above
    lin = x * (x + 3) / 6
    out = torch.where(x < -3, torch.zeros((), dtype=x.dtype),
                      torch.where(x > 3, x, lin))
    return _finish(input, out, inplace)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta x)) / beta, linear where beta x > threshold."""
    bx = input * beta
    soft = torch.log1p(torch.exp(bx.clamp(max=threshold))) / beta
    return torch.where(bx > threshold, input, soft)


def softsign(input):
    return input / (1 + input.abs())


def softshrink(input, lambd=0.5):
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    zero = torch.zeros((), dtype=input.dtype)
    return torch.where(input > lambd, input - lambd,
                       torch.where(input < -lambd, input + lambd, zero))


def hardshrink(input, lambd=0.5):
    return torch.where((input > lambd) | (input < -lambd), input,
                       torch.zeros((), dtype=input.dtype))


def tanhshrink(input):
    return input - torch.tanh(input)


def threshold(input, threshold, value, inplace=False):
    """input where input > threshold, else value."""
    x = _src(input, inplace)
    out = torch.where(x > threshold, x, torch.tensor(value, dtype=x.dtype))
    return _finish(input, out, inplace)


def threshold_(input, threshold, value):
    return globals()["threshold"](input, threshold, value, inplace=True)


def logsigmoid(input):
    """log(sigmoid(x)) = -log1p(exp(-x)); ~x below -30 (where exp(-x) would dominate)."""
    _float_only("log_sigmoid_forward", input)
    soft = -torch.log1p(torch.exp(-input.clamp(min=-30)))
    return torch.where(input < -30, input, soft)


def _implicit_dim(name, ndim):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the "
                  f"call to include dim=X as an argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _implicit_dim("softmax", input.dim())
    return torch.softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _implicit_dim("log_softmax", input.dim())
    return torch.log_softmax(input, dim, dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _implicit_dim("softmin", input.dim())
    if dtype is not None:
        input = input.to(dtype)
    return torch.softmax(-input, dim)


def glu(input, dim=-1):
    """a * sigmoid(b) with a, b the two halves of ``input`` along ``dim``."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = dim % input.dim()
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size "
                           f"{input.shape[d]}")
    a, b = input.chunk(2, d)
    return a * torch.sigmoid(b)


def gumbel_softmax(logits, tau=1.0, hard=False, eps=1e-10, dim=-1):
    """Samples from the Gumbel-softmax (concrete) distribution over ``dim``.

    ``hard=True`` returns one-hot samples whose gradient is the soft sample's
    (straight-through estimator).  ``eps`` is unused, as in torch.
    """
    gumbels = -torch.empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.argmax(dim, keepdim=True)
    y_hard = torch.zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
