"""The reduction op family (declarations, meta functions, public API).

Public functions normalise torch's many call forms (dim int/tuple/None, keepdim, dtype=,
unbiased/correction, ...) into one registry-level signature per op; the CPU kernels in
``_backends/cpu/reduction.py`` and the meta functions here see only that signature:

  sum/nansum/mean/nanmean/prod   (x, dims: tuple, keepdim, dtype)
  var/std/var_mean/std_mean      (x, dims: tuple, correction, keepdim)
  max/min (full)                 (x)
  max.dim/min.dim                (x, dim: int, keepdim) -> (values, indices)
  amax/amin/all/any/logsumexp    (x, dims: tuple, keepdim)
  ...
Reduced outputs are contiguous.
"""
from __future__ import annotations

import builtins
import math
import numbers

from .. import _dtype as D
from .. import return_types as RT
from .._dispatch.dispatcher import dispatch, dispatch_inplace, dispatch_out
from .._tensor import Tensor
from ._common import elementwise_strides, wrap_dim, wrap_dims
from .registry import Spec, register
from .tensor_methods import method

__all__ = [
    "sum", "nansum", "mean", "nanmean", "prod", "std", "var", "std_mean", "var_mean",
    "max", "min", "amax", "amin", "aminmax", "argmax", "argmin", "all", "any",
    "count_nonzero", "logsumexp", "norm", "dist", "cumsum", "cumprod", "cummax", "cummin",
    "logcumsumexp", "median", "nanmedian", "mode", "kthvalue", "quantile", "nanquantile",
    "sort", "argsort", "topk", "msort", "unique", "unique_consecutive", "bincount", "histc",
    "searchsorted", "bucketize",
]

_bmax, _bmin, _bsum, _ball, _bany = builtins.max, builtins.min, builtins.sum, builtins.all, \
    builtins.any

# ---------------------------------------------------------------------------------------
# shared shape / dtype logic
# ---------------------------------------------------------------------------------------


def norm_dims(dim, ndim):
    """dims tuple of a reduction: None / () / [] -> every dim."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        if len(dim) == 0:
            return tuple(range(ndim))
        return wrap_dims(tuple(dim), ndim)
    return (wrap_dim(dim, ndim),)


def reduced_shape(shape, dims, keepdim):
    if keepdim:
        return tuple(1 if i in dims else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in dims)


def _sum_dtype(dt, dtype):
    if dtype is not None:
        return dtype
    return D.int64 if dt.category <= D.INT else dt


def _float_only(name, dt, dtype=None):
    d = dtype if dtype is not None else dt
    if d.category <= D.INT:
        raise RuntimeError(f"{name}(): could not infer output dtype. Input dtype must be either "
                           f"a floating point or complex dtype. Got: {d.c10_name}")
    return d


def _no_complex(name, dt, what=None):
    if dt.is_complex:
        raise NotImplementedError(f'"{what or name}" not implemented for \'{dt.c10_name}\'')


def _check_nonempty_dims(name, x, dims):
    if x.numel() == 0:
        for d in dims:
            if x._shape and x._shape[d] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _check_full_nonempty(name, x):
    if x.numel() == 0:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() "
                           "== 0. Specify the reduction dim with the 'dim' argument.")


# ---------------------------------------------------------------------------------------
# meta functions
# ---------------------------------------------------------------------------------------

def _sum_meta(x, dims, keepdim=False, dtype=None):
    return Spec(reduced_shape(x._shape, dims, keepdim), _sum_dtype(x.dtype, dtype))


def _mean_meta_for(name):
    def meta(x, dims, keepdim=False, dtype=None):
        if name == "nanmean" and x.dtype.is_complex:
            raise RuntimeError("nansum on CPU does not support complex inputs")
        if name == "nanmean" and x.dtype.category <= D.INT:
            raise RuntimeError("nanmean(): expected input to have floating point or complex "
                               f"dtype but got {x.dtype.c10_name}")
        if name == "nanmean" and dtype is not None and dtype.category <= D.INT:
            raise RuntimeError("nanmean(): could not infer output dtype. Optional dtype must "
                               f"be either a floating point or complex dtype. Got: "
                               f"{dtype.c10_name}")
        d = _float_only(name, x.dtype, dtype)
        return Spec(reduced_shape(x._shape, dims, keepdim), d)
    return meta


def _var_check(x):
    if x.dtype.category <= D.INT:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    return x.dtype.to_real()


def _var_meta(x, dims, correction=1, keepdim=False):
    return Spec(reduced_shape(x._shape, dims, keepdim), _var_check(x))


def _var_mean_meta(x, dims, correction=1, keepdim=False):
    r = _var_check(x)
    shape = reduced_shape(x._shape, dims, keepdim)
    return (Spec(shape, r), Spec(shape, x.dtype))


def _full_minmax_meta_for(name):
    def meta(x):
        _no_complex(name, x.dtype, f"{name}_all")
        _check_full_nonempty(name, x)
        return Spec((), x.dtype)
    return meta


def _dim_minmax_meta_for(name):
    """(values, indices) along one dim: max.dim, min.dim, median.dim, nanmedian.dim, mode."""
    def meta(x, dim, keepdim=False):
        _no_complex(name, x.dtype, f"{name}_cpu")
        if x.dtype is D.bool and name in ("median", "nanmedian"):
            raise NotImplementedError(f"'{name}_out' not implemented for 'Bool'")
        dims = (wrap_dim(dim, x.ndim),)
        _check_nonempty_dims(name, x, dims)
        shape = reduced_shape(x._shape, dims, keepdim)
        return (Spec(shape, x.dtype), Spec(shape, D.int64))
    return meta


def _amax_meta_for(name):
    def meta(x, dims, keepdim=False):
        _no_complex(name, x.dtype, f"{name[1:]}_values_cpu")
        if x.numel() == 0:
            _check_nonempty_dims(name, x, dims)
        return Spec(reduced_shape(x._shape, dims, keepdim), x.dtype)
    return meta


def _aminmax_meta(x, dim=None, keepdim=False):
    _no_complex("aminmax", x.dtype, "aminmax_cpu")
    if x.numel() == 0 and dim is None:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    if x.numel() == 0 and x.ndim and x._shape[wrap_dim(dim, x.ndim)] == 0:
        d = wrap_dim(dim, x.ndim)   # with a dim, torch reports it like the other reductions
        raise IndexError(f"aminmax: Expected reduction dim {d} to have non-zero size.")
    if dim is None:
        shape = (1,) * x.ndim if keepdim else ()
    else:
        shape = reduced_shape(x._shape, (wrap_dim(dim, x.ndim),), keepdim)
    return (Spec(shape, x.dtype), Spec(shape, x.dtype))


def _argmax_meta_for(name):
    def meta(x, dim=None, keepdim=False):
        if x.dtype is D.bool:
            raise RuntimeError(f"{name}(): does not support bool input")
        _no_complex(name, x.dtype, f"{name}_cpu")
        if dim is None:
            if x.numel() == 0:
                raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                                 "input.numel() == 0.")
            shape = (1,) * x.ndim if keepdim else ()
        else:
            dims = (wrap_dim(dim, x.ndim),)
            _check_nonempty_dims(name, x, dims)
            shape = reduced_shape(x._shape, dims, keepdim)
        return Spec(shape, D.int64)
    return meta


def _all_meta(x, dims, keepdim=False):
    return Spec(reduced_shape(x._shape, dims, keepdim),
                D.uint8 if x.dtype is D.uint8 else D.bool)


def _count_nonzero_meta(x, dims):
    return Spec(reduced_shape(x._shape, dims, False), D.int64)


def _logsumexp_meta(x, dims, keepdim=False):
    dt = D.get_default_dtype() if x.dtype.category <= D.INT else x.dtype
    return Spec(reduced_shape(x._shape, dims, keepdim), dt)


def _norm_dtype(x, dtype):
    d = dtype if dtype is not None else x.dtype
    if x.dtype.category <= D.INT:
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {x.dtype.c10_name}")
    return d.to_real()


def _vector_norm_meta(x, ord, dims, keepdim=False, dtype=None):
    d = _norm_dtype(x, dtype)
    if x.numel() == 0 and (ord == math.inf or ord < 0):
        if _bany(x._shape[i] == 0 for i in dims) or not dims:
            raise RuntimeError("linalg.vector_norm cannot compute the inf norm on an empty "
                               "tensor because the operation does not have an identity")
    return Spec(reduced_shape(x._shape, dims, keepdim), d)


def _matrix_norm_meta(x, ord, dims, keepdim=False, dtype=None):
    if x.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    d = _norm_dtype(x, dtype)
    if ord in ("nuc", 2.0, -2.0) and d in (D.float16, D.bfloat16):
        raise RuntimeError(f"linalg.matrix_norm: Low precision dtypes not supported. Got "
                           f"{d.c10_name}")
    return Spec(reduced_shape(x._shape, dims, keepdim), d)


def _cumsum_meta(x, dim, dtype=None):
    wrap_dim(dim, x.ndim)
    return Spec(x._shape, _sum_dtype(x.dtype, dtype))


def _cummax_meta_for(name):
    def meta(x, dim):
        wrap_dim(dim, x.ndim)
        _no_complex(name, x.dtype, f"{name}_cpu")
        return (Spec(x._shape, x.dtype), Spec(x._shape, D.int64))
    return meta


def _logcumsumexp_meta(x, dim):
    wrap_dim(dim, x.ndim)
    if x.dtype.category <= D.INT:
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for "
                                  f"'{x.dtype.c10_name}'")
    return Spec(x._shape, x.dtype)


def _median_meta_for(name):
    def meta(x):
        _no_complex(name, x.dtype, f"{name}_cpu")
        if x.dtype is D.bool:
            raise NotImplementedError(f"'{name}_cpu' not implemented for 'Bool'")
        return Spec((), x.dtype)
    return meta


def _kthvalue_meta(x, k, dim=-1, keepdim=False):
    d = wrap_dim(dim, x.ndim)
    if x.dtype is D.bool or x.dtype.is_complex:
        raise NotImplementedError(f"'kthvalue_cpu' not implemented for '{x.dtype.c10_name}'")
    n = x._shape[d] if x.ndim else 1
    _check_nonempty_dims("kthvalue", x, (d,))
    if x.numel() and not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    shape = reduced_shape(x._shape, (d,), keepdim)
    return (Spec(shape, x.dtype), Spec(shape, D.int64))


def _quantile_meta_for(name):
    def meta(x, q, dim=None, keepdim=False, interpolation="linear"):
        if x.dtype not in (D.float32, D.float64):
            raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
        if x.numel() == 0:
            raise RuntimeError(f"{name}() input tensor must be non-empty")
        if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
            raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, "
                               f"midpoint or nearest. Got {interpolation}")
        if isinstance(q, Tensor):
            if q.ndim > 1:
                raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
            if q.dtype is not x.dtype:
                raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
            qshape = q._shape
        else:
            if not 0 <= q <= 1:
                raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
            qshape = ()
        if dim is None:
            shape = (1,) * x.ndim if keepdim else ()
        else:
            shape = reduced_shape(x._shape, (wrap_dim(dim, x.ndim),), keepdim)
        return Spec(qshape + shape, x.dtype)
    return meta


def _sort_meta(x, dim=-1, descending=False, stable=False):
    wrap_dim(dim, x.ndim)
    if x.dtype.is_complex:
        raise RuntimeError(" Sort does not support complex dtypes on CPU")
    st = elementwise_strides(x._shape, [(x._shape, x._stride)])
    return (Spec(x._shape, x.dtype, st), Spec(x._shape, D.int64, st))


def _topk_meta(x, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    d = wrap_dim(dim, x.ndim)
    n = x._shape[d] if x.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    _no_complex("topk", x.dtype, "topk_cpu")
    if x.dtype is D.bool:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    shape = tuple(k if i == d else s for i, s in enumerate(x._shape))
    return (Spec(shape, x.dtype), Spec(shape, D.int64))


def _data_dependent_meta_for(name):
    def meta(*args, **kwargs):
        raise NotImplementedError(f"Could not run 'aten::{name}' with arguments from the "
                                  "'Meta' backend: its output shape depends on the data.")
    return meta


def _histc_meta(x, bins=100, min=0, max=0):  # noqa: A002
    if x.dtype.category <= D.INT or x.dtype.is_complex:
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{x.dtype.c10_name}'")
    if bins <= 0:
        raise RuntimeError("torch.histc(): bins must be > 0, but got " + str(bins))
    return Spec((bins,), x.dtype)


def _searchsorted_meta(seq, x, out_int32=False, right=False, sorter=None):
    if seq.ndim != 1 and seq._shape[:-1] != x._shape[:-1]:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the "
                           "first N-1 dimensions of boundaries tensor and input value tensor "
                           f"must match, but we got boundaries tensor {list(seq._shape)} and "
                           f"input value tensor {list(x._shape)}")
    if seq.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive "
                           "dimension, but got 0 dimension")
    return Spec(x._shape, D.int32 if out_int32 else D.int64)


# ---------------------------------------------------------------------------------------
# declarations
# ---------------------------------------------------------------------------------------

def _reg(name, meta, **tags):
    return register(name, meta, family="reduction", **tags)


SUM = _reg("sum", _sum_meta)
NANSUM = _reg("nansum", _sum_meta)
PROD = _reg("prod", _sum_meta)
MEAN = _reg("mean", _mean_meta_for("mean"))
NANMEAN = _reg("nanmean", _mean_meta_for("nanmean"))
VAR = _reg("var", _var_meta)
STD = _reg("std", _var_meta)
VAR_MEAN = _reg("var_mean", _var_mean_meta)
STD_MEAN = _reg("std_mean", _var_mean_meta)
MAX = _reg("max", _full_minmax_meta_for("max"))
MIN = _reg("min", _full_minmax_meta_for("min"))
MAX_DIM = _reg("max.dim", _dim_minmax_meta_for("max"))
MIN_DIM = _reg("min.dim", _dim_minmax_meta_for("min"))
AMAX = _reg("amax", _amax_meta_for("amax"))
AMIN = _reg("amin", _amax_meta_for("amin"))
AMINMAX = _reg("aminmax", _aminmax_meta)
ARGMAX = _reg("argmax", _argmax_meta_for("argmax"), nondiff=True)
ARGMIN = _reg("argmin", _argmax_meta_for("argmin"), nondiff=True)
ALL = _reg("all", _all_meta, nondiff=True)
ANY = _reg("any", _all_meta, nondiff=True)
COUNT_NONZERO = _reg("count_nonzero", _count_nonzero_meta, nondiff=True)
LOGSUMEXP = _reg("logsumexp", _logsumexp_meta)
VECTOR_NORM = _reg("linalg_vector_norm", _vector_norm_meta)
MATRIX_NORM = _reg("linalg_matrix_norm", _matrix_norm_meta)
CUMSUM = _reg("cumsum", _cumsum_meta)
CUMPROD = _reg("cumprod", _cumsum_meta)
CUMMAX = _reg("cummax", _cummax_meta_for("cummax"))
CUMMIN = _reg("cummin", _cummax_meta_for("cummin"))
LOGCUMSUMEXP = _reg("logcumsumexp", _logcumsumexp_meta)
MEDIAN = _reg("median", _median_meta_for("median"))
NANMEDIAN = _reg("nanmedian", _median_meta_for("nanmedian"))
MEDIAN_DIM = _reg("median.dim", _dim_minmax_meta_for("median"))
NANMEDIAN_DIM = _reg("nanmedian.dim", _dim_minmax_meta_for("nanmedian"))
MODE = _reg("mode", _dim_minmax_meta_for("mode"))
KTHVALUE = _reg("kthvalue", _kthvalue_meta)
QUANTILE = _reg("quantile", _quantile_meta_for("quantile"))
NANQUANTILE = _reg("nanquantile", _quantile_meta_for("nanquantile"))
SORT = _reg("sort", _sort_meta)
TOPK = _reg("topk", _topk_meta)
UNIQUE = _reg("unique", _data_dependent_meta_for("_unique2"), nondiff=True)
UNIQUE_CONSECUTIVE = _reg("unique_consecutive", _data_dependent_meta_for("unique_consecutive"),
                          nondiff=True)
BINCOUNT = _reg("bincount", _data_dependent_meta_for("bincount"), nondiff=True)
HISTC = _reg("histc", _histc_meta, nondiff=True)
SEARCHSORTED = _reg("searchsorted", _searchsorted_meta, nondiff=True)


# ---------------------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------------------

def _run(op, out, *args):
    if out is None:
        return dispatch(op, *args)
    return dispatch_out(op, out, *args)


def _check_dtype_arg(dtype):
    if dtype is not None and not isinstance(dtype, D.dtype):
        raise TypeError(f"argument 'dtype' must be torch.dtype, not {type(dtype).__name__}")


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A001
    _check_dtype_arg(dtype)
    return _run(SUM, out, input, norm_dims(dim, input.ndim), keepdim, dtype)


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    _check_dtype_arg(dtype)
    if input.dtype.is_complex:
        raise RuntimeError("nansum does not support complex inputs")
    return _run(NANSUM, out, input, norm_dims(dim, input.ndim), keepdim, dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    _check_dtype_arg(dtype)
    return _run(MEAN, out, input, norm_dims(dim, input.ndim), keepdim, dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    _check_dtype_arg(dtype)
    return _run(NANMEAN, out, input, norm_dims(dim, input.ndim), keepdim, dtype)


def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    _check_dtype_arg(dtype)
    if dim is not None and not isinstance(dim, numbers.Integral):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    return _run(PROD, out, input, norm_dims(dim, input.ndim), keepdim, dtype)


def _correction(name, dim, unbiased, correction, keepdim):
    """torch's std/var overloads -> (dim, correction, keepdim)."""
    if isinstance(dim, bool):  # var(input, unbiased)
        unbiased, dim = dim, None
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got both "
                        "unbiased and correction")
    if correction is None:
        correction = 0 if unbiased is False else 1
    return dim, correction, keepdim


def _var_like(op, name, input, dim, unbiased, keepdim, correction, out):
    dim, corr, keepdim = _correction(name, dim, unbiased, correction, keepdim)
    return _run(op, out, input, norm_dims(dim, input.ndim), corr, keepdim)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return _var_like(VAR, "var", input, dim, unbiased, keepdim, correction, out)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return _var_like(STD, "std", input, dim, unbiased, keepdim, correction, out)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return tuple(_var_like(VAR_MEAN, "var_mean", input, dim, unbiased, keepdim, correction, out))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return tuple(_var_like(STD_MEAN, "std_mean", input, dim, unbiased, keepdim, correction, out))


def _minmax(full_op, dim_op, binary, name, input, dim, keepdim, out):
    if dim is None:
        if keepdim:
            raise TypeError(f"{name}() received an invalid combination of arguments - got "
                            "(keepdim=bool) without dim")
        return _run(full_op, out, input)
    if isinstance(dim, Tensor):
        from . import elementwise as E
        return getattr(E, binary)(input, dim, out=out)
    r = _run(dim_op, out, input, dim, keepdim)
    return getattr(RT, name)(r)


def max(input, dim=None, keepdim=False, *, out=None):  # noqa: A001
    return _minmax(MAX, MAX_DIM, "maximum", "max", input, dim, keepdim, out)


def min(input, dim=None, keepdim=False, *, out=None):  # noqa: A001
    return _minmax(MIN, MIN_DIM, "minimum", "min", input, dim, keepdim, out)


def _amax_like(op, name, input, dim, keepdim, out):
    if dim in ((), [], None):
        _check_full_nonempty(name, input)
    return _run(op, out, input, norm_dims(dim, input.ndim), keepdim)


def amax(input, dim=(), keepdim=False, *, out=None):
    return _amax_like(AMAX, "amax", input, dim, keepdim, out)


def amin(input, dim=(), keepdim=False, *, out=None):
    return _amax_like(AMIN, "amin", input, dim, keepdim, out)


def aminmax(input, *, dim=None, keepdim=False, out=None):
    return RT.aminmax(_run(AMINMAX, out, input, dim, keepdim))


def argmax(input, dim=None, keepdim=False, *, out=None):
    return _run(ARGMAX, out, input, dim, keepdim)


def argmin(input, dim=None, keepdim=False, *, out=None):
    return _run(ARGMIN, out, input, dim, keepdim)


def all(input, dim=None, keepdim=False, *, out=None):  # noqa: A001
    return _run(ALL, out, input, norm_dims(dim, input.ndim), keepdim)


def any(input, dim=None, keepdim=False, *, out=None):  # noqa: A001
    return _run(ANY, out, input, norm_dims(dim, input.ndim), keepdim)


def count_nonzero(input, dim=None):
    return dispatch(COUNT_NONZERO, input, norm_dims(dim, input.ndim))


def logsumexp(input, dim, keepdim=False, *, out=None):
    return _run(LOGSUMEXP, out, input, norm_dims(dim, input.ndim), keepdim)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """torch.linalg.vector_norm (exported by the linalg namespace)."""
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: ord must be a number, got {ord}")
    return _run(VECTOR_NORM, out, x, float(ord), norm_dims(dim, x.ndim), keepdim, dtype)


_MATRIX_ORDS = ("fro", "nuc", math.inf, -math.inf, 1, -1, 2, -2)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """torch.linalg.matrix_norm (exported by the linalg namespace)."""
    if ord not in _MATRIX_ORDS:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    dims = wrap_dims(tuple(dim), A.ndim)
    if len(dims) != 2:
        raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got " + str(list(dim)))
    o = ord if isinstance(ord, str) else float(ord)
    return _run(MATRIX_NORM, out, A, o, dims, keepdim, dtype)


def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """torch.linalg.norm (exported by the linalg namespace)."""
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) == 2 or (dim is None and ord is not None and A.ndim == 2):
        return matrix_norm(A, "fro" if ord is None else ord, (-2, -1) if dim is None else dim,
                           keepdim, dtype=dtype, out=out)
    if ord is not None and dim is None and A.ndim != 1:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be "
                           f"1D or 2D. Got {A.ndim}D.")
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.norm: If dim is specified, it mut be of length 2. Got {dim}")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    if isinstance(dim, int):
        dim = (dim,)
    if isinstance(p, str):
        if p == "fro" and (dim is None or len(dim) <= 2):
            return vector_norm(input, 2, dim, keepdim, dtype=dtype, out=out)
        if p == "nuc":
            if dim is None and input.ndim != 2:
                raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got "
                                   + " ".join(str(i) for i in range(input.ndim)))
            return matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim,
                               dtype=dtype, out=out)
        raise RuntimeError(f"norm(): unsupported p={p!r} with dim={dim}")
    return vector_norm(input, 2 if p is None else p, dim, keepdim, dtype=dtype, out=out)


def dist(input, other, p=2):
    from . import elementwise as E
    return vector_norm(E.sub(input, other), p)


def cumsum(input, dim, *, dtype=None, out=None):
    _check_dtype_arg(dtype)
    return _run(CUMSUM, out, input, dim, dtype)


def cumprod(input, dim, *, dtype=None, out=None):
    _check_dtype_arg(dtype)
    return _run(CUMPROD, out, input, dim, dtype)


def cummax(input, dim, *, out=None):
    return RT.cummax(_run(CUMMAX, out, input, dim))


def cummin(input, dim, *, out=None):
    return RT.cummin(_run(CUMMIN, out, input, dim))


def logcumsumexp(input, dim, *, out=None):
    return _run(LOGCUMSUMEXP, out, input, dim)


def median(input, dim=None, keepdim=False, *, out=None):
    if dim is None:
        return _run(MEDIAN, out, input)
    return RT.median(_run(MEDIAN_DIM, out, input, dim, keepdim))


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    if dim is None:
        return _run(NANMEDIAN, out, input)
    return RT.nanmedian(_run(NANMEDIAN_DIM, out, input, dim, keepdim))


def mode(input, dim=-1, keepdim=False, *, out=None):
    return RT.mode(_run(MODE, out, input, dim, keepdim))


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    return RT.kthvalue(_run(KTHVALUE, out, input, k, dim, keepdim))


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _run(QUANTILE, out, input, q, dim, keepdim, interpolation)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _run(NANQUANTILE, out, input, q, dim, keepdim, interpolation)


def sort(input, dim=-1, descending=False, *, stable=False, out=None):
    if isinstance(dim, bool):  # sort(input, descending) is not torch's API; keep dim an int
        raise TypeError("sort(): argument 'dim' must be int, not bool")
    return RT.sort(_run(SORT, out, input, dim, descending, bool(stable)))


def argsort(input, dim=-1, descending=False, stable=False):
    return dispatch(SORT, input, dim, descending, bool(stable))[1]


def msort(input, *, out=None):
    r = dispatch(SORT, input, 0, False, False)[0]
    if out is not None:
        from .._dispatch.dispatcher import _write_out
        _write_out(out, r)
        return out
    return r


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):  # noqa: A002
    return RT.topk(_run(TOPK, out, input, k, dim, largest, sorted))


def _unique_result(u, inv, cnt, return_inverse, return_counts):
    """The kernels return all three; torch returns only the requested ones."""
    extra = ((inv,) if return_inverse else ()) + ((cnt,) if return_counts else ())
    return (u,) + extra if extra else u


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    r = dispatch(UNIQUE, input, sorted, return_inverse, return_counts, dim)
    return _unique_result(*r, return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    r = dispatch(UNIQUE_CONSECUTIVE, input, return_inverse, return_counts, dim)
    return _unique_result(*r, return_inverse, return_counts)


def bincount(input, weights=None, minlength=0):
    return dispatch(BINCOUNT, input, weights, minlength)


def histc(input, bins=100, min=0, max=0, *, out=None):  # noqa: A002
    return _run(HISTC, out, input, bins, min, max)


def _as_tensor_like(v, ref):
    if isinstance(v, Tensor):
        return v
    from .creation import tensor
    return tensor(v)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None, out=None):
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but "
                               f"got {side}")
        if side == "left" and right:
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, "
                               "got side of left while right was True")
        right = side == "right"
    input = _as_tensor_like(input, sorted_sequence)
    return _run(SEARCHSORTED, out, sorted_sequence, input, out_int32, right, sorter)


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    if boundaries.ndim != 1:
        raise RuntimeError("boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries.ndim})")
    input = _as_tensor_like(input, boundaries)
    return _run(SEARCHSORTED, out, boundaries, input, out_int32, right, None)


# ---------------------------------------------------------------------------------------
# Tensor methods
# ---------------------------------------------------------------------------------------

for _f in (sum, nansum, mean, nanmean, prod, std, var, max, min, amax, amin, aminmax,
           argmax, argmin, all, any, count_nonzero, logsumexp, norm, dist, cumsum, cumprod,
           cummax, cummin, logcumsumexp, median, nanmedian, mode, kthvalue, quantile,
           nanquantile, sort, argsort, topk, msort, unique_consecutive, bincount, histc):
    method(_f)


def _unique_method(self, sorted=True, return_inverse=False, return_counts=False,  # noqa: A002
                   dim=None):
    return unique(self, sorted, return_inverse, return_counts, dim)


method(_unique_method, name="unique")


def _cumsum_(self, dim, *, dtype=None):
    return dispatch_inplace(CUMSUM, self, dim, dtype)


def _cumprod_(self, dim, *, dtype=None):
    return dispatch_inplace(CUMPROD, self, dim, dtype)


method(_cumsum_, name="cumsum_")
method(_cumprod_, name="cumprod_")
