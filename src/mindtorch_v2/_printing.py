"""Tensor printing with torch's layout: ``repr(t)`` / ``str(t)`` and print options.

All formatting works on a host NumPy copy of the values.  One formatter per tensor (two for
complex: real and imaginary parts) decides the element width and the notation from the
non-zero finite values:

* every value integral -> ``1.`` style (scientific when the range is too wide),
* otherwise fixed ``precision`` digits, or scientific when max/min > 1000, max > 1e8 or
  min < 1e-4 (``sci_mode`` overrides the choice).

Tensors with more than ``threshold`` elements are summarised: only ``edgeitems`` entries at
both ends of each dimension are shown, with ``...`` in between.
"""
from __future__ import annotations

import math

import numpy as np

builtins_bool = bool

from . import _dtype as D

__all__ = ["set_printoptions", "get_printoptions"]

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


class _Options:
    __slots__ = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")

    def __init__(self):
        self.precision = 4
        self.threshold = 1000
        self.edgeitems = 3
        self.linewidth = 80
        self.sci_mode = None


OPTS = _Options()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set the options used to print tensors (``torch.set_printoptions``)."""
    if profile is not None:
        prof = _PROFILES.get(profile)
        if prof is not None:
            for k, v in prof.items():
                setattr(OPTS, k, v)
    if precision is not None:
        OPTS.precision = precision
    if threshold is not None:
        OPTS.threshold = threshold
    if edgeitems is not None:
        OPTS.edgeitems = edgeitems
    if linewidth is not None:
        OPTS.linewidth = linewidth
    OPTS.sci_mode = sci_mode  # like torch: always replaced (None -> automatic)


def get_printoptions():
    """The current print options as a dict accepted by set_printoptions(**options)."""
    return {k: getattr(OPTS, k) for k in _Options.__slots__}


# ---------------------------------------------------------------------------------------
# element formatter
# ---------------------------------------------------------------------------------------

class _Formatter:
    __slots__ = ("floating", "int_mode", "sci_mode", "width")

    def __init__(self, values, floating):
        """``values``: 1-D NumPy array of the (possibly summarised) values to show."""
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        width = 1
        prec = OPTS.precision
        if not floating:
            if values.size:
                if values.dtype == np.bool_:
                    width = 5 if not values.all() else 4
                else:
                    width = max(len(str(values.min().item())), len(str(values.max().item())))
        else:
            vals = values[np.isfinite(values) & (values != 0)]
            if vals.size:
                absv = np.abs(vals).astype(np.float64)
                vmin = absv.min()
                vmax = absv.max()
                self.int_mode = not np.any(vals != np.ceil(vals))
                pyvals = vals.astype(np.float64).tolist()
                sci = OPTS.sci_mode
                if sci is None:
                    sci = builtins_bool(vmax / vmin > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4)
                self.sci_mode = sci
                if sci:
                    fmt = "{:.%de}" % prec
                    width = max(len(fmt.format(v)) for v in pyvals)
                elif self.int_mode:
                    width = max(len(f"{v:.0f}") for v in pyvals) + 1
                else:
                    fmt = "{:.%df}" % prec
                    width = max(len(fmt.format(v)) for v in pyvals)
        self.width = width

    def format(self, value):
        if self.floating:
            if self.sci_mode:
                ret = f"{value:{self.width}.{OPTS.precision}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{OPTS.precision}f}"
        else:
            ret = f"{value}"
        return " " * (self.width - len(ret)) + ret


def _complex_str(val, f1, f2):
    real = f1.format(val.real)
    imag = (f2.format(val.imag) + "j").lstrip()
    if imag[0] in "+-":
        return real + imag
    return real + "+" + imag


def _summarized(a, edge):
    """The values shown when summarising (order does not matter to the formatter)."""
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        if a.shape[0] > 2 * edge:
            return np.concatenate((a[:edge], a[a.shape[0] - edge:] if edge else a))
        return a
    if not edge:
        return a[tuple(slice(0, 0) for _ in range(a.ndim))]
    idx = []
    for n in a.shape:
        idx.append(np.r_[0:edge, n - edge:n] if n > 2 * edge else np.arange(n))
    return a[np.ix_(*idx)]


def _vector_str(a, indent, summarize, f1, f2):
    elem_len = f1.width + 2
    if f2 is not None:
        elem_len += f2.width + 1
        fmt = lambda v: _complex_str(v, f1, f2)  # noqa: E731
    else:
        fmt = f1.format
    per_line = max(1, int(math.floor((OPTS.linewidth - indent) / elem_len)))
    edge = OPTS.edgeitems
    if summarize and not edge:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * edge:
        data = ([fmt(v) for v in a[:edge].tolist()] + [" ..."] +
                [fmt(v) for v in a[a.shape[0] - edge:].tolist()])
    else:
        data = [fmt(v) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_fmt(a, indent, summarize, f1, f2):
    nd = a.ndim
    if nd == 0:
        v = a.item()
        return _complex_str(v, f1, f2) if f2 is not None else f1.format(v)
    if nd == 1:
        return _vector_str(a, indent, summarize, f1, f2)
    edge = OPTS.edgeitems
    n = a.shape[0]
    if summarize and n > 2 * edge:
        slices = ([_tensor_str_fmt(a[i], indent + 1, summarize, f1, f2) for i in range(edge)]
                  + ["..."] +
                  [_tensor_str_fmt(a[i], indent + 1, summarize, f1, f2)
                   for i in range(n - edge, n)])
    else:
        slices = [_tensor_str_fmt(a[i], indent + 1, summarize, f1, f2) for i in range(n)]
    return "[" + ("," + "\n" * (nd - 1) + " " * (indent + 1)).join(slices) + "]"


def _host_values(t):
    a = t._host_np()
    dt = t.dtype
    if dt.is_floating_point and a.dtype not in (np.float32, np.float64):
        a = a.astype(np.float32)  # float16 / bfloat16 / float8: print through float32
    return a


def _tensor_str(t, indent):
    if t.numel() == 0:
        return "[]"
    summarize = t.numel() > OPTS.threshold
    a = _host_values(t)
    edge = OPTS.edgeitems
    if t.dtype.is_complex:
        re, im = a.real, a.imag
        if summarize:
            re, im = _summarized(re, edge), _summarized(im, edge)
        f1 = _Formatter(re.reshape(-1), True)
        f2 = _Formatter(im.reshape(-1), True)
        return _tensor_str_fmt(a, indent, summarize, f1, f2)
    vals = _summarized(a, edge) if summarize else a
    f1 = _Formatter(vals.reshape(-1), t.dtype.is_floating_point)
    return _tensor_str_fmt(a, indent, summarize, f1, None)


def _add_suffixes(s, suffixes, indent):
    parts = [s]
    last = len(s) - s.rfind("\n") + 1
    lw = OPTS.linewidth
    for suf in suffixes:
        n = len(suf)
        if last + n + 2 > lw:
            parts.append(",\n" + " " * indent + suf)
            last = indent + n
        else:
            parts.append(", " + suf)
            last += n + 2
    parts.append(")")
    return "".join(parts)


def _grad_fn_name(fn):
    name = getattr(fn, "name", None)
    if callable(name):
        try:
            n = name()
            if isinstance(n, str) and n:
                return n.rsplit("::", 1)[-1]
        except Exception:  # noqa: BLE001
            pass
    return type(fn).__name__


def tensor_repr(t, tensor_contents=None):
    from ._tensor import Tensor
    cls = type(t)
    if cls is Tensor or cls.__name__ == "Parameter":
        prefix = "tensor("
    else:
        prefix = f"{cls.__name__}("
    indent = len(prefix)
    suffixes = []
    dev = t.device
    if dev.type != "cpu":
        suffixes.append(f"device='{dev}'")
    default = D.get_default_dtype()
    default_complex = D.complex128 if default is D.float64 else D.complex64
    dt = t.dtype
    body = tensor_contents
    if dev.type == "meta":
        suffixes.append("size=" + str(tuple(t._shape)))
        if dt is not default:
            suffixes.append(f"dtype={dt}")
        if body is None:
            body = "..."
    elif t.numel() == 0:
        if len(t._shape) != 1:
            suffixes.append("size=" + str(tuple(t._shape)))
        if dt is not default:
            suffixes.append(f"dtype={dt}")
        if body is None:
            body = "[]"
    else:
        if not OPTS.edgeitems:
            suffixes.append("size=" + str(tuple(t._shape)))
        if dt not in (default, default_complex, D.int64, D.bool):
            suffixes.append(f"dtype={dt}")
        if body is None:
            body = _tensor_str(t, indent)
    gf = t.grad_fn
    if gf is not None:
        suffixes.append(f"grad_fn=<{_grad_fn_name(gf)}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
