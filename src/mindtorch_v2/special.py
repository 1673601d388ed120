"""torch.special: special functions (mostly the elementwise family's rows)."""
from __future__ import annotations

import math as _math

from ._ops import elementwise as _E
from ._ops.nn_ops import log_softmax as _log_softmax, softmax as _softmax

__all__ = ["expit", "logit", "erf", "erfc", "erfinv", "erfcx", "exp2", "expm1", "log1p",
           "gammaln", "digamma", "psi", "polygamma", "multigammaln", "i0", "i0e", "i1", "i1e",
           "ndtr", "ndtri", "log_ndtr", "entr", "sinc", "round", "softmax", "log_softmax",
           "logsumexp", "xlogy", "xlog1py", "zeta", "bessel_j0", "bessel_j1"]

# torch.special-only rows of the elementwise family
expit = _E.special("expit")
def _no_half(fn, name):
    """torch's CPU kernels of some special functions have no float16/bfloat16 loop."""
    half = (_E.D.float16, _E.D.bfloat16)

    def f(input, *, out=None):
        if input.dtype in half:
            raise NotImplementedError(f'"{name}_cpu" not implemented for '
                                      f"'{input.dtype.c10_name}'")
        return fn(input, out=out)
    f.__name__ = f.__qualname__ = name
    return f


erfcx = _no_half(_E.special("erfcx"), "erfcx")
i0e = _E.special("i0e")
i1 = _E.special("i1")
i1e = _E.special("i1e")
ndtr = _E.special("ndtr")
ndtri = _no_half(_E.special("ndtri"), "ndtri")
log_ndtr = _no_half(_E.special("log_ndtr"), "log_ndtr")
entr = _E.special("entr")
bessel_j0 = _no_half(_E.special("bessel_j0"), "bessel_j0")
bessel_j1 = _no_half(_E.special("bessel_j1"), "bessel_j1")
xlog1py = _E.special("xlog1py")
zeta = _E.special("zeta")

# the same functions as torch.<name>
logit = _E.logit
erf = _E.erf
erfc = _E.erfc
erfinv = _E.erfinv
exp2 = _E.exp2
expm1 = _E.expm1
log1p = _E.log1p
gammaln = _E.lgamma
digamma = _E.digamma
psi = _E.digamma
polygamma = _E.polygamma
i0 = _E.i0
sinc = _E.sinc


def round(input, *, decimals=0, out=None):  # noqa: A001
    if input.dtype.category <= _E.D.INT:  # torch.special.round has no integer loop
        raise NotImplementedError(f'"round_vml_cpu" not implemented for '
                                  f"'{input.dtype.c10_name}'")
    return _E.round(input, decimals=decimals, out=out)
xlogy = _E.xlogy


def softmax(input, dim, *, dtype=None):
    return _softmax(input, dim, dtype)


def log_softmax(input, dim, *, dtype=None):
    return _log_softmax(input, dim, dtype)


def logsumexp(input, dim, keepdim=False, *, out=None):
    from ._ops.reduction import logsumexp as _lse
    if out is not None:
        return _lse(input, dim, keepdim, out=out)
    return _lse(input, dim, keepdim)


def multigammaln(input, p, *, out=None):
    """log of the multivariate gamma function: sum_i lgamma(x - i/2) + p(p-1)/4 log(pi)."""
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = input
    if x.dtype.category <= _E.D.INT:
        x = x.to(_E.D.get_default_dtype())
    r = _E.lgamma(x)
    for i in range(1, p):
        r = r + _E.lgamma(x - i / 2)
    r = r + p * (p - 1) / 4 * _math.log(_math.pi)
    if out is not None:
        from ._ops.copy_ops import copy_
        if out.shape != r.shape:
            out.resize_(r.shape)
        return copy_(out, r)
    return r
