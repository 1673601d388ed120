"""torch.testing.assert_close: tensors, NumPy arrays, Python numbers and nested containers.

Tensors are compared attribute by attribute (shape, device, dtype, layout, optionally
strides), then value by value with ``|actual - expected| <= atol + rtol * |expected|``
(infinities must match exactly; NaN equals NaN only with ``equal_nan``).  Failure messages
follow torch's structure so test logs read the same.  Values are compared on the host in
NumPy: this is a test utility, not a kernel, and NumPy gives the exact per-dtype
arithmetic (ml_dtypes for bfloat16) torch's messages are computed with.
"""
from __future__ import annotations

import cmath
from collections.abc import Mapping, Sequence

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor

__all__ = ["assert_close", "default_tolerances"]

# dtype -> (rtol, atol); anything not listed (integers, bool) compares exactly
_TOLERANCES = {
    D.float16: (1e-3, 1e-5), D.bfloat16: (1.6e-2, 1e-5), D.float32: (1.3e-6, 1e-5),
    D.float64: (1e-7, 1e-7), D.complex64: (1.3e-6, 1e-5), D.complex128: (1e-7, 1e-7),
}
_NUMBER_DTYPE = {bool: D.bool, int: D.int64, float: D.float64, complex: D.complex128}


class _Mismatch(Exception):
    """Internal: carries (exception type, message) up to where the item path is known."""

    def __init__(self, exc_type, msg):
        super().__init__(msg)
        self.exc_type = exc_type
        self.msg = msg


def default_tolerances(*inputs):
    """(rtol, atol) for the given tensors / dtypes: the loosest among them."""
    rtols, atols = [], []
    for x in inputs:
        dt = x.dtype if isinstance(x, Tensor) else x
        r, a = _TOLERANCES.get(dt, (0.0, 0.0))
        rtols.append(r)
        atols.append(a)
    return max(rtols), max(atols)


def _tolerances(dtypes, rtol, atol):
    if (rtol is None) ^ (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but "
                         f"got no {'rtol' if rtol is None else 'atol'}.")
    if rtol is not None:
        return rtol, atol
    return default_tolerances(*dtypes)


# --------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------

def _mismatch_msg(default_id, identifier, extra, abs_diff, abs_idx, atol, rel_diff, rel_idx,
                  rtol):
    equality = rtol == 0 and atol == 0

    def diff(kind, value, idx, tol):
        m = (f"{kind.title()} difference: {value}" if idx is None
             else f"Greatest {kind} difference: {value} at index {idx}")
        return m + ("" if equality else f" (up to {tol} allowed)") + "\n"

    if identifier is None:
        identifier = default_id
    elif callable(identifier):
        identifier = identifier(default_id)
    msg = f"{identifier} are not {'equal' if equality else 'close'}!\n\n"
    if extra:
        msg += extra.strip() + "\n"
    msg += diff("absolute", abs_diff, abs_idx, atol)
    msg += diff("relative", rel_diff, rel_idx, rtol)
    return msg.strip()


def _scalar_msg(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _mismatch_msg("Scalars", None, f"Expected {expected} but got {actual}.", abs_diff,
                         None, atol, rel_diff, None, rtol)


def _item(v):
    return v.item() if hasattr(v, "item") else v


def _tensor_msg(a, e, matches, rtol, atol):
    n = matches.size
    bad = n - int(matches.sum())
    extra = f"Mismatched elements: {bad} / {n} ({bad / n:.1%})"
    af, ef, mf = a.reshape(-1), e.reshape(-1), matches.reshape(-1)
    if af.dtype.kind in "biu":
        af, ef = af.astype(np.int64), ef.astype(np.int64)
    abs_diff = np.abs(af - ef)
    abs_diff[mf] = 0
    with np.errstate(all="ignore"):
        rel_diff = abs_diff / np.abs(ef) if af.dtype.kind not in "iu" else (
            abs_diff.astype(np.float32) / np.abs(ef).astype(np.float32))
    rel_diff[mf] = 0

    def greatest(d):
        i = int(np.argmax(d)) if not np.isnan(d.astype(np.float64)).any() else int(
            np.argmax(np.isnan(d.astype(np.float64))))
        return _item(d[i]), np.unravel_index(i, a.shape) if a.shape else ()

    ad, ai = greatest(abs_diff)
    rd, ri = greatest(rel_diff)
    return _mismatch_msg("Tensor-likes", None, extra, _pyval(ad, a.dtype),
                         tuple(int(i) for i in ai), atol, _pyval(rd, rel_diff.dtype),
                         tuple(int(i) for i in ri), rtol)


def _pyval(v, np_dtype):
    """A Python number printed as torch's ``Tensor.item()`` would give it."""
    if isinstance(v, complex):
        return v.real
    if np.dtype(np_dtype).kind in "iub":
        return int(v)
    return float(v)


# --------------------------------------------------------------------------------------
# Comparing one pair
# --------------------------------------------------------------------------------------

def _is_tensor_like(x):
    return isinstance(x, (Tensor, np.ndarray))


def _as_tensor(x):
    if isinstance(x, np.ndarray):
        from .._ops.creation import tensor
        return tensor(x)
    return x


def _isclose(a, e, rtol, atol, equal_nan):
    if a.dtype.kind in "biu":
        return a == e
    with np.errstate(all="ignore"):
        a64 = a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)
        e64 = e.astype(a64.dtype)
        close = (a64 == e64) | (np.isfinite(a64) & np.isfinite(e64)
                                & (np.abs(a64 - e64) <= atol + rtol * np.abs(e64)))
        if equal_nan:
            close |= np.isnan(a64) & np.isnan(e64)
    return close


def _host(t):
    return t.detach().cpu().numpy()


def _compare_tensors(actual, expected, *, allow_subclasses, rtol, atol, equal_nan,
                     check_device, check_dtype, check_layout, check_stride):
    if not allow_subclasses and type(actual) is not type(expected):
        raise _Mismatch(TypeError, f"No comparison pair was able to handle inputs of type "
                                   f"{type(actual)} and {type(expected)}.")
    actual, expected = _as_tensor(actual), _as_tensor(expected)

    def attr(name, x, y):
        if x != y:
            raise _Mismatch(AssertionError, f"The values for attribute '{name}' do not match: "
                                            f"{x} != {y}.")
    attr("shape", actual.shape, expected.shape)
    if check_device:
        attr("device", actual.device, expected.device)
    if check_dtype:
        attr("dtype", actual.dtype, expected.dtype)
    if check_layout:
        attr("layout", actual.layout, expected.layout)
    if check_stride:
        attr("stride()", actual.stride(), expected.stride())
    rtol, atol = _tolerances((actual.dtype, expected.dtype), rtol, atol)
    if actual.device.type == "meta" or expected.device.type == "meta":
        return      # meta tensors carry no values: the metadata checks above are all
    if actual.dtype is not expected.dtype:
        common = D.promote_types(actual.dtype, expected.dtype)
        actual, expected = actual.to(common), expected.to(common)
    a, e = _host(actual), _host(expected)
    matches = _isclose(a, e, rtol, atol, equal_nan)
    if matches.all():
        return
    if actual.dim() == 0:
        msg = _scalar_msg(actual.item(), expected.item(), rtol, atol)
    else:
        msg = _tensor_msg(a, e, matches, rtol, atol)
    raise _Mismatch(AssertionError, msg)


def _compare_numbers(actual, expected, *, rtol, atol, equal_nan, check_dtype, **_):
    if check_dtype and type(actual) is not type(expected):
        raise _Mismatch(AssertionError, f"The (d)types do not match: {type(actual)} != "
                                        f"{type(expected)}.")
    rtol, atol = _tolerances((_NUMBER_DTYPE[type(actual)], _NUMBER_DTYPE[type(expected)]),
                             rtol, atol)
    if actual == expected:
        return
    if equal_nan and cmath.isnan(actual) and cmath.isnan(expected):
        return
    finite = cmath.isfinite(actual) and cmath.isfinite(expected)
    if finite and abs(actual - expected) <= atol + rtol * abs(expected):
        return
    raise _Mismatch(AssertionError, _scalar_msg(actual, expected, rtol, atol))


def _number(x):
    return isinstance(x, (int, float, complex)) and not isinstance(x, bool) or \
        isinstance(x, (np.number, bool))


def _compare(actual, expected, path, kw):
    if _is_tensor_like(actual) and _is_tensor_like(expected):
        return _compare_tensors(actual, expected, **kw)
    if _number(actual) and _number(expected) and not isinstance(actual, np.ndarray):
        a = actual.item() if isinstance(actual, np.generic) else actual
        e = expected.item() if isinstance(expected, np.generic) else expected
        return _compare_numbers(a, e, **kw)
    if (isinstance(actual, Sequence) and isinstance(expected, Sequence)
            and not isinstance(actual, str) and not isinstance(expected, str)):
        if len(actual) != len(expected):
            raise _Mismatch(AssertionError, f"The length of the sequences mismatch: "
                                            f"{len(actual)} != {len(expected)}")
        for i, (x, y) in enumerate(zip(actual, expected)):
            _compare_item(x, y, path + [i], kw)
        return
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        ka, ke = set(actual.keys()), set(expected.keys())
        if ka != ke:
            msg = "The keys of the mappings do not match:\n"
            if ke - ka:
                msg += f"Missing keys in the actual mapping: {sorted(ke - ka, key=repr)}\n"
            if ka - ke:
                msg += f"Extra keys in the actual mapping: {sorted(ka - ke, key=repr)}\n"
            raise _Mismatch(AssertionError, msg.strip())
        for k in sorted(ka, key=repr) if not all(isinstance(k, str) for k in ka) else \
                sorted(ka):
            _compare_item(actual[k], expected[k], path + [k], kw)
        return
    raise _Mismatch(TypeError, f"No comparison pair was able to handle inputs of type "
                               f"{type(actual)} and {type(expected)}.")


def _compare_item(actual, expected, path, kw):
    try:
        _compare(actual, expected, path, kw)
    except _Mismatch as m:
        if getattr(m, "located", False):
            raise
        where = "".join(f"[{p!r}]" for p in path)
        e = _Mismatch(m.exc_type, f"{m.msg}\n\nThe failure occurred for item {where}")
        e.located = True
        e.raw = getattr(m, "raw", m.msg)
        raise e from None


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    """Assert that ``actual`` and ``expected`` are close.

    Tensors (and NumPy arrays) must agree in shape and, unless disabled, in device, dtype,
    layout and strides; values must satisfy ``|a - e| <= atol + rtol * |e|``, with per-dtype
    default tolerances (float32: rtol 1.3e-6, atol 1e-5; see ``default_tolerances``).
    Sequences and mappings are compared element by element.  ``msg`` (a string, or a
    callable receiving the generated message) replaces the failure message.
    """
    kw = dict(allow_subclasses=allow_subclasses, rtol=rtol, atol=atol, equal_nan=equal_nan,
              check_device=check_device, check_dtype=check_dtype, check_layout=check_layout,
              check_stride=check_stride)
    try:
        _compare(actual, expected, [], kw)
    except _Mismatch as m:
        text = m.msg
        if msg is not None:
            text = msg(text) if callable(msg) else msg
        raise m.exc_type(text) from None
