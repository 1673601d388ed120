"""Backward formulas of the elementwise family (``_ops/elementwise.py``).

Complex inputs follow torch's convention (conjugate Wirtinger calculus): the gradient of
a holomorphic f is grad * conj(f'(z)); for a non-holomorphic f it is
grad * conj(df/dz) + conj(grad) * df/dz*  (used by abs, sgn, angle).

Scalars may stand where tensors usually do (``x * 2`` dispatches mul(x, 2)): gradients of
such positions are never used, so formulas skip computing them.  Broadcasting, dtype and
real-part reduction are the engine's job (Note [grad reduction]).

Most unary ops are table rows: a derivative written as a function of the input (``X``
rows) or of the result (``R`` rows); the formula is ``grad * conj(derivative)``.
"""
from __future__ import annotations

import cmath
import math

from ..._ops import elementwise as E
from ..._ops.creation import zeros_like
from ..._tensor import Tensor
from ..derivatives import NONDIFF, defgrad

_PI = math.pi
_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_SQRT_2PI = math.sqrt(2 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)

_special = E.special  # public function of a torch.special-only op


def _c(v):
    """conj(v) for a tensor or Python scalar (identity for real values)."""
    if isinstance(v, Tensor):
        return v.conj() if v.dtype.is_complex else v
    return v.conjugate() if isinstance(v, complex) else v


def _t(v):
    return isinstance(v, Tensor)


def _zero(g, *args, **kwargs):
    return zeros_like(g)


def _identity(g, *args, **kwargs):
    return g


def _raise_runtime(opname):
    """torch raises RuntimeError (not NotImplementedError) for these at backward time."""
    def fn(g, *args, **kwargs):
        raise RuntimeError(f"derivative for aten::{opname} is not implemented")
    return fn


# ---------------------------------------------------------------------------------------
# unary ops as table rows
# ---------------------------------------------------------------------------------------

def _from_x(deriv):
    def f(g, x, *args):
        return g * _c(deriv(x))
    return f


def _from_result(deriv):
    def f(g, x, *args, result):
        return g * _c(deriv(result))
    return f


def _i1_deriv(x):
    # i1'(x) = i0(x) - i1(x)/x, 1/2 at x = 0
    return E.where(x == 0, 0.5, _special("i0")(x) - _special("i1")(x) / x)


def _i1e_deriv(x):
    # i1e(x) = exp(-|x|) i1(x)  =>  i1e' = i0e - i1e * (sign(x) + 1/x), 1/2 at x = 0
    return E.where(x == 0, 0.5, _special("i0e")(x) - _special("i1e")(x) * (x.sign() + 1 / x))


def _sinc_deriv(x):
    # d/dx sin(pi x)/(pi x) = (pi x cos(pi x) - sin(pi x)) / (pi x^2), 0 at x = 0
    px = x * _PI
    return E.where(x == 0, 0, (px * px.cos() - px.sin()) / (px * x))


X_ROWS = {
    "log": lambda x: 1 / x,
    "log2": lambda x: 1 / (x * _LN2),
    "log10": lambda x: 1 / (x * _LN10),
    "log1p": lambda x: 1 / (x + 1),
    "square": lambda x: 2 * x,
    "sin": lambda x: x.cos(),
    "cos": lambda x: -x.sin(),
    "sinh": lambda x: x.cosh(),
    "cosh": lambda x: x.sinh(),
    "asin": lambda x: (1 - x * x).rsqrt(),
    "acos": lambda x: -(1 - x * x).rsqrt(),
    "atan": lambda x: 1 / (x * x + 1),
    "asinh": lambda x: (x * x + 1).rsqrt(),
    "acosh": lambda x: (x * x - 1).rsqrt(),
    "atanh": lambda x: 1 / (1 - x * x),
    "erf": lambda x: _TWO_OVER_SQRT_PI * (-(x * x)).exp(),
    "erfc": lambda x: -_TWO_OVER_SQRT_PI * (-(x * x)).exp(),
    "lgamma": lambda x: x.digamma(),
    "digamma": lambda x: E.polygamma(1, x),
    "i0": lambda x: _special("i1")(x),
    "i1": _i1_deriv,
    "i1e": _i1e_deriv,
    "sinc": _sinc_deriv,
    "ndtr": lambda x: (x * x * -0.5).exp() / _SQRT_2PI,
    "entr": lambda x: -(x.log() + 1),
}
for _a, _b in (("arcsin", "asin"), ("arccos", "acos"), ("arctan", "atan"),
               ("arcsinh", "asinh"), ("arccosh", "acosh"), ("arctanh", "atanh")):
    X_ROWS[_a] = X_ROWS[_b]

R_ROWS = {
    "exp": lambda r: r,
    "exp2": lambda r: r * _LN2,
    "expm1": lambda r: r + 1,
    "reciprocal": lambda r: -(r * r),
    "sqrt": lambda r: 0.5 / r,
    "rsqrt": lambda r: -0.5 * r * r * r,
    "tan": lambda r: 1 + r * r,
    "tanh": lambda r: 1 - r * r,
    "sigmoid": lambda r: r * (1 - r),
    "expit": lambda r: r * (1 - r),
    "erfinv": lambda r: (math.sqrt(math.pi) / 2) * (r * r).exp(),
    "ndtri": lambda r: _SQRT_2PI * (r * r * 0.5).exp(),
}

for _name, _d in X_ROWS.items():
    defgrad(_name, _from_x(_d))
for _name, _d in R_ROWS.items():
    defgrad(_name, _from_result(_d))

for _name in ("floor", "ceil", "trunc", "fix", "sign", "round"):
    defgrad(_name, _zero)
for _name in ("positive", "frac"):
    defgrad(_name, _identity)
# torch.special.bessel_j0/j1 outputs do not require grad in torch
defgrad("bessel_j0", NONDIFF)
defgrad("bessel_j1", NONDIFF)


@defgrad("neg")
@defgrad("negative")
def _neg(g, x):
    return -g


@defgrad("deg2rad")
def _deg2rad(g, x):
    return g * (_PI / 180)


@defgrad("rad2deg")
def _rad2deg(g, x):
    return g * (180 / _PI)


@defgrad("conj_physical")
def _conj_physical(g, x):
    return _c(g)


@defgrad("abs")
@defgrad("absolute")
def _abs(g, x):
    return g * x.sgn()


@defgrad("sgn")
def _sgn(g, x, *, result):
    # real: piecewise constant.  complex: sgn = z/|z|, d/dz = 1/(2|z|),
    # d/dz* = -sgn^2/(2|z|)  =>  grad = (g - conj(g) sgn^2) / (2|z|), 0 at z = 0
    if not x.dtype.is_complex:
        return zeros_like(g)
    a = x.abs()
    out = (g - _c(g) * result * result) / (2 * a)
    return E.where(a == 0, 0, out)


@defgrad("angle")
def _angle(g, x):
    # complex: angle = Im log z  =>  grad = g * i z / |z|^2 (0 at z = 0); real: constant
    if not x.dtype.is_complex:
        return zeros_like(g)
    a2 = x.abs().square()
    return E.where(a2 == 0, 0, g * x * 1j / a2)


@defgrad("log_ndtr")
def _log_ndtr(g, x, *, result):
    # d/dx log ndtr(x) = phi(x) / ndtr(x) = exp(-x^2/2 - log_ndtr(x)) / sqrt(2 pi)
    return g * (-(result + x * x * 0.5)).exp() / _SQRT_2PI


@defgrad("erfcx")
def _erfcx(g, x, *, result):
    # erfcx = exp(x^2) erfc(x)  =>  erfcx' = 2 x erfcx(x) - 2/sqrt(pi)
    return g * (2 * x * result - _TWO_OVER_SQRT_PI)


@defgrad("i0e")
def _i0e(g, x, *, result):
    # i0e = exp(-|x|) i0(x)  =>  i0e' = i1e(x) - sign(x) i0e(x)
    return g * (_special("i1e")(x) - x.sgn() * result)


@defgrad("polygamma")
def _polygamma(g, n, x):
    return None, g * E.polygamma(n + 1, x)


@defgrad("logit")
def _logit(g, x, eps=None):
    # 1/(x(1-x)) inside the domain (g * inf at 0 and 1 whatever zero's sign); outside:
    # NaN without eps, 0 outside [eps, 1-eps]
    d = E.where((x == 0) | (x == 1), g * math.inf, g / (x * (1 - x)))
    if eps is None:
        return E.where((x < 0) | (x > 1), math.nan, d)
    return E.where((x < eps) | (x > 1 - eps), 0, d)


@defgrad("nan_to_num")
def _nan_to_num(g, x, nan=0.0, posinf=None, neginf=None):
    return g * x.isfinite()


# ---------------------------------------------------------------------------------------
# binary ops
# ---------------------------------------------------------------------------------------

@defgrad("add")
def _add(g, a, b, alpha=1):
    return g, (g if alpha == 1 else g * _c(alpha)) if _t(b) else None


@defgrad("sub")
def _sub(g, a, b, alpha=1):
    return g, (-g if alpha == 1 else g * -_c(alpha)) if _t(b) else None


@defgrad("mul")
@defgrad("multiply")
def _mul(g, a, b):
    return (g * _c(b) if _t(a) else None), (g * _c(a) if _t(b) else None)


@defgrad("div")
@defgrad("true_divide")
def _div(g, a, b, rounding_mode=None):
    if rounding_mode is not None:
        z = zeros_like(g)
        return z, z
    ga = g / _c(b) if _t(a) else None
    gb = -g * _c(a / b / b) if _t(b) else None
    return ga, gb


def _pow_self(g, a, b):
    if not _t(b):
        if b == 0:
            return zeros_like(g)
        return g * _c(b * a.pow(b - 1))
    return E.where(b == 0, 0, g * _c(b * a.pow(b - 1)))


def _exp_nonneg(b):
    if b.dtype.is_complex:
        return (b.imag == 0) & (b.real >= 0)
    return b >= 0


def _pow_exponent(g, a, b, r):
    # d/db a^b = a^b log a; 0 where a == 0 and b >= 0 (the limit torch takes)
    if not _t(a):
        cplx = isinstance(a, complex) or b.dtype.is_complex
        if a == 0:
            return g * E.where(_exp_nonneg(b), 0, _c(r * -math.inf))
        la = cmath.log(a) if cplx else (math.log(a) if a > 0 else math.nan)
        return g * _c(r * la)
    if b.dtype.is_complex and not a.dtype.is_complex:
        a = a.to(b.dtype)  # a negative real base has a complex log
    return g * E.where(_exp_nonneg(b) & (a == 0), 0, _c(r * a.log()))


@defgrad("pow")
def _pow(g, a, b, *, result):
    return (_pow_self(g, a, b) if _t(a) else None), (
        _pow_exponent(g, a, b, result) if _t(b) else None)


@defgrad("remainder")
def _remainder(g, a, b):
    if not _t(a):
        raise RuntimeError("derivative for aten::remainder is not implemented")
    return g if _t(a) else None, -g * E.div(a, b, rounding_mode="floor") if _t(b) else None


@defgrad("fmod")
def _fmod(g, a, b):
    return g if _t(a) else None, -g * E.div(a, b, rounding_mode="trunc") if _t(b) else None


@defgrad("atan2")
@defgrad("arctan2")
def _atan2(g, a, b):
    r = 1 / (a * a + b * b)
    return g * b * r, g * -a * r


@defgrad("hypot")
def _hypot(g, a, b, *, result):
    return g * a / result, g * b / result


def _split(g, a, b, a_loses):
    """Gradient of ``a`` for maximum/minimum: g/2 on ties, 0 where ``a`` loses."""
    return E.where(a_loses, 0, E.where(a == b, g / 2, g))


@defgrad("maximum")
def _maximum(g, a, b):
    return _split(g, a, b, a < b), _split(g, b, a, b < a)


@defgrad("minimum")
def _minimum(g, a, b):
    return _split(g, a, b, a > b), _split(g, b, a, b > a)


def _isnan(v):
    return v.isnan() if _t(v) else v != v


@defgrad("fmax")
def _fmax(g, a, b):
    pick_a = (a >= b) | _isnan(b)
    return E.where(pick_a, g, 0), E.where(pick_a, 0, g) if _t(b) else None


@defgrad("fmin")
def _fmin(g, a, b):
    pick_a = (a <= b) | _isnan(b)
    return E.where(pick_a, g, 0), E.where(pick_a, 0, g) if _t(b) else None


@defgrad("copysign")
def _copysign(g, a, b, *, result):
    ga = E.where(a == 0, 0, g * result / a)
    return ga, zeros_like(g) if _t(b) else None


@defgrad("nextafter")
def _nextafter(g, a, b):
    return g, zeros_like(g)


@defgrad("logaddexp")
def _logaddexp(g, a, b):
    return g / _c(1 + (b - a).exp()), g / _c(1 + (a - b).exp())


@defgrad("logaddexp2")
def _logaddexp2(g, a, b):
    return g / (1 + E.pow(2, b - a)), g / (1 + E.pow(2, a - b))


def _mask_zero(ga, a, b_cond):
    """``ga`` with zeros where a == 0 and ``b_cond`` (a tensor or a Python bool)."""
    if not _t(b_cond):
        return E.where(a == 0, 0, ga) if b_cond else ga
    return E.where((a == 0) & b_cond, 0, ga)


@defgrad("xlogy")
def _xlogy(g, a, b):
    ga = _mask_zero(E.xlogy(g, b), a, b <= 0) if _t(a) else None
    return ga, g * a / b if _t(b) else None


@defgrad("xlog1py")
def _xlog1py(g, a, b):
    ga = _mask_zero(_special("xlog1py")(g, b), a, b <= -1) if _t(a) else None
    return ga, g * a / (b + 1) if _t(b) else None


@defgrad("zeta")
def _zeta(g, a, b):
    # d/dq zeta(x, q) = -x zeta(x + 1, q); the derivative in x is not implemented in torch
    if _t(a) and a.requires_grad:
        raise NotImplementedError("the derivative for 'zeta' is not implemented.")
    return None, g * -a * _special("zeta")(a + 1, b) if _t(b) else None


defgrad("heaviside", _raise_runtime("heaviside"))
defgrad("floor_divide", _raise_runtime("floor_divide"))


# ---------------------------------------------------------------------------------------
# clamp, where, lerp, addcmul, addcdiv
# ---------------------------------------------------------------------------------------

@defgrad("clamp")
def _clamp(g, x, min=None, max=None):  # noqa: A002
    # the input passes where min <= x <= max (bounds included); a tensor bound gets the
    # gradient where it was the one chosen (max wins when min > max)
    keep = None
    if min is not None:
        keep = x >= min
    if max is not None:
        le = x <= max
        keep = le if keep is None else keep & le
    gx = E.where(keep, g, 0)
    gmin = gmax = None
    if _t(min):
        below = x < min
        gmin = E.where(below & (min < max) if _t(max) else (
            below if max is None else below & (min < max)), g, 0)
    if _t(max):
        above = x > max
        gmax = E.where(above | (max < min) if min is not None else above, g, 0)
    return gx, gmin, gmax


@defgrad("where")
def _where(g, cond, a, b):
    return None, E.where(cond, g, 0) if _t(a) else None, E.where(cond, 0, g) if _t(b) else None


@defgrad("lerp")
def _lerp(g, x, end, w):
    if _t(w):
        return g * _c(1 - w), g * _c(w), g * _c(end - x)
    return g * _c(1 - w), g * _c(w)


@defgrad("addcmul")
def _addcmul(g, x, t1, t2, value=1):
    return g, g * _c(t2 * value), g * _c(t1 * value)


@defgrad("addcdiv")
def _addcdiv(g, x, t1, t2, value=1):
    return g, g * _c(value / t2), -g * _c(t1 * value / (t2 * t2))
