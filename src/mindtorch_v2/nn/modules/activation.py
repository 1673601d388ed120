"""Activation layers: thin modules over ``torch.nn.functional``.

Each class stores its hyper-parameters as attributes (torch's names) and forwards them to
the functional form; ``_Functional`` holds the shared forward and repr machinery so a class
is only its constructor and a couple of table entries.
"""
from __future__ import annotations

from ... import empty
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Threshold", "ReLU", "RReLU", "Hardtanh", "ReLU6", "Sigmoid", "Hardsigmoid", "Tanh",
           "SiLU", "Mish", "Hardswish", "ELU", "CELU", "SELU", "GLU", "GELU", "Hardshrink",
           "LeakyReLU", "LogSigmoid", "Softplus", "Softshrink", "PReLU", "Softsign",
           "Tanhshrink", "Softmin", "Softmax", "Softmax2d", "LogSoftmax"]


class _Functional(Module):
    """Calls ``_fn(input, **{a: self.a for a in _args})``.

    ``_repr`` lists the attributes shown by extra_repr as ``name=value``; an ``inplace``
    flag is appended as torch does (only when True).
    """

    _fn = None
    _args = ()
    _repr = ()

    def forward(self, input):
        return type(self)._fn(input, **{a: getattr(self, a) for a in self._args})

    def extra_repr(self):
        parts = [f"{a}={getattr(self, a)!r}" for a in self._repr]
        if getattr(self, "inplace", False):
            parts.append("inplace=True")
        return ", ".join(parts)


def _init(self, **attrs):
    Module.__init__(self)
    for k, v in attrs.items():
        setattr(self, k, v)


class Threshold(_Functional):
    """``value`` where ``input <= threshold``, ``input`` elsewhere."""

    __constants__ = ["threshold", "value", "inplace"]
    _fn, _args, _repr = staticmethod(F.threshold), ("threshold", "value", "inplace"), \
        ("threshold", "value")

    def __init__(self, threshold, value, inplace=False):
        _init(self, threshold=threshold, value=value, inplace=inplace)


class ReLU(_Functional):
    """max(x, 0) elementwise; ``inplace`` overwrites the input."""

    __constants__ = ["inplace"]
    _fn, _args = staticmethod(F.relu), ("inplace",)

    def __init__(self, inplace=False):
        _init(self, inplace=inplace)


class RReLU(_Functional):
    """Randomized leaky ReLU: slope ~ U(lower, upper) in training, their mean in eval."""

    __constants__ = ["lower", "upper", "inplace"]
    _repr = ("lower", "upper")

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        _init(self, lower=lower, upper=upper, inplace=inplace)

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)


class Hardtanh(_Functional):
    """Clamps to ``[min_val, max_val]``."""

    __constants__ = ["min_val", "max_val", "inplace"]
    _fn, _args, _repr = staticmethod(F.hardtanh), ("min_val", "max_val", "inplace"), \
        ("min_val", "max_val")

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None,
                 max_value=None):
        # min_value / max_value are torch's deprecated spellings
        min_val = min_val if min_value is None else min_value
        max_val = max_val if max_value is None else max_value
        _init(self, min_val=min_val, max_val=max_val, inplace=inplace)
        if self.max_val <= self.min_val:
            raise AssertionError


class ReLU6(Hardtanh):
    """min(max(x, 0), 6)."""

    _repr = ()

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)


class Sigmoid(_Functional):
    """1 / (1 + exp(-x))."""

    _fn = staticmethod(F.sigmoid)


class Hardsigmoid(_Functional):
    """Piecewise-linear sigmoid: relu6(x + 3) / 6."""

    __constants__ = ["inplace"]
    _fn, _args = staticmethod(F.hardsigmoid), ("inplace",)

    def __init__(self, inplace=False):
        _init(self, inplace=inplace)

    def extra_repr(self):  # torch prints no arguments for this module
        return ""


class Tanh(_Functional):
    """Hyperbolic tangent."""

    _fn = staticmethod(F.tanh)


class SiLU(_Functional):
    """x * sigmoid(x)."""

    __constants__ = ["inplace"]
    _fn, _args = staticmethod(F.silu), ("inplace",)

    def __init__(self, inplace=False):
        _init(self, inplace=inplace)


class Mish(SiLU):
    """x * tanh(softplus(x))."""

    _fn = staticmethod(F.mish)


class Hardswish(Hardsigmoid):
    """x * relu6(x + 3) / 6."""

    _fn = staticmethod(F.hardswish)


class ELU(_Functional):
    """x if x > 0 else alpha * (exp(x) - 1)."""

    __constants__ = ["alpha", "inplace"]
    _fn, _args, _repr = staticmethod(F.elu), ("alpha", "inplace"), ("alpha",)

    def __init__(self, alpha=1.0, inplace=False):
        _init(self, alpha=alpha, inplace=inplace)


class CELU(ELU):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""

    _fn = staticmethod(F.celu)


class SELU(SiLU):
    """scale * elu(x, alpha) with the self-normalising constants."""

    _fn = staticmethod(F.selu)


class GLU(_Functional):
    """Gated linear unit: first half * sigmoid(second half) along ``dim``."""

    __constants__ = ["dim"]
    _fn, _args, _repr = staticmethod(F.glu), ("dim",), ("dim",)

    def __init__(self, dim=-1):
        _init(self, dim=dim)


class GELU(_Functional):
    """Gaussian error linear unit; ``approximate='tanh'`` uses the tanh formula."""

    __constants__ = ["approximate"]
    _fn, _args, _repr = staticmethod(F.gelu), ("approximate",), ("approximate",)

    def __init__(self, approximate="none"):
        _init(self, approximate=approximate)


class Hardshrink(_Functional):
    """x where |x| > lambd, 0 elsewhere."""

    __constants__ = ["lambd"]
    _fn, _args = staticmethod(F.hardshrink), ("lambd",)

    def __init__(self, lambd=0.5):
        _init(self, lambd=lambd)

    def extra_repr(self):
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    """x - lambd * sign(x) where |x| > lambd, 0 elsewhere."""

    _fn = staticmethod(F.softshrink)


class LeakyReLU(_Functional):
    """x if x >= 0 else negative_slope * x."""

    __constants__ = ["inplace", "negative_slope"]
    _fn, _args, _repr = staticmethod(F.leaky_relu), ("negative_slope", "inplace"), \
        ("negative_slope",)

    def __init__(self, negative_slope=1e-2, inplace=False):
        _init(self, negative_slope=negative_slope, inplace=inplace)


class LogSigmoid(_Functional):
    """log(sigmoid(x)), computed stably."""

    _fn = staticmethod(F.logsigmoid)


class Softplus(_Functional):
    """log(1 + exp(beta * x)) / beta, linear above ``threshold``."""

    __constants__ = ["beta", "threshold"]
    _fn, _args, _repr = staticmethod(F.softplus), ("beta", "threshold"), ("beta", "threshold")

    def __init__(self, beta=1.0, threshold=20.0):
        _init(self, beta=beta, threshold=threshold)


class PReLU(Module):
    """Leaky ReLU with a learnt slope (one, or one per channel)."""

    __constants__ = ["num_parameters"]

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class Softsign(_Functional):
    """x / (1 + |x|)."""

    _fn = staticmethod(F.softsign)


class Tanhshrink(_Functional):
    """x - tanh(x)."""

    _fn = staticmethod(F.tanhshrink)


class Softmin(_Functional):
    """softmax(-x) along ``dim``."""

    __constants__ = ["dim"]
    _repr = ("dim",)

    def __init__(self, dim=None):
        _init(self, dim=dim)

    def forward(self, input):
        return F.softmin(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(Softmin):
    """exp(x) / sum(exp(x)) along ``dim``."""

    def forward(self, input):
        return F.softmax(input, self.dim, _stacklevel=5)


class LogSoftmax(Softmin):
    """log(softmax(x)) along ``dim``."""

    def forward(self, input):
        return F.log_softmax(input, self.dim, _stacklevel=5)


class Softmax2d(Module):
    """Softmax over the channel dim of a (C, H, W) or (N, C, H, W) input."""

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D "
                             "instead")
        return F.softmax(input, -3, _stacklevel=5)
