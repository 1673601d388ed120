"""Property-based differential tests: random cases run in mindtorch_v2 and in torch.

Every case is built from one NumPy array in both libraries, laid out the same way
(contiguous, transposed, step-sliced, expanded, narrowed); the results must agree in
values (NaN-equal, dtype-appropriate tolerance), dtype, shape, strides of views, and in the
exception type when torch raises.  Hypothesis runs derandomized without a database so CI
is reproducible.
"""
from __future__ import annotations

import cmath
import math

import numpy as np
import pytest
import torch as T
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st

import mindtorch_v2 as M

LIBS = (M, T)
FUZZ = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

DTYPES = ["bool", "uint8", "int8", "int32", "int64", "float16", "bfloat16", "float32",
          "float64", "complex64"]
LAYOUTS = ["contiguous", "transposed", "stepped", "expanded", "narrowed"]
# (rtol, atol) per result dtype; half types compute through float32 in torch and may be
# one rounding step apart from NumPy.
TOL = {T.float16: (2e-3, 2e-3), T.bfloat16: (1.6e-2, 1.6e-2), T.float32: (1e-5, 1e-5),
       T.float64: (1e-10, 1e-10), T.complex64: (1e-5, 1e-5), T.complex128: (1e-10, 1e-10)}
M2T = {getattr(M, n): getattr(T, n) for n in DTYPES + ["int16", "complex128"]}
T2M = {t: m for m, t in M2T.items()}


# ----------------------------------------------------------------------------- builders
def _values(rng, shape, dtype, special):
    """A NumPy array for ``dtype`` (bfloat16 as float32); ``special`` mixes in nan/inf/-0."""
    n = int(np.prod(shape))
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype == "uint8":
        return rng.integers(0, 12, shape).astype(np.uint8)
    if dtype.startswith("int"):
        return rng.integers(-9, 10, shape).astype(dtype)
    a = np.round(rng.standard_normal(shape) * 3, 2)
    if dtype == "complex64":
        a = a + 1j * np.round(rng.standard_normal(shape) * 3, 2)
    if special and n:
        flat = a.reshape(-1)
        for v in (np.nan, np.inf, -np.inf, -0.0, 0.0):
            flat[rng.integers(0, n)] = v
    return a.astype({"bfloat16": "float32", "complex64": "complex64"}.get(dtype, dtype))


def _base_shape(shape, layout):
    """Shape of the contiguous tensor the layout is cut from."""
    if layout == "transposed":
        return tuple(reversed(shape))
    if layout == "stepped":
        return tuple(2 * s + 1 for s in shape)
    if layout == "expanded":
        return tuple(1 if i % 2 == 0 else s for i, s in enumerate(shape))
    if layout == "narrowed" and shape:
        return tuple(shape[:-1]) + (shape[-1] + 3,)
    return tuple(shape)


def _layout(t, shape, layout):
    if layout == "transposed":
        return t.permute(tuple(reversed(range(t.dim()))))
    if layout == "stepped":
        return t[tuple(slice(1, None, 2) for _ in shape)]
    if layout == "expanded":
        return t.expand(tuple(shape))
    if layout == "narrowed" and shape:
        return t.narrow(-1, 2, shape[-1])
    return t


class Spec:
    """A tensor case: shape, dtype name, layout and a seed; ``make(lib)`` builds it."""

    def __init__(self, shape, dtype, layout, seed, special):
        self.shape, self.dtype, self.layout = tuple(shape), dtype, layout
        base = _base_shape(self.shape, layout)
        self.array = _values(np.random.default_rng(seed), base, dtype, special)

    def make(self, lib, requires_grad=False):
        # copied into a fresh tensor: numpy gives empty arrays zero strides, which
        # torch.tensor/from_numpy keep and mindtorch normalises (a reported difference)
        t = lib.zeros(self.array.shape, dtype=getattr(lib, self.dtype))
        t.copy_(lib.from_numpy(np.array(self.array)))   # np.array: 0-d draws are scalars
        if requires_grad:
            t.requires_grad_(True)
        return _layout(t, self.shape, self.layout)

    def __repr__(self):
        return f"Spec({self.shape}, {self.dtype}, {self.layout})"


shapes = st.lists(st.integers(0, 5), min_size=0, max_size=4).map(tuple)
small_shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)


@st.composite
def specs(draw, shape=None, dtypes=DTYPES, layouts=LAYOUTS):
    shape = draw(shapes) if shape is None else shape
    return Spec(shape, draw(st.sampled_from(dtypes)), draw(st.sampled_from(layouts)),
                draw(st.integers(0, 2**16)), draw(st.booleans()))


@st.composite
def broadcast_partner(draw, shape):
    """A shape that broadcasts with ``shape`` (mostly) or a random one (often not)."""
    if draw(st.integers(0, 5)) == 0:
        return draw(shapes)
    k = draw(st.integers(0, len(shape)))
    out = [1 if draw(st.booleans()) else s for s in shape[len(shape) - k:]]
    return tuple([1] * draw(st.integers(0, 1))) + tuple(out)


scalars = st.one_of(
    st.booleans(), st.integers(-6, 6), st.sampled_from([2**31 + 3, -(2**40)]),
    st.floats(-5, 5, allow_nan=False).map(lambda f: round(f, 2)),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 0.5, 2.0]),
    st.builds(complex, st.integers(-3, 3), st.integers(-3, 3)))


# ----------------------------------------------------------------------------- comparing
def same(m, t, check_stride=False, tol_scale=1.0):
    """mindtorch result ``m`` equals torch result ``t`` (values, dtype, shape[, strides])."""
    if isinstance(t, (tuple, list)):
        assert len(m) == len(t)
        for a, b in zip(m, t):
            same(a, b, check_stride, tol_scale)
        return
    if not isinstance(t, T.Tensor):
        assert not isinstance(m, M.Tensor), f"expected a Python {type(t)}, got a Tensor"
        if isinstance(t, float) and math.isnan(t):
            assert math.isnan(m)
        else:
            assert m == pytest.approx(t, rel=1e-6), f"{m!r} != {t!r}"
        return
    assert isinstance(m, M.Tensor), f"expected a Tensor, got {type(m)}"
    assert tuple(m.shape) == tuple(t.shape), f"shape {tuple(m.shape)} != {tuple(t.shape)}"
    assert M2T[m.dtype] == t.dtype, f"dtype {m.dtype} != {t.dtype}"
    if check_stride:
        assert m.stride() == t.stride(), f"stride {m.stride()} != {t.stride()}"
        assert m.storage_offset() == t.storage_offset()
    mt = _as_torch(m)
    if t.dtype.is_floating_point or t.dtype.is_complex:
        rtol, atol = TOL[t.dtype]
        T.testing.assert_close(mt, t.detach(), rtol=rtol * tol_scale, atol=atol * tol_scale,
                               equal_nan=True, check_dtype=False)
    else:
        assert T.equal(mt, t.detach()), f"values differ:\n{mt}\n{t}"


def _as_torch(m):
    m = m.detach()
    if m.dtype is M.bfloat16:
        return T.from_numpy(np.array(m.float().numpy(), order="C")).to(T.bfloat16)
    return T.from_numpy(np.array(m.numpy(), order="C", copy=True))


def differential(fn, **kw):
    """fn(lib) in both libraries: same result, or the same exception type as torch."""
    try:
        t = fn(T)
    except Exception as e:  # noqa: BLE001 -- any torch error must be mirrored
        event(f"torch raised {type(e).__name__}")
        with pytest.raises(type(e)):
            fn(M)
        return None, e
    event("values compared")
    m = fn(M)
    same(m, t, **kw)
    return m, t


def _skip_complex_half(a, s):
    # float16 tensor with a complex scalar promotes to complex32 (ComplexHalf) in torch;
    # mindtorch has no complex32 dtype (reported limitation)
    if a.dtype == "float16" and isinstance(s, complex):
        assume(False)


def _silence():
    return np.errstate(all="ignore")


# ----------------------------------------------------------------------------- (1) binary
BINARY_FUNCS = {
    "add": lambda lib, a, b: lib.add(a, b),
    "add_alpha": lambda lib, a, b: lib.add(a, b, alpha=2),
    "sub": lambda lib, a, b: lib.sub(a, b),
    "mul": lambda lib, a, b: lib.mul(a, b),
    "div": lambda lib, a, b: lib.div(a, b),
    "div_trunc": lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"),
    "div_floor": lambda lib, a, b: lib.div(a, b, rounding_mode="floor"),
    "floor_divide": lambda lib, a, b: lib.floor_divide(a, b),
    "remainder": lambda lib, a, b: lib.remainder(a, b),
    "fmod": lambda lib, a, b: lib.fmod(a, b),
    "pow": lambda lib, a, b: lib.pow(a, b),
    "maximum": lambda lib, a, b: lib.maximum(a, b),
    "minimum": lambda lib, a, b: lib.minimum(a, b),
    "fmax": lambda lib, a, b: lib.fmax(a, b),
    "fmin": lambda lib, a, b: lib.fmin(a, b),
    "eq": lambda lib, a, b: lib.eq(a, b),
    "ne": lambda lib, a, b: lib.ne(a, b),
    "lt": lambda lib, a, b: lib.lt(a, b),
    "le": lambda lib, a, b: lib.le(a, b),
    "gt": lambda lib, a, b: lib.gt(a, b),
    "ge": lambda lib, a, b: lib.ge(a, b),
    "bitwise_and": lambda lib, a, b: lib.bitwise_and(a, b),
    "bitwise_or": lambda lib, a, b: lib.bitwise_or(a, b),
    "bitwise_xor": lambda lib, a, b: lib.bitwise_xor(a, b),
    "logical_and": lambda lib, a, b: lib.logical_and(a, b),
    "logical_or": lambda lib, a, b: lib.logical_or(a, b),
    "logical_xor": lambda lib, a, b: lib.logical_xor(a, b),
    "atan2": lambda lib, a, b: lib.atan2(a, b),
    "hypot": lambda lib, a, b: lib.hypot(a, b),
    "copysign": lambda lib, a, b: lib.copysign(a, b),
    "xlogy": lambda lib, a, b: lib.xlogy(a, b),
    "logaddexp": lambda lib, a, b: lib.logaddexp(a, b),
    "float_power": lambda lib, a, b: lib.float_power(a, b),
    "true_divide": lambda lib, a, b: lib.true_divide(a, b),
    "lshift": lambda lib, a, b: lib.bitwise_left_shift(a, b),
    "rshift": lambda lib, a, b: lib.bitwise_right_shift(a, b),
    "gcd": lambda lib, a, b: lib.gcd(a, b),
    "lcm": lambda lib, a, b: lib.lcm(a, b),
    "nextafter": lambda lib, a, b: lib.nextafter(a, b),
    "heaviside": lambda lib, a, b: lib.heaviside(a, b),
    "ldexp": lambda lib, a, b: lib.ldexp(a, b),
    "isclose": lambda lib, a, b: lib.isclose(a, b),
    "where": lambda lib, a, b: lib.where(a > 0 if a.dtype != lib.bool else a, a, b),
    "clamp_min_t": lambda lib, a, b: lib.clamp(a, min=b),
    "lerp_half": lambda lib, a, b: lib.lerp(a, b, 0.5),
}
# Python operators also cover scalar-op-tensor (reflected) forms.
OPERATORS = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "//": lambda a, b: a // b, "%": lambda a, b: a % b,
    "**": lambda a, b: a ** b, "==": lambda a, b: a == b, "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b, "&": lambda a, b: a & b, "|": lambda a, b: a | b,
    "^": lambda a, b: a ^ b,
}


@st.composite
def tensor_pairs(draw):
    a = draw(specs())
    b = draw(specs(shape=draw(broadcast_partner(a.shape))))
    return a, b


@settings(FUZZ, max_examples=400)
@given(op=st.sampled_from(sorted(BINARY_FUNCS)), pair=tensor_pairs())
def test_binary_tensor_tensor(op, pair):
    a, b = pair
    f = BINARY_FUNCS[op]
    with _silence():
        differential(lambda lib: f(lib, a.make(lib), b.make(lib)))


@settings(FUZZ, max_examples=300)
@given(op=st.sampled_from(sorted(BINARY_FUNCS)), a=specs(), s=scalars)
def test_binary_tensor_scalar(op, a, s):
    f = BINARY_FUNCS[op]
    _skip_complex_half(a, s)
    with _silence():
        differential(lambda lib: f(lib, a.make(lib), s))


@settings(FUZZ, max_examples=300)
@given(op=st.sampled_from(sorted(OPERATORS)), a=specs(), s=scalars, reflected=st.booleans())
def test_operators_with_scalars(op, a, s, reflected):
    f = OPERATORS[op]
    _skip_complex_half(a, s)
    with _silence():
        if reflected:
            differential(lambda lib: f(s, a.make(lib)))
        else:
            differential(lambda lib: f(a.make(lib), s))


# ----------------------------------------------------------------------------- (2) unary
UNARY = ["neg", "abs", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt",
         "rsqrt", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
         "asinh", "acosh", "atanh", "sigmoid", "floor", "ceil", "round", "trunc", "frac",
         "sign", "sgn", "reciprocal", "square", "erf", "erfc", "bitwise_not", "logical_not",
         "isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit", "angle",
         "positive", "real", "nan_to_num", "deg2rad", "rad2deg", "relu", "conj",
         "lgamma", "digamma", "erfinv", "sinc", "logit", "i0", "exp2", "clone", "fix",
         "imag", "isreal", "nonzero", "argsort", "sort", "cumsum", "msort", "ravel", "t",
         "count_nonzero", "flip_0", "trace", "diag", "tril", "triu", "unique"]


@settings(FUZZ, max_examples=500)
@given(op=st.sampled_from(UNARY), a=specs())
def test_unary(op, a):
    # torch.trace checks the dtype before the rank; mindtorch the rank first (reported)
    assume(not (op == "trace" and a.dtype == "bool" and len(a.shape) != 2))
    # torch.flip(t, 0) raises TypeError (dims must be a tuple); mindtorch accepts the int
    # (reported leniency), so the tuple form is tested
    extra = {"flip_0": ("flip", ((0,),)), "cumsum": ("cumsum", (-1,)),
             "argsort": ("argsort", ()), "sort": ("sort", ())}
    name, args = extra.get(op, (op, ()))
    if op in ("argsort", "sort"):   # ties make unstable sorts differ: use stable ones
        name = op
    # torch wants dim as a keyword next to stable=; mindtorch also takes it positionally
    kw = {"stable": True, "dim": -1} if op in ("argsort", "sort") else {}

    def run(lib):
        r = getattr(lib, name)(a.make(lib), *args, **kw)
        return tuple(r) if isinstance(r, tuple) else r
    with _silence():
        differential(run)


@settings(FUZZ, max_examples=150)
@given(op=st.sampled_from(["neg", "abs", "exp", "sqrt", "sin", "floor", "sign",
                           "reciprocal", "bitwise_not", "logical_not", "sigmoid", "tanh"]),
       a=specs(layouts=["contiguous", "stepped", "narrowed", "transposed"]))
def test_unary_inplace(op, a):
    """In-place unary keeps the dtype (or raises like torch) and writes through views."""
    def run(lib):
        t = a.make(lib)
        out = getattr(t, op + "_")()
        assert out is t
        return t
    with _silence():
        differential(run, check_stride=True)


# ----------------------------------------------------------------------------- (3) reductions
REDUCTIONS = {
    "sum": lambda lib, t, d, k, dt: lib.sum(t, d, keepdim=k, dtype=dt),
    "nansum": lambda lib, t, d, k, dt: lib.nansum(t, d, keepdim=k, dtype=dt),
    "prod1": lambda lib, t, d, k, dt: lib.prod(t, d[0], keepdim=k, dtype=dt),
    "mean": lambda lib, t, d, k, dt: lib.mean(t, d, keepdim=k, dtype=dt),
    "nanmean": lambda lib, t, d, k, dt: lib.nanmean(t, d, keepdim=k, dtype=dt),
    "amax": lambda lib, t, d, k, dt: lib.amax(t, d, keepdim=k),
    "amin": lambda lib, t, d, k, dt: lib.amin(t, d, keepdim=k),
    "max1": lambda lib, t, d, k, dt: tuple(lib.max(t, d[0], keepdim=k)),
    "min1": lambda lib, t, d, k, dt: tuple(lib.min(t, d[0], keepdim=k)),
    "argmax1": lambda lib, t, d, k, dt: lib.argmax(t, d[0], keepdim=k),
    "argmin1": lambda lib, t, d, k, dt: lib.argmin(t, d[0], keepdim=k),
    "std": lambda lib, t, d, k, dt: lib.std(t, d, keepdim=k),
    "var_c0": lambda lib, t, d, k, dt: lib.var(t, d, keepdim=k, correction=0),
    "any": lambda lib, t, d, k, dt: lib.any(t, d, keepdim=k),
    "all": lambda lib, t, d, k, dt: lib.all(t, d, keepdim=k),
    "logsumexp": lambda lib, t, d, k, dt: lib.logsumexp(t, d, keepdim=k),
    "count_nonzero": lambda lib, t, d, k, dt: lib.count_nonzero(t, d),
    "norm": lambda lib, t, d, k, dt: lib.norm(t, dim=d, keepdim=k),
    "aminmax1": lambda lib, t, d, k, dt: tuple(lib.aminmax(t, dim=d[0], keepdim=k)),
    "cumsum": lambda lib, t, d, k, dt: lib.cumsum(t, d[0], dtype=dt),
    "cumprod": lambda lib, t, d, k, dt: lib.cumprod(t, d[0], dtype=dt),
    "logcumsumexp": lambda lib, t, d, k, dt: lib.logcumsumexp(t, d[0]),
    "cummax": lambda lib, t, d, k, dt: tuple(lib.cummax(t, d[0])),
    "var_mean": lambda lib, t, d, k, dt: tuple(lib.var_mean(t, d, keepdim=k)),
    "nanmedian1": lambda lib, t, d, k, dt: lib.nanmedian(t, d[0], keepdim=k)[0],
    "softmax": lambda lib, t, d, k, dt: lib.softmax(t, d[0], dtype=dt),
    "log_softmax": lambda lib, t, d, k, dt: lib.log_softmax(t, d[0]),
}
# full reductions (no dim)
FULL = {
    "sum": lambda lib, t: lib.sum(t), "prod": lambda lib, t: lib.prod(t),
    "mean": lambda lib, t: lib.mean(t), "max": lambda lib, t: lib.max(t),
    "min": lambda lib, t: lib.min(t), "argmax": lambda lib, t: lib.argmax(t),
    "any": lambda lib, t: lib.any(t), "all": lambda lib, t: lib.all(t),
    "std": lambda lib, t: lib.std(t), "median": lambda lib, t: lib.median(t),
    "count_nonzero": lambda lib, t: lib.count_nonzero(t),
}


@st.composite
def reduction_cases(draw):
    a = draw(specs(layouts=["contiguous", "transposed", "stepped", "expanded"]))
    nd = max(len(a.shape), 1)
    dims = draw(st.lists(st.integers(-nd, nd - 1), min_size=1, max_size=3))
    # mostly distinct dims; sometimes repeated (an error).  Not on empty tensors: torch
    # reports the empty reduction first, mindtorch the repeated dim (reported difference)
    if draw(st.integers(0, 4)) or not np.prod(a.shape):
        dims = list(dict.fromkeys(d % nd for d in dims))
    dt = draw(st.sampled_from([None, None, "float64", "int64", "float32"]))
    return a, tuple(dims), draw(st.booleans()), dt


def _half_scale(a):
    # half-precision reductions: torch accumulates in float32, NumPy may not
    return 20.0 if a.dtype in ("float16", "bfloat16") else 1e3 if a.dtype == "float32" else 1.0


@settings(FUZZ, max_examples=400)
@given(op=st.sampled_from(sorted(REDUCTIONS)), case=reduction_cases())
def test_reductions(op, case):
    a, dims, keep, dt = case
    # softmax of an empty bool/int tensor: torch skips its dtype check and returns an empty
    # tensor, mindtorch raises NotImplementedError (reported difference)
    assume(not (op in ("softmax", "log_softmax") and not np.prod(a.shape)
                and a.dtype in ("bool", "uint8", "int8", "int32", "int64", "complex64")))
    # empty complex aminmax: torch reports the empty dim, mindtorch the dtype (error order)
    assume(not (op == "aminmax1" and a.dtype == "complex64" and not np.prod(a.shape)))
    f = REDUCTIONS[op]
    # empty complex amax/amin: torch reports the empty dim first, mindtorch the
    # unsupported dtype first (reported difference in error order)
    assume(not (op in ("amax", "amin", "max1", "min1") and a.dtype == "complex64"
                and not np.prod(a.shape)))
    with _silence():
        differential(lambda lib: f(lib, a.make(lib), dims, keep,
                                   dt and getattr(lib, dt)), tol_scale=_half_scale(a))


@settings(FUZZ, max_examples=200)
@given(op=st.sampled_from(sorted(FULL)), a=specs())
def test_full_reductions(op, a):
    # torch.median of an empty bool/complex tensor returns True / nan+0j instead of
    # raising its dtype error; mindtorch raises (reported difference)
    assume(not (op == "median" and not np.prod(a.shape) and a.dtype in ("bool", "complex64")))
    with _silence():
        differential(lambda lib: FULL[op](lib, a.make(lib)), tol_scale=_half_scale(a))


# ----------------------------------------------------------------------------- (4) indexing
@st.composite
def index_exprs(draw, shape, unique=False):
    """An abstract index for ``shape``: a list of ('int', i) / ('slice', s) / ('none',) /
    ('ellipsis',) / ('itensor', list, shape) / ('mask', seed) items, mostly in range."""
    items, dim = [], 0
    used_ellipsis = False
    n_items = draw(st.integers(0, len(shape) + 2))
    for _ in range(n_items):
        kinds = ["none", "slice", "slice"]
        if dim < len(shape):
            kinds += ["int", "itensor", "mask", "slice"]
        if not used_ellipsis:
            kinds.append("ellipsis")
        kind = draw(st.sampled_from(kinds))
        if kind == "ellipsis":
            used_ellipsis = True
            items.append(("ellipsis",))
            dim = len(shape) - sum(1 for it in items if it[0] in ("int", "itensor", "slice"))
            dim = max(dim, 0)
            continue
        if kind == "none":
            items.append(("none",))
            continue
        size = shape[dim] if dim < len(shape) else 0
        if kind == "slice":
            start = draw(st.one_of(st.none(), st.integers(-6, 6)))
            stop = draw(st.one_of(st.none(), st.integers(-6, 6)))
            step = draw(st.one_of(st.none(), st.integers(1, 3)))
            items.append(("slice", slice(start, stop, step)))
        elif kind == "int":
            lo = -size - (draw(st.integers(0, 8)) == 0)      # sometimes out of range
            items.append(("int", draw(st.integers(lo, max(size - 1, lo)))))
        elif kind == "itensor":
            if unique:
                idx = draw(st.permutations(range(size))) if size else []
                idx = list(idx[:draw(st.integers(0, size))])
                items.append(("itensor", idx, (len(idx),)))
            else:
                k = draw(st.integers(0, 3))
                idx = draw(st.lists(st.integers(-size, max(size - 1, -size)) if size else
                                    st.just(0), min_size=k, max_size=k))
                items.append(("itensor", idx, (k,)))
        else:
            items.append(("mask", draw(st.integers(0, 2**16))))
        dim += 1
    return items


def _materialize(lib, items, shape):
    out, dim = [], 0
    n_consuming = sum(1 for it in items if it[0] in ("int", "itensor", "slice", "mask"))
    for it in items:
        if it[0] == "ellipsis":
            out.append(Ellipsis)
            dim = len(shape) - (n_consuming - sum(
                1 for x in out if x is not None and x is not Ellipsis))
            continue
        if it[0] == "none":
            out.append(None)
        elif it[0] == "slice":
            out.append(it[1])
        elif it[0] == "int":
            out.append(it[1])
        elif it[0] == "itensor":
            out.append(lib.tensor(it[1], dtype=lib.int64).reshape(it[2]))
        else:
            size = shape[dim] if dim < len(shape) else 0
            mask = np.random.default_rng(it[1]).random(size) < 0.5
            out.append(lib.tensor(mask, dtype=lib.bool))
        if it[0] != "none":
            dim += 1
    return tuple(out)


def _is_basic(items):
    return all(it[0] in ("int", "slice", "none", "ellipsis") for it in items)


@settings(FUZZ, max_examples=400)
@given(data=st.data(), a=specs(dtypes=["float32", "int64", "bool", "bfloat16"],
                               layouts=["contiguous", "transposed", "stepped"]))
def test_getitem(data, a):
    items = data.draw(index_exprs(a.shape))
    m, t = differential(lambda lib: a.make(lib)[_materialize(lib, items, a.shape)],
                        check_stride=False)
    if m is not None and _is_basic(items):
        same(m, t, check_stride=True)


@settings(FUZZ, max_examples=300)
@given(data=st.data(), a=specs(dtypes=["float32", "int64", "bool", "float64"],
                               layouts=["contiguous", "transposed", "stepped"]))
def test_setitem(data, a):
    items = data.draw(index_exprs(a.shape, unique=True))
    try:
        target = tuple(T.zeros(a.shape)[_materialize(T, items, a.shape)].shape)
    except Exception:  # noqa: BLE001 -- an invalid index; the set must raise alike
        target = ()
    vshape = tuple(1 if data.draw(st.booleans()) else s
                   for s in target[len(target) - data.draw(st.integers(0, len(target))):])
    value = data.draw(st.one_of(st.just(None), st.booleans(), st.integers(-6, 6),
                                st.sampled_from([1.5, -0.0, math.nan, math.inf])))
    vseed = data.draw(st.integers(0, 2**16))

    def run(lib):
        t = a.make(lib)
        v = value if value is not None else lib.tensor(
            np.random.default_rng(vseed).standard_normal(vshape) * 4).to(t.dtype)
        t[_materialize(lib, items, a.shape)] = v
        return t
    with _silence():
        differential(run)


# ----------------------------------------------------------------------------- (5) view chains
def _view_steps(draw, shape):
    """One random view step valid for ``shape`` (computed on torch): (name, args)."""
    nd = len(shape)
    names = ["reshape", "unsqueeze", "flatten", "view_flat"]
    if nd:
        names += ["transpose", "permute", "narrow", "select", "squeeze", "expand",
                  "unflatten", "view_split", "slice"]
    name = draw(st.sampled_from(names))
    d = draw(st.integers(-nd, nd - 1)) if nd else 0
    if name == "reshape":
        n = int(np.prod(shape))
        divs = [k for k in range(1, 6) if n % k == 0] or [1]
        k = draw(st.sampled_from(divs))
        return name, ((k, -1) if n else (0, draw(st.integers(1, 3))),)
    if name == "unsqueeze":
        return name, (draw(st.integers(-nd - 1, nd)),)
    if name == "flatten":
        return name, (draw(st.integers(0, max(nd - 1, 0))), -1)
    if name == "view_flat":
        return "view", ((-1,),)
    if name == "transpose":
        return name, (d, draw(st.integers(-nd, nd - 1)))
    if name == "permute":
        return name, (tuple(draw(st.permutations(range(nd)))),)
    if name == "narrow":
        size = shape[d]
        start = draw(st.integers(0, size))
        return name, (d, start, draw(st.integers(0, size - start)))
    if name == "select":
        size = shape[d]
        return name, (d, draw(st.integers(-size, size - 1)) if size else 0)
    if name == "squeeze":
        return name, (d,) if draw(st.booleans()) else ()
    if name == "expand":
        new = tuple(draw(st.integers(0, 3)) if s == 1 and draw(st.booleans()) else
                    (-1 if draw(st.booleans()) else s) for s in shape)
        return name, ((draw(st.integers(1, 2)),) * draw(st.integers(0, 1)) + new,)
    if name == "unflatten":
        size = shape[d]
        k = draw(st.sampled_from([k for k in (1, 2, 3) if size % k == 0 and size]
                                 or [1]))
        return name, (d, (k, -1) if size else (0, 1))
    if name == "view_split":   # a view() that needs compatible strides; may raise
        return "view", ((-1,) + tuple(shape[nd - 1:]) if nd > 1 else (-1,),)
    size = shape[d]   # slice with a step through __getitem__
    step = draw(st.integers(1, 3))
    return "slice", (d, draw(st.integers(0, max(size, 0))), step)


def _apply_view(t, name, args):
    if name == "slice":
        d, start, step = args
        idx = [slice(None)] * t.dim()
        idx[d] = slice(start, None, step)
        return t[tuple(idx)]
    return getattr(t, name)(*args)


@settings(FUZZ, max_examples=250)
@given(data=st.data(), shape=shapes, n=st.integers(1, 6),
       dtype=st.sampled_from(["float32", "int64", "float64", "bool"]))
def test_view_chains(data, shape, n, dtype):
    steps = []
    tt = T.zeros(shape)
    for _ in range(n):
        name, args = _view_steps(data.draw, tuple(tt.shape))
        try:
            tt = _apply_view(tt, name, args)
        except Exception:  # noqa: BLE001 -- keep the failing step, then stop
            steps.append((name, args))
            break
        steps.append((name, args))
    note(f"steps={steps}")

    def run(lib):
        base = lib.arange(int(np.prod(shape))).to(getattr(lib, dtype)).reshape(shape)
        v = base
        for name, args in steps:
            v = _apply_view(v, name, args)
            # layout after every step: shape, strides, offset, contiguity
            if lib is T:
                run.trace.append((tuple(v.shape), v.stride(), v.storage_offset(),
                                  v.is_contiguous()))
            else:
                run.mtrace.append((tuple(v.shape), v.stride(), v.storage_offset(),
                                   v.is_contiguous()))
        return base, v
    run.trace, run.mtrace = [], []
    res = differential(run, check_stride=True)
    if res[0] is None:
        return
    assert run.mtrace == run.trace
    (mb, mv), (tb, tv) = res
    # a write through the final view lands in the same base positions (or fails alike)
    def write(lib, b, v):
        fill = lib.arange(v.numel()).to(v.dtype).reshape(v.shape) if dtype != "bool" \
            else lib.ones(v.shape, dtype=lib.bool)
        v.copy_(fill + 0 if dtype != "bool" else fill)
        return b
    try:
        write(T, tb, tv)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            write(M, mb, mv)
        return
    same(write(M, mb, mv), tb)


# ----------------------------------------------------------------------------- (6) autograd
UNARY_G = {
    "sin": lambda lib, x: lib.sin(x), "exp": lambda lib, x: lib.exp(x * 0.3),
    "tanh": lambda lib, x: lib.tanh(x), "sigmoid": lambda lib, x: lib.sigmoid(x),
    "sq": lambda lib, x: x * x, "log1p2": lambda lib, x: lib.log(1 + x * x),
    "sqrt": lambda lib, x: lib.sqrt(x * x + 1), "neg": lambda lib, x: -x,
    "sum_last": lambda lib, x: x.sum(-1, keepdim=True) if x.dim() else x,
    "mean0": lambda lib, x: x.mean(0, keepdim=True) if x.dim() else x,
    "t": lambda lib, x: x.transpose(0, -1) if x.dim() >= 2 else x,
    "abs": lambda lib, x: lib.abs(x), "relu": lambda lib, x: lib.relu(x),
    "cumsum": lambda lib, x: x.cumsum(-1) if x.dim() else x,
    "softmax": lambda lib, x: lib.softmax(x, -1) if x.dim() else x,
    "clamp": lambda lib, x: lib.clamp(x, -0.5, 0.7),
    "pow3": lambda lib, x: x ** 3,
}
BINARY_G = {
    "add": lambda lib, x, y: x + y, "sub": lambda lib, x, y: x - y,
    "mul": lambda lib, x, y: x * y, "div": lambda lib, x, y: x / (y * y + 1),
    "max": lambda lib, x, y: lib.maximum(x, y), "atan2": lambda lib, x, y: lib.atan2(x, y + 3),
    "where": lambda lib, x, y: lib.where(x > y, x, y * 2),
    "pow": lambda lib, x, y: lib.pow(x * x + 0.5, y),
    "hypot": lambda lib, x, y: lib.hypot(x, y),
}


def _trees(depth):
    leaf = st.integers(0, 2).map(lambda i: ("leaf", i))
    if depth == 0:
        return leaf
    sub = _trees(depth - 1)
    return st.one_of(leaf, st.tuples(st.just("u"), st.sampled_from(sorted(UNARY_G)), sub),
                     st.tuples(st.just("b"), st.sampled_from(sorted(BINARY_G)), sub, sub))


def _eval_tree(lib, tree, leaves):
    if tree[0] == "leaf":
        return leaves[tree[1]]
    if tree[0] == "u":
        return UNARY_G[tree[1]](lib, _eval_tree(lib, tree[2], leaves))
    return BINARY_G[tree[1]](lib, _eval_tree(lib, tree[2], leaves),
                             _eval_tree(lib, tree[3], leaves))


@settings(FUZZ, max_examples=150)
@given(tree=_trees(3), shape=small_shapes, data=st.data(), second=st.booleans(),
       seed=st.integers(0, 2**16))
def test_autograd_trees(tree, shape, data, second, seed):
    # leaves broadcast against each other: gradients must be reduced back to their shapes
    lshapes = [data.draw(broadcast_partner(shape).filter(lambda s: True)) for _ in range(2)]
    lshapes = [shape] + [s if _broadcasts(s, shape) else shape for s in lshapes]
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s) + 0.1 for s in lshapes]

    def run(lib):
        leaves = [lib.tensor(a, dtype=lib.float64, requires_grad=True) for a in arrays]
        out = _eval_tree(lib, tree, leaves)
        if not out.requires_grad:
            return out
        w = lib.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)))
        grads = lib.autograd.grad((out * w).sum(), leaves, create_graph=second,
                                  allow_unused=True)
        res = [out] + [g if g is not None else lib.zeros(()) for g in grads]
        if second:
            total = sum((g * g).sum() for g in grads if g is not None and g.requires_grad)
            if isinstance(total, lib.Tensor):
                g2 = lib.autograd.grad(total, leaves, allow_unused=True)
                res += [g if g is not None else lib.zeros(()) for g in g2]
        return res
    differential(run)


def _broadcasts(s, shape):
    try:
        return np.broadcast_shapes(s, shape) == tuple(shape)
    except ValueError:
        return False


# ----------------------------------------------------------------------------- (7) in-place
BASE_FN = {
    "mul2": lambda lib, a: a * 2, "exp": lambda lib, a: a.exp(), "sin": lambda lib, a: a.sin(),
    "sigmoid": lambda lib, a: a.sigmoid(), "leaf": lambda lib, a: a,
    "clone": lambda lib, a: a.clone(), "tanh": lambda lib, a: a.tanh(),
}
VIEW_FN = {
    "select": lambda x: x.select(0, -1), "slice": lambda x: x[1::2],
    "t": lambda x: x.t(), "narrow": lambda x: x.narrow(1, 1, 2), "diag": lambda x: x.diagonal(),
    "view": lambda x: x.view(-1), "unsq": lambda x: x.unsqueeze(0), "whole": lambda x: x[:],
    "none": lambda x: x, "expand": lambda x: x[:1].expand(3, 4),
}
INPLACE_FN = {
    "add_b": lambda lib, v, b: v.add_(b[..., :1] if v.dim() else b.sum()),
    "mul_b": lambda lib, v, b: v.mul_(b.sum()),
    "mul_": lambda lib, v, b: v.mul_(3), "sin_": lambda lib, v, b: v.sin_(),
    "exp_": lambda lib, v, b: v.exp_(), "zero_": lambda lib, v, b: v.zero_(),
    "copy_b": lambda lib, v, b: v.copy_(b.sum() * 1.5),
    "clamp_": lambda lib, v, b: v.clamp_(-0.3, 0.4), "fill_": lambda lib, v, b: v.fill_(2.0),
    "pow_": lambda lib, v, b: v.pow_(2), "sigmoid_": lambda lib, v, b: v.sigmoid_(),
}
USE_FN = {
    "base": lambda lib, x, v: (x * x).sum(), "view": lambda lib, x, v: (v * v).sum(),
    "both": lambda lib, x, v: x.sum() + (v ** 3).sum(),
}


@settings(FUZZ, max_examples=300)
@given(base=st.sampled_from(sorted(BASE_FN)), view=st.sampled_from(sorted(VIEW_FN)),
       inplace=st.sampled_from(sorted(INPLACE_FN)), use=st.sampled_from(sorted(USE_FN)),
       b_grad=st.booleans(), no_grad=st.integers(0, 5), seed=st.integers(0, 2**16))
def test_inplace_on_views_autograd(base, view, inplace, use, b_grad, no_grad, seed):
    rng = np.random.default_rng(seed)
    aa, ba = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))

    def run(lib):
        a = lib.tensor(aa, requires_grad=True)
        b = lib.tensor(ba, requires_grad=b_grad)
        x = BASE_FN[base](lib, a)
        v = VIEW_FN[view](x)
        if no_grad == 0:           # an in-place under no_grad is invisible to autograd
            with lib.no_grad():
                INPLACE_FN[inplace](lib, v, b)
        else:
            INPLACE_FN[inplace](lib, v, b)
        loss = USE_FN[use](lib, x, v)
        grads = lib.autograd.grad(loss, [a, b] if b_grad else [a], allow_unused=True)
        return [loss, x, v] + [g if g is not None else lib.zeros(()) for g in grads]
    differential(run)


def _bshape(x, y):
    try:
        return tuple(np.broadcast_shapes(x, y))
    except ValueError:
        return None


INPLACE_BINARY = ["add_", "sub_", "mul_", "div_", "floor_divide_", "remainder_", "pow_",
                  "bitwise_and_", "logical_or_", "maximum", "copy_", "masked_fill_",
                  "clamp_", "lerp_", "atan2_"]


@settings(FUZZ, max_examples=250)
@given(op=st.sampled_from(INPLACE_BINARY), pair=tensor_pairs(), scalar=st.booleans(),
       s=scalars)
def test_inplace_binary(op, pair, scalar, s):
    """In-place binary ops keep self's dtype: torch refuses a result type that cannot be
    cast back, a shape that would grow self, and writes through expanded (aliased) views."""
    a, b = pair
    _skip_complex_half(a, s)
    # t.logical_or_/atan2_/lerp_(python_scalar): torch's parser raises TypeError before
    # anything else, mindtorch accepts the number or fails later (reported)
    assume(not (op in ("logical_or_", "atan2_", "lerp_") and scalar))
    # maximum(t, o, out=t) where broadcasting grows t: torch refuses to resize an out=
    # that is also an input, mindtorch resizes it (reported)
    assume(not (op == "maximum" and not scalar and _bshape(a.shape, b.shape) != a.shape))
    # half-precision floor at a rounding boundary: float16 x.floor_divide_(3.62) differs
    # from torch in one element (reported, not fixed: torch's internal half arithmetic)
    assume(not (op in ("floor_divide_", "remainder_") and a.dtype in ("float16", "bfloat16")))

    def run(lib):
        t = a.make(lib)
        other = s if scalar else b.make(lib)
        if op == "masked_fill_":
            mask = (b.make(lib) != 0) if not scalar else t != 0
            r = t.masked_fill_(mask, s)
        elif op == "clamp_":
            r = t.clamp_(min=other)
        elif op == "lerp_":
            r = t.lerp_(other, 0.5)
        elif op == "maximum":
            r = lib.maximum(t, other, out=t)
        else:
            r = getattr(t, op)(other)
        assert r is t
        return t
    with _silence():
        differential(run, check_stride=True)
