"""Less common torch functions and Tensor methods, mostly composites of existing ops.

Being composites, they run on every device and get autograd from the ops they call.  Three
ops need a kernel of their own and are registered here (CPU kernels in
``_backends/cpu/extra.py``, formulas in ``_autograd/formulas/extra.py``): igamma and igammac
(regularized incomplete gamma functions, SciPy) and frexp (mantissa/exponent split).

Also generated here from tables: the ``*_copy`` variants of the view ops and the top-level
in-place functions (``torch.abs_`` ...), which forward to the Tensor methods.
"""
from __future__ import annotations

import math
import warnings
from collections import namedtuple as _nt

import mindtorch_v2 as T  # partially initialised here: only attributes read at call time

from .. import _dtype as D
from .._dispatch.dispatcher import dispatch, dispatch_out
from .._storage import TypedStorage, UntypedStorage
from .._tensor import Tensor, _as_subclass, _is_contiguous, contiguous_strides
from ._common import finish_out, sort_dims, wrap_dim
from .elementwise import FLOATNC, binary_meta_for, promote_args
# the LU section lives in lu.py; re-exported so ``extra.<name>`` and ``torch.<name>`` stay
from .lu import (LU_FACTOR, linalg_householder_product, linalg_lu,  # noqa: F401
                 linalg_lu_factor, linalg_lu_factor_ex, linalg_lu_solve,
                 linalg_solve_triangular, lu, lu_checks, lu_solve, lu_unpack, orgqr,
                 triangular_solve)
from .registry import Spec, register
from .tensor_methods import method

__all__ = [
    "is_nonzero", "is_same_size", "is_signed", "is_conj", "is_neg", "resolve_conj",
    "resolve_neg", "detach", "split_with_sizes", "unsafe_chunk", "unsafe_split",
    "unsafe_split_with_sizes", "narrow_copy", "as_strided_", "renorm", "index_reduce",
    "mvlgamma", "ldexp", "ldexp_", "frexp", "igamma", "igammac", "diff", "histogram",
    "histogramdd", "isin", "cov", "corrcoef", "trapezoid", "trapz", "cumulative_trapezoid",
    "vander", "unravel_index", "hann_window", "hamming_window", "blackman_window",
    "bartlett_window", "kaiser_window", "stft", "istft", "select_scatter", "slice_scatter",
    "diagonal_scatter", "as_strided_scatter", "resize_as_", "lu", "lu_unpack", "lu_solve",
    "triangular_solve", "orgqr",
]


def _shape_args(size):
    """``f(2, 3)`` / ``f((2, 3))`` / ``f(Size)`` -> a tuple of ints."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    return tuple(int(s) for s in size)


# ---------------------------------------------------------------------------------------
# Tensor.new_* constructors: the input's dtype and device unless given
# ---------------------------------------------------------------------------------------

def _new_factory(fn_name):
    def new_fn(self, *size, dtype=None, device=None, requires_grad=False, layout=None,
               pin_memory=False):
        return getattr(T, fn_name)(_shape_args(size), dtype=dtype or self.dtype,
                                   device=device or self.device, requires_grad=requires_grad)
    new_fn.__name__ = "new_" + fn_name
    new_fn.__doc__ = f"A tensor like ``torch.{fn_name}(size)`` with this tensor's dtype/device."
    return new_fn


for _n in ("zeros", "ones", "empty"):
    method(_new_factory(_n), name="new_" + _n)


@method
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False,
             layout=None, pin_memory=False):
    """``torch.full(size, fill_value)`` with this tensor's dtype and device by default."""
    return T.full(_shape_args((size,)), fill_value, dtype=dtype or self.dtype,
                  device=device or self.device, requires_grad=requires_grad)


@method
def new_empty_strided(self, size, stride, *, dtype=None, device=None, requires_grad=False,
                      layout=None, pin_memory=False):
    """``torch.empty_strided`` with this tensor's dtype and device by default."""
    return T.empty_strided(size, stride, dtype=dtype or self.dtype,
                           device=device or self.device, requires_grad=requires_grad)


@method
def new(self, *args, device=None):
    """Legacy constructor: ``new()`` empty, ``new(*sizes)``, ``new(data)``, same dtype."""
    dev = device or self.device
    if not args:
        return T.empty(0, dtype=self.dtype, device=dev)
    if len(args) == 1 and isinstance(args[0], Tensor):  # an alias of that tensor
        src = args[0]
        if src.dtype is not self.dtype:
            raise TypeError(f"expected {self.dtype} (got {src.dtype})")
        return src.detach()
    if all(isinstance(a, int) and not isinstance(a, bool) for a in args) or (
            len(args) == 1 and isinstance(args[0], T.Size)):
        return T.empty(_shape_args(args), dtype=self.dtype, device=dev)
    if len(args) == 1:
        return T.tensor(args[0], dtype=self.dtype, device=dev)
    raise TypeError("new(): invalid arguments")


@method
def as_subclass(self, cls):
    """This tensor's data (shared) seen as an instance of Tensor subclass ``cls``."""
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError(f"as_subclass(): argument 'cls' must be a subclass of Tensor, not "
                        f"{cls!r}")
    return _as_subclass(self, cls)


# ---------------------------------------------------------------------------------------
# Python-callable maps (CPU only, like torch)
# ---------------------------------------------------------------------------------------

def _cpu_only(self, name):
    if self.device.type != "cpu":
        raise TypeError(f"{name} is only implemented on CPU tensors")


def _store(self, values):
    """Write Python values (flat, in row-major order) back into ``self``."""
    self.copy_(T.tensor(values, dtype=self.dtype).reshape(self.shape))
    return self


@method
def apply_(self, callable):  # noqa: A002
    """Replace every element by ``callable(element)`` (CPU only, slow)."""
    _cpu_only(self, "apply_")
    return _store(self, [callable(v) for v in self.reshape(-1).tolist()])


@method
def map_(self, tensor, callable):  # noqa: A002
    """Replace every element x by ``callable(x, y)``, y from ``tensor`` broadcast to self."""
    _cpu_only(self, "map_")
    other = tensor.expand(self.shape).reshape(-1).tolist()
    return _store(self, [callable(a, b) for a, b in zip(self.reshape(-1).tolist(), other)])


@method
def map2_(self, x, y, callable):  # noqa: A002
    """Replace every element a by ``callable(a, b, c)``, b/c from ``x``/``y`` broadcast."""
    _cpu_only(self, "map2_")
    xs = x.expand(self.shape).reshape(-1).tolist()
    ys = y.expand(self.shape).reshape(-1).tolist()
    return _store(self, [callable(a, b, c) for a, b, c in
                         zip(self.reshape(-1).tolist(), xs, ys)])


# ---------------------------------------------------------------------------------------
# predicates and metadata
# ---------------------------------------------------------------------------------------

def is_nonzero(input):
    """The truth of a one-element tensor (RuntimeError otherwise)."""
    n = input.numel()
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


def is_same_size(input, other):
    return tuple(input._shape) == tuple(other._shape)


def _forward(name):
    """torch.<name>(input) == input.<name>()."""
    def fn(input):
        return getattr(input, name)()
    fn.__name__ = name
    return fn


is_signed, is_conj, is_neg, resolve_conj, resolve_neg, detach = (_forward(n) for n in (
    "is_signed", "is_conj", "is_neg", "resolve_conj", "resolve_neg", "detach"))

method(is_nonzero, name="is_nonzero")
method(is_same_size, name="is_same_size")


@method
def is_inference(self):
    """Always False: inference_mode does not mark tensors in mindtorch_v2."""
    return False


@method
def is_set_to(self, tensor):
    """True when both tensors use the same storage, offset, sizes and strides."""
    if self.device != tensor.device or self._shape != tensor._shape or \
            self._stride != tensor._stride or self._offset != tensor._offset:
        return False
    a = self._storage or self._ensure_storage()
    b = tensor._storage or tensor._ensure_storage()
    return a is b or (a.device.type != "meta" and a.data_ptr() == b.data_ptr())


@method
def storage_type(self):
    """The class of ``self.storage()`` (torch returns e.g. torch.FloatStorage)."""
    return TypedStorage


@method
def const_data_ptr(self):
    return self.data_ptr()


@method
def dim_order(self, *, ambiguity_check=False):
    """Dimensions from outermost to innermost in memory (by decreasing stride)."""
    if ambiguity_check and not isinstance(ambiguity_check, bool):
        raise NotImplementedError("ambiguity_check as a list of memory formats is not "
                                  "supported")
    st = self._stride
    if ambiguity_check:
        if any(a == b for a, b in zip(st, st[1:])) or 1 in self._shape:
            raise RuntimeError("The tensor does not have unique dim order, or cannot map to "
                               "exact one of the given memory formats.")
    return tuple(_dim_order(tuple(self._shape), st))


def _dim_order(shape, st):
    """torch's logical-to-physical permutation: natural order when contiguous, NHWC order
    when channels-last, else an insertion sort by stride that leaves ambiguous pairs (zero
    strides, equal strides of equal sizes) in place."""
    nd = len(shape)
    if nd < 2:
        return list(range(nd))
    contig = _is_contiguous(shape, st)
    cl = nd == 4 and _is_contiguous(shape, st, T.channels_last)
    if contig and not cl:
        return list(range(nd))
    if cl and not contig:
        return [0, 2, 3, 1]

    def ge(a, b):
        return b == 0 or (a != 0 and (a >= b or a % b == 0))

    def cmp(a, b):  # > 0: dim a is inner to dim b
        sa, sb = st[a], st[b]
        if sa == 0 or sb == 0:
            return 0
        if sa == sb:
            return 0 if ge(shape[b], shape[a]) else 1
        return -1 if ge(sb, sa) else 1

    return sort_dims(nd, cmp)[::-1]  # sorted innermost-first: outermost first for dim_order


@method
def chalf(self, memory_format=None):
    """torch.complex32 (ComplexHalf) does not exist in mindtorch_v2."""
    raise RuntimeError("chalf(): complex32 (ComplexHalf) is not supported by mindtorch_v2")


# ---------------------------------------------------------------------------------------
# deprecated resize forms, set_
# ---------------------------------------------------------------------------------------

@method
def resize(self, *sizes):
    """Deprecated non-inplace resize: a reshape to ``sizes`` (same number of elements)."""
    warnings.warn("non-inplace resize is deprecated")
    shape = _shape_args(sizes)
    n = math.prod(shape)
    if n != self.numel():
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {self.numel()}")
    return self.contiguous().view(shape)


@method
def resize_as(self, tensor):
    """Deprecated non-inplace resize_as: ``self.resize(tensor.size())``."""
    warnings.warn("non-inplace resize_as is deprecated")
    return resize(self, tensor.shape)


def resize_as_(input, the_template, *, memory_format=None):
    return input.resize_as_(the_template)


def _set_meta(self, storage, offset, shape, stride, dtype=None):
    if dtype is not None and dtype is not self.dtype:
        raise RuntimeError(f"Expected object of scalar type {self.dtype.c10_name} but got "
                           f"scalar type {dtype.c10_name} for argument 'source'")
    self._storage = storage
    self._np = None
    self._shape = tuple(shape)
    self._stride = tuple(stride)
    self._offset = offset
    self.device = storage.device
    self._bump_version()
    return self


@method
def set_(self, source=None, storage_offset=0, size=None, stride=None):
    """Make this tensor use ``source``'s memory: a tensor's (with its metadata), or a
    storage's from ``storage_offset`` with ``size``/``stride`` (1-D whole storage by default);
    no source: an empty storage."""
    if source is None:
        return _set_meta(self, UntypedStorage(0, device=self.device), 0, (0,), (1,))
    if isinstance(source, Tensor):
        st = source._storage or source._ensure_storage()
        return _set_meta(self, st, source._offset, source._shape, source._stride,
                         source.dtype)
    dtype = None
    if isinstance(source, TypedStorage):
        dtype = source.dtype
        source = source.untyped()
    if not isinstance(source, UntypedStorage):
        raise TypeError(f"set_(): argument 'source' must be Tensor or Storage, not "
                        f"{type(source).__name__}")
    if size is None:
        size = (source.nbytes() // self.dtype.itemsize - storage_offset,)
    size = tuple(size)
    stride = contiguous_strides(size) if stride is None else tuple(stride)
    need = 1 + sum((a - 1) * b for a, b in zip(size, stride)) if all(size) else 0
    if need and (storage_offset + need) * self.dtype.itemsize > source.nbytes():
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {storage_offset}, and itemsize {self.dtype.itemsize} "
                           f"requiring a storage size of "
                           f"{(storage_offset + need) * self.dtype.itemsize} are out of bounds "
                           f"for storage of size {source.nbytes()}")
    return _set_meta(self, source, storage_offset, size, stride, dtype)


# ---------------------------------------------------------------------------------------
# splitting / reductions to a size
# ---------------------------------------------------------------------------------------

@method
def sum_to_size(self, *size):
    """Sum this tensor down to ``size`` (``size`` must be expandable to self's shape)."""
    shape = _shape_args(size)
    own = tuple(self._shape)
    lead = len(own) - len(shape)
    if lead < 0 or any(s != 1 and s != o for s, o in zip(shape, own[lead:])):
        raise RuntimeError(f"size {{{', '.join(map(str, shape))}}} is not expandable to size "
                           f"{{{', '.join(map(str, own))}}}.")
    r = self
    if lead:
        r = r.sum(tuple(range(lead)))
    dims = tuple(i for i, (s, o) in enumerate(zip(shape, own[lead:])) if s == 1 and o != 1)
    if dims:
        r = r.sum(dims, keepdim=True)
    return r


def split_with_sizes(input, split_sizes, dim=0):
    """Split into pieces of the given sizes along ``dim`` (views)."""
    return T.split(input, list(split_sizes), dim)


# the unsafe_* forms differ from the safe ones only in autograd view tracking in torch
def unsafe_split(input, split_size, dim=0):
    return T.split(input, split_size, dim)


unsafe_split_with_sizes = split_with_sizes


def unsafe_chunk(input, chunks, dim=0):
    return T.chunk(input, chunks, dim)


def narrow_copy(input, dim, start, length):
    """A contiguous copy of ``narrow(input, dim, start, length)``."""
    return T.narrow(input, dim, start, length).clone(memory_format=T.contiguous_format)


def _split_with_sizes_m(self, split_sizes, dim=0):
    return split_with_sizes(self, split_sizes, dim)


method(_split_with_sizes_m, name="split_with_sizes")
method(unsafe_split, name="unsafe_split")
method(unsafe_split_with_sizes, name="unsafe_split_with_sizes")
method(unsafe_chunk, name="unsafe_chunk")
method(narrow_copy, name="narrow_copy")


# ---------------------------------------------------------------------------------------
# in-place metadata ops: the tensor takes the layout of a view of itself
# ---------------------------------------------------------------------------------------

def _restride(self, view):
    """Give ``self`` the shape/stride/offset (and autograd history) of ``view``."""
    from .._autograd.layer import _check_inplace_allowed
    if T.is_grad_enabled() and self._requires_grad:
        _check_inplace_allowed(self)
    self._shape = view._shape
    self._stride = view._stride
    self._offset = view._offset
    self._storage = view._storage
    self._np = None
    if view.grad_fn is not None:
        self.grad_fn = view.grad_fn
        self._ag = view._ag
    self._bump_version()
    return self


def as_strided_(input, size, stride, storage_offset=None):
    return _restride(input, T.as_strided(input, size, stride, storage_offset))


_RESTRIDE = {
    "squeeze_": lambda self, dim=None: T.squeeze(self, dim) if dim is not None
    else T.squeeze(self),
    "unsqueeze_": lambda self, dim: T.unsqueeze(self, dim),
    "t_": lambda self: T.t(self),
    "transpose_": lambda self, dim0, dim1: T.transpose(self, dim0, dim1),
    "swapaxes_": lambda self, axis0, axis1: T.transpose(self, axis0, axis1),
    "swapdims_": lambda self, dim0, dim1: T.transpose(self, dim0, dim1),
}


def _restride_method(name, view_fn):
    def fn(self, *args, **kwargs):
        return _restride(self, view_fn(self, *args, **kwargs))
    fn.__name__ = name
    fn.__doc__ = f"In-place ``{name[:-1]}``: changes this tensor's own shape and strides."
    return fn


for _n, _f in _RESTRIDE.items():
    method(_restride_method(_n, _f), name=_n)
method(as_strided_, name="as_strided_")


# ---------------------------------------------------------------------------------------
# fill_diagonal_, renorm, index_reduce
# ---------------------------------------------------------------------------------------

@method
def fill_diagonal_(self, fill_value, wrap=False):
    """Fill the main diagonal (all indices equal); ``wrap`` restarts it every N+1 rows of
    a tall matrix."""
    nd = self.dim()
    if nd < 2:
        raise RuntimeError("dimensions must larger than 1")
    shape = tuple(self._shape)
    if nd > 2 and len(set(shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    n = min(shape)
    if nd == 2 and wrap and shape[0] > shape[1] + 1:
        rows, cols, step = [], [], shape[1] + 1
        for start in range(0, shape[0], step):
            k = min(shape[1], shape[0] - start)
            rows += range(start, start + k)
            cols += range(k)
        idx = (T.tensor(rows, device=self.device), T.tensor(cols, device=self.device))
    else:
        i = T.arange(n, device=self.device)
        idx = (i,) * nd
    return self.index_put_(idx, T.tensor(fill_value, dtype=self.dtype, device=self.device))


def renorm(input, p, dim, maxnorm, *, out=None):
    """Rescale each slice along ``dim`` whose p-norm exceeds ``maxnorm`` to norm maxnorm."""
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError(f"renorm: input needs floating point or complex dtype, but got "
                           f"{input.dtype.c10_name}")
    if p <= 0:
        raise RuntimeError(f"renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    nd = input.dim()
    if nd <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {nd} dimensions")
    d = wrap_dim(dim, nd)
    others = tuple(i for i in range(nd) if i != d)
    norm = T.linalg.vector_norm(input, p, others, keepdim=True)  # real for complex input
    factor = T.where(norm > maxnorm, maxnorm / (norm + 1e-7), T.ones_like(norm))
    r = input * factor.to(input.dtype) if input.dtype.is_complex else input * factor
    return finish_out(r, out)


method(renorm, name="renorm")


@method
def renorm_(self, p, dim, maxnorm):
    return self.copy_(renorm(self, p, dim, maxnorm))


_INDEX_REDUCE = ("prod", "mean", "amax", "amin")


def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    """Reduce rows of ``source`` into ``input`` at positions ``index`` along ``dim``."""
    if reduce not in _INDEX_REDUCE:
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    nd = max(input.dim(), 1)
    d = wrap_dim(dim, nd)
    if index.dim() > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    if index.dtype not in (D.int64, D.int32):
        raise RuntimeError("index_reduce_(): Expected dtype int32/int64 for index but got: "
                           f"{index.dtype.c10_name}")
    if source.dim() and index.numel() != source.shape[d]:
        raise RuntimeError("index_reduce_(): Index should have dimension 1 or 0 (got "
                           f"{index.dim()})" if index.dim() > 1 else
                           "index_reduce_(): Number of indices "
                           f"({index.numel()}) should be equal to source.size(dim) "
                           f"({source.shape[d]})")
    if input.dim() == 0:
        return finish_out(T.scatter_reduce(input.reshape(1), 0, index.reshape(-1).long(),
                                        source.reshape(-1), reduce,
                                        include_self=include_self).reshape(()), out)
    view = [1] * source.dim()
    view[d] = -1
    idx = index.long().reshape(view).expand(source.shape)
    return finish_out(T.scatter_reduce(input, d, idx, source, reduce, include_self=include_self),
                   out)


method(index_reduce, name="index_reduce")


@method
def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
    return self.copy_(index_reduce(self, dim, index, source, reduce,
                                   include_self=include_self))


# ---------------------------------------------------------------------------------------
# elementwise math
# ---------------------------------------------------------------------------------------

@method
def logit_(self, eps=None):
    return self.copy_(T.logit(self, eps))


@method
def polygamma_(self, n):
    return self.copy_(T.polygamma(n, self))


def mvlgamma(input, p, *, out=None):
    """Log of the multivariate gamma function of dimension ``p`` (input > (p-1)/2)."""
    return T.special.multigammaln(input, p, out=out)


method(mvlgamma, name="mvlgamma")


@method
def mvlgamma_(self, p):
    return self.copy_(mvlgamma(self, p))


def _ldexp_dtype(input, other):
    dt = D.promote_types(input.dtype, other.dtype)
    return dt if dt.is_floating_point or dt.is_complex else D.get_default_dtype()


def ldexp(input, other, *, out=None):
    """``input * 2**other``, in the promoted floating dtype of both."""
    dt = _ldexp_dtype(input, other)
    return finish_out(T.mul(input, T.pow(2.0, other.to(dt))), out)


def ldexp_(input, other):
    return input.mul_(T.pow(2.0, other.to(_ldexp_dtype(input, other))))


method(ldexp, name="ldexp")
method(ldexp_, name="ldexp_")


def _frexp_meta(x):
    if not x.dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    st = contiguous_strides(x._shape)
    return (Spec(x._shape, x.dtype, st), Spec(x._shape, D.int32, st))


FREXP = register("frexp", _frexp_meta, family="extra")


def frexp(input, *, out=None):
    """(mantissa, exponent) with ``input = mantissa * 2**exponent``, 0.5 <= |mantissa| < 1."""
    r = dispatch_out(FREXP, out, input) if out is not None else dispatch(FREXP, input)
    return _frexp_t(*r)


_frexp_t = _nt("frexp", ["mantissa", "exponent"])
method(frexp, name="frexp")

# regularized lower / upper incomplete gamma functions (binary rows like torch.special's)
def _igamma_meta_for(name):
    base = binary_meta_for(name, FLOATNC)

    def meta(a, b):
        pdt = promote_args(a, b)
        if not pdt.is_floating_point:  # torch's kernel has no integer / complex loop
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{pdt.c10_name}\'')
        return base(a, b)
    return meta


IGAMMA = register("igamma", _igamma_meta_for("igamma"), family="extra")
IGAMMAC = register("igammac", _igamma_meta_for("igammac"), family="extra")
IGAMMA.extra["kind"] = IGAMMAC.extra["kind"] = FLOATNC


def _igamma_public(op):
    ip = register(op.name + "_", op.meta, inplace=True, family="extra")
    ip.extra["outplace"] = op

    def fn(input, other, *, out=None):
        if out is not None:
            return dispatch_out(op, out, input, other)
        return dispatch(op, input, other)

    def fn_(self, other):
        dispatch(ip, self, other)
        return self
    fn.__name__, fn_.__name__ = op.name, op.name + "_"
    method(fn, name=op.name)
    method(fn_, name=op.name + "_")
    return ip, fn


IGAMMA_, igamma = _igamma_public(IGAMMA)
IGAMMAC_, igammac = _igamma_public(IGAMMAC)


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """n-th forward difference along ``dim`` (after concatenating prepend/append)."""
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = wrap_dim(dim, input.dim())

    def along(t):
        if t.dim() == 0:
            shape = list(input.shape)
            shape[d] = 1
            return t.expand(shape)
        return t
    parts = ([along(prepend)] if prepend is not None else []) + [input] + \
        ([along(append)] if append is not None else [])
    x = T.cat(parts, d) if len(parts) > 1 else input
    for _ in range(n):
        m = x.shape[d]
        if m == 0:
            break
        a, b = x.narrow(d, 1, m - 1), x.narrow(d, 0, m - 1)
        x = T.logical_xor(a, b) if x.dtype is D.bool else a - b
    return x


method(diff, name="diff")


# ---------------------------------------------------------------------------------------
# histograms, isin, statistics
# ---------------------------------------------------------------------------------------

_hist_t = _nt("histogram", ["hist", "bin_edges"])
_histdd_t = _nt("histogramdd", ["hist", "bin_edges"])


def _bin_index(x, edges, linear):
    """Bin of each value of 1-D ``x`` in sorted ``edges`` (-1 when outside; the last bin
    includes its right edge)."""
    nb = edges.numel() - 1
    lo, hi = edges[0], edges[-1]
    if linear:  # torch's arithmetic for evenly spaced bins, corrected by the edges
        pos = ((x - lo) * nb / (hi - lo)).floor().long().clamp(0, nb - 1)
        pos = T.where(x < edges[pos], pos - 1, pos)
        pos = T.where((x >= edges[(pos + 1).clamp(max=nb)]) & (pos < nb - 1), pos + 1, pos)
        pos = pos.clamp(0, nb - 1)
    else:
        pos = (T.searchsorted(edges, x, right=True) - 1).clamp(0, nb - 1)
    inside = (x >= lo) & (x <= hi)
    return T.where(inside, pos, T.full_like(pos, -1))


def _hist_range(x, rng):
    if rng is not None:
        lo, hi = float(rng[0]), float(rng[1])
        if lo > hi:
            raise RuntimeError(f"torch.histogram(): max must be larger than min")
    elif x.numel():
        lo, hi = float(x.min()), float(x.max())
    else:
        lo, hi = 0.0, 0.0
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histogram(): range of [{lo}, {hi}] is not finite")
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    return lo, hi


def histogramdd(input, bins, *, range=None, weight=None, density=False):  # noqa: A002
    """Multi-dimensional histogram of the points ``input[..., :D]``."""
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the "
                           f"same dtype, but got input {input.dtype.c10_name} and bins "
                           f"{input.dtype.c10_name}")
    ndim = input.shape[-1] if input.dim() else 1
    pts = input.reshape(-1, ndim)
    if isinstance(bins, int):
        bins = [bins] * ndim
    if isinstance(bins, Tensor):
        bins = [bins]
    if len(bins) != ndim:
        raise RuntimeError(f"torch.histogramdd(): expected {ndim} bin specifications, got "
                           f"{len(bins)}")
    edges, idx, counts = [], None, []
    for k, b in enumerate(bins):
        col = pts[:, k]
        if isinstance(b, Tensor):
            e, linear = b.to(input.dtype), False
        else:
            if b <= 0:
                raise RuntimeError(f"torch.histogramdd(): bins must be > 0, but got {b} for "
                                   f"dimension {k}")
            r = None if range is None else range[2 * k:2 * k + 2]
            lo, hi = _hist_range(col, r)
            e, linear = T.linspace(lo, hi, b + 1, dtype=input.dtype, device=input.device), True
        edges.append(e)
        nb = e.numel() - 1
        counts.append(nb)
        i = _bin_index(col, e, linear)
        idx = i if idx is None else T.where((idx < 0) | (i < 0), T.full_like(i, -1),
                                            idx * nb + i)
    total = math.prod(counts)
    keep = idx >= 0
    w = T.ones(pts.shape[0], dtype=input.dtype, device=input.device) if weight is None \
        else weight.reshape(-1).to(input.dtype)
    hist = T.zeros(total, dtype=input.dtype, device=input.device).index_add_(
        0, idx[keep], w[keep]).reshape(counts)
    if density:
        vol = None
        for k, e in enumerate(edges):
            shape = [1] * ndim
            shape[k] = -1
            de = (e[1:] - e[:-1]).reshape(shape)
            vol = de if vol is None else vol * de
        hist = hist / (hist.sum() * vol)
    return _histdd_t(hist, edges)


def histogram(input, bins, *, range=None, weight=None, density=False, out=None):  # noqa: A002
    """Histogram of ``input``'s values: ``bins`` equal bins over ``range`` (default
    [min, max]) or the given bin edges; returns (hist, bin_edges)."""
    if isinstance(bins, Tensor) and bins.dtype is not input.dtype:
        raise RuntimeError(f"torch.histogram: input tensor and bins tensors should have the "
                           f"same dtype, but got input {input.dtype.c10_name} and bins "
                           f"{bins.dtype.c10_name}")
    if weight is not None and weight.shape != input.shape:
        raise RuntimeError("torch.histogram: if weight tensor is provided it should have the "
                           "same shape as the input tensor")
    if isinstance(bins, int) and bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for "
                           f"dimension 0")
    if isinstance(bins, Tensor) and bins.dim() != 1:
        raise RuntimeError(f"torch.histogram(): bins tensor should have one dimension, but "
                           f"got {bins.dim()} dimensions in the bins tensor")
    h, e = histogramdd(input.reshape(-1, 1), [bins], range=range,
                       weight=None if weight is None else weight.reshape(-1),
                       density=density)
    if out is not None:
        return _hist_t(finish_out(h, out[0]), finish_out(e[0], out[1]))
    return _hist_t(h, e[0])


method(histogram, name="histogram")


def isin(elements, test_elements, *, assume_unique=False, invert=False, out=None):
    """Whether each element of ``elements`` is in ``test_elements`` (either may be a
    scalar)."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() received an invalid combination of arguments: at least one of "
                        "elements and test_elements must be a Tensor")
    ref = elements if isinstance(elements, Tensor) else test_elements
    el = elements if isinstance(elements, Tensor) else T.tensor(elements, device=ref.device)
    te = test_elements if isinstance(test_elements, Tensor) else \
        T.tensor(test_elements, device=ref.device)
    dt = D.promote_types(el.dtype, te.dtype)
    flat_t = te.reshape(-1).to(dt)
    if flat_t.numel() == 0:
        r = T.zeros(el.shape, dtype=D.bool, device=el.device)
    else:
        srt = T.sort(flat_t).values
        e = el.to(dt)
        pos = T.searchsorted(srt, e).clamp(max=srt.numel() - 1)
        r = srt[pos] == e
    if invert:
        r = T.logical_not(r)
    return finish_out(r, out)


def cov(input, *, correction=1, fweights=None, aweights=None):
    """Covariance of the variables in the rows of ``input`` (observations in columns)."""
    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                         f"input with {input.dim()} dimensions")
    x = input.reshape(1, -1) if input.dim() < 2 else input
    nobs = x.shape[1]
    w = None
    if fweights is not None:
        if fweights.dim() > 1:
            raise RuntimeError("cov(): expected fweights to have one or fewer dimensions but got "
                             f"fweights with {fweights.dim()} dimensions")
        if fweights.dtype.is_floating_point or fweights.dtype.is_complex:
            raise RuntimeError("cov(): expected fweights to have integral dtype but got "
                             f"fweights with {fweights.dtype} dtype")
        if fweights.numel() != nobs:
            raise RuntimeError(f"cov(): expected fweights to have the same numel as there are "
                             f"observations in the input but got {fweights.numel()} != {nobs}")
        if bool((fweights < 0).any()):
            raise RuntimeError("cov(): fweights cannot be negative")
        w = fweights
    if aweights is not None:
        if aweights.dim() > 1:
            raise RuntimeError("cov(): expected aweights to have one or fewer dimensions but got "
                             f"aweights with {aweights.dim()} dimensions")
        if not aweights.dtype.is_floating_point:
            raise RuntimeError("cov(): expected aweights to have floating point dtype but got "
                             f"aweights with {aweights.dtype} dtype")
        if aweights.numel() != nobs:
            raise RuntimeError(f"cov(): expected aweights to have the same numel as there are "
                             f"observations in the input but got {aweights.numel()} != {nobs}")
        if bool((aweights < 0).any()):
            raise RuntimeError("cov(): aweights cannot be negative")
        w = aweights if w is None else w * aweights
    if not (x.dtype.is_floating_point or x.dtype.is_complex):
        x = x.to(D.get_default_dtype())
    if w is None:
        wsum = T.tensor(float(nobs), dtype=_real(x.dtype), device=x.device)
        avg = x.mean(1)
    else:
        wsum = w.sum()
        avg = (x * w).sum(1) / wsum
    if w is None:
        norm = wsum - correction
    elif correction == 0:
        norm = wsum
    elif aweights is None:
        norm = wsum - correction
    else:
        norm = wsum - correction * (w * aweights).sum() / wsum
    norm = T.clamp(norm, min=0) if not norm.dtype.is_complex else norm
    xm = x - avg.unsqueeze(1)
    xw = xm if w is None else xm * w
    c = T.mm(xw, xm.t().conj()) / norm
    return c.squeeze() if input.dim() < 2 else c


def _real(dt):
    return {D.complex64: D.float32, D.complex128: D.float64}.get(dt, dt)


def corrcoef(input):
    """Pearson correlation coefficients of the variables in the rows of ``input``."""
    c = cov(input)
    if c.dim() == 0:
        return c / c
    d = T.diagonal(c)
    std = d.sqrt() if not d.dtype.is_complex else d.real.sqrt()
    c = c / std.unsqueeze(1)
    c = c / std.unsqueeze(0)
    if c.dtype.is_complex:
        return T.complex(c.real.clamp(-1, 1), c.imag.clamp(-1, 1))
    return c.clamp(-1, 1)


method(cov, name="cov")
method(corrcoef, name="corrcoef")


def _trap_dx(y, x, dx, d):
    """Spacing along ``d``: a scalar, or differences of ``x`` broadcast against ``y``."""
    if x is None:
        return 1 if dx is None else dx
    if x.dim() == 1:
        dxs = x[1:] - x[:-1]
        shape = [1] * y.dim()
        shape[d] = -1
        return dxs.reshape(shape)
    return T.diff(x, dim=d)


def _need_tensor_x(name, x):
    if x is not None and not isinstance(x, Tensor):
        raise TypeError(f"{name}() received an invalid combination of arguments: 'x' must be "
                        f"a Tensor (pass a spacing as dx=), not {type(x).__name__}")


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """Integral of ``y`` along ``dim`` by the trapezoidal rule (spacing ``x`` or ``dx``)."""
    _need_tensor_x("trapezoid", x)
    if x is not None and dx is not None:
        raise RuntimeError("trapezoid: received both x and dx")
    d = wrap_dim(dim, y.dim())
    n = y.shape[d]
    if x is not None and x.dim() == 1 and x.numel() != n:
        raise RuntimeError(f"trapezoid: There must be one `x` value for each sample point")
    if n == 0:
        return T.zeros_like(y).sum(d)
    s = y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)
    step = _trap_dx(y, x, dx, d)
    if isinstance(step, Tensor):
        return (step * s).sum(d) / 2
    return (s.sum(d) * step) / 2


def trapz(y, x=None, *, dx=None, dim=-1):
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """Cumulative trapezoidal integral of ``y`` along ``dim`` (one fewer element)."""
    _need_tensor_x("cumulative_trapezoid", x)
    d = wrap_dim(dim, y.dim())
    n = y.shape[d]
    if n == 0:
        return y.narrow(d, 0, 0).to(y.dtype if y.dtype.is_floating_point or y.dtype.is_complex
                                    else D.get_default_dtype())
    s = y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)
    step = _trap_dx(y, x, dx, d)
    return T.cumsum(step * s / 2 if isinstance(step, Tensor) else s * step / 2, d)


def vander(x, N=None, increasing=False):
    """Vandermonde matrix of 1-D ``x``: columns x**(N-1) ... x**0 (increasing reverses)."""
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    if N is None:
        N = x.shape[0]
    if N < 0:
        raise RuntimeError("N must be non-negative.")
    dt = x.dtype if x.dtype.is_floating_point or x.dtype.is_complex else D.int64
    r = _powers(x.to(dt), N)
    return r if increasing else r.flip(-1)


def _powers(x, N):
    """(..., n, N) with columns x**0 .. x**(N-1), by cumulative products."""
    if N == 0:
        return T.empty(tuple(x.shape) + (0,), dtype=x.dtype, device=x.device)
    ones = T.ones(tuple(x.shape) + (1,), dtype=x.dtype, device=x.device)
    if N == 1:
        return ones
    rep = x.unsqueeze(-1).expand(tuple(x.shape) + (N - 1,))
    return T.cat([ones, T.cumprod(rep, -1)], -1)


def linalg_vander(x, *, N=None):
    """torch.linalg.vander: increasing powers, batched over leading dimensions."""
    if x.dim() < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension")
    if N is None:
        N = x.shape[-1]
    if N <= 1:
        raise RuntimeError("N must be greater than 1.")
    return _powers(x, N)


def unravel_index(indices, shape):
    """Coordinates in ``shape`` of flat ``indices`` (a tuple of tensors)."""
    if isinstance(indices, Tensor):
        if indices.dtype.is_floating_point or indices.dtype.is_complex or \
                indices.dtype is D.bool:
            raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    else:
        indices = T.tensor(indices)
        if indices.dtype.is_floating_point:
            raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got "
                         f"{tuple(shape)}")
    # torch does not range-check: floor div/mod per dimension wraps like Python's
    idx = indices.long()
    out = []
    for s in reversed(shape):
        out.append(T.remainder(idx, s))
        idx = T.div(idx, s, rounding_mode="floor")
    return tuple(reversed(out))


# ---------------------------------------------------------------------------------------
# window functions and the short-time Fourier transform
# ---------------------------------------------------------------------------------------

def _window(name, n, periodic, dtype, device, requires_grad, body):
    dtype = dtype or D.get_default_dtype()
    if not dtype.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: "
                           f"{dtype.c10_name}")
    if n < 0:
        raise RuntimeError(f"{name} requires non-negative window length, got "
                           f"window_length={n}")
    if n == 0:
        w = T.empty(0, dtype=dtype, device=device)
    elif n == 1:
        w = T.ones(1, dtype=dtype, device=device)
    else:
        m = n + 1 if periodic else n
        k = T.arange(m, dtype=D.float64, device=device)
        w = body(k, m)[:n].to(dtype)
    return w.requires_grad_(requires_grad) if requires_grad else w


def _cos_sum(coeffs):
    def body(k, m):
        r = T.full_like(k, coeffs[0])
        for j, a in enumerate(coeffs[1:], 1):
            r = r + ((-1) ** j) * a * T.cos(2 * math.pi * j * k / (m - 1))
        return r
    return body


def _make_window(name, body_for):
    def fn(window_length, periodic=True, *, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
        return _window(name, window_length, periodic, dtype, device, requires_grad,
                       body_for())
    fn.__name__ = name
    fn.__doc__ = f"The {name.split('_')[0]} window of ``window_length`` points."
    return fn


hann_window = _make_window("hann_window", lambda: _cos_sum((0.5, 0.5)))
blackman_window = _make_window("blackman_window", lambda: _cos_sum((0.42, 0.5, 0.08)))
bartlett_window = _make_window(
    "bartlett_window", lambda: lambda k, m: 1 - (2 * k / (m - 1) - 1).abs())


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None,
                   layout=None, device=None, pin_memory=False, requires_grad=False):
    """The generalized Hamming window ``alpha - beta cos(2 pi k / (N - 1))``."""
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   _cos_sum((alpha, beta)))


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None,
                  device=None, pin_memory=False, requires_grad=False):
    """The Kaiser window ``I0(beta sqrt(1 - (2k/(N-1) - 1)^2)) / I0(beta)``."""
    def body(k, m):
        r = (2 * k / (m - 1) - 1).clamp(-1, 1)
        return T.i0(beta * T.sqrt(1 - r * r)) / T.i0(T.tensor(float(beta), dtype=D.float64))
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad,
                   body)


def _stft_window(window, win_length, n_fft, like):
    if win_length is None:
        win_length = n_fft
    if not 0 < win_length <= n_fft:
        raise RuntimeError(f"stft: expected 0 < win_length <= n_fft, but got "
                           f"win_length={win_length}")
    if window is None:
        window = T.ones(win_length, dtype=_real(like.dtype), device=like.device)
    elif window.dim() != 1 or window.shape[0] != win_length:
        raise RuntimeError(f"stft: expected a 1D window tensor of size equal to win_length="
                           f"{win_length}, but got window with size {list(window.shape)}")
    if win_length < n_fft:  # centred zero padding up to n_fft
        left = (n_fft - win_length) // 2
        window = T.cat([T.zeros(left, dtype=window.dtype, device=window.device), window,
                        T.zeros(n_fft - win_length - left, dtype=window.dtype,
                                device=window.device)])
    return window


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
         pad_mode="reflect", normalized=False, onesided=None, return_complex=None):
    """Short-time Fourier transform of a 1-D signal or a batch (B, L): frames of ``n_fft``
    samples every ``hop_length``, windowed, FFT'd -> (..., n_fft // 2 + 1 or n_fft, frames)."""
    if return_complex is None:
        if not (input.dtype.is_complex or (window is not None and window.dtype.is_complex)):
            raise RuntimeError("stft requires the return_complex parameter be given for real "
                               "inputs, and will further require that return_complex=True in "
                               "a future PyTorch release.")
        return_complex = True
    if input.dim() not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {input.dim()}D")
    hop = n_fft // 4 if hop_length is None else hop_length
    if hop <= 0:
        raise RuntimeError(f"stft: expected hop_length > 0, but got hop_length={hop}")
    x = input.unsqueeze(0) if input.dim() == 1 else input
    if center:
        pad = n_fft // 2
        x = T.nn.functional.pad(x.unsqueeze(1), (pad, pad), mode=pad_mode).squeeze(1)
    L = x.shape[-1]
    if not 0 < n_fft <= L:
        raise RuntimeError(f"stft: expected 0 < n_fft <= {L}, but got n_fft={n_fft}")
    w = _stft_window(window, win_length, n_fft, x)
    frames = x.unfold(-1, n_fft, hop) * w  # (B, n_frames, n_fft)
    complex_in = x.dtype.is_complex or w.dtype.is_complex
    if onesided is None:
        onesided = not complex_in
    if onesided and complex_in:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    norm = "ortho" if normalized else "backward"
    spec = T.fft.rfft(frames, n_fft, norm=norm) if onesided else \
        T.fft.fft(frames, n_fft, norm=norm)
    spec = spec.transpose(-1, -2)
    if input.dim() == 1:
        spec = spec.squeeze(0)
    return spec if return_complex else T.view_as_real(spec)


method(stft, name="stft")


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
          normalized=False, onesided=None, length=None, return_complex=False):
    """Inverse of stft by windowed overlap-add (least-squares, divided by the summed
    squared window)."""
    if not input.dtype.is_complex:
        raise RuntimeError("istft requires a complex-valued input tensor.")
    hop = n_fft // 4 if hop_length is None else hop_length
    spec = input.unsqueeze(0) if input.dim() == 2 else input
    n_frames = spec.shape[-1]
    if onesided is None:
        onesided = spec.shape[-2] != n_fft
    if onesided and return_complex:
        raise RuntimeError("cannot have onesided output if window or input is complex")
    w = _stft_window(window, win_length, n_fft, T.empty(0, dtype=_real(input.dtype)))
    norm = "ortho" if normalized else "backward"
    sp = spec.transpose(-1, -2)  # (B, frames, freq)
    frames = T.fft.irfft(sp, n_fft, norm=norm) if onesided else T.fft.ifft(sp, n_fft,
                                                                            norm=norm)
    if not return_complex and frames.dtype.is_complex:
        frames = frames.real
    frames = frames * w
    total = n_fft + hop * (n_frames - 1)
    B = frames.shape[0]
    # overlap-add as an index_add of every frame sample at its output position
    pos = (T.arange(n_frames).unsqueeze(1) * hop + T.arange(n_fft)).reshape(-1)
    y = T.zeros(B, total, dtype=frames.dtype, device=frames.device).index_add(
        1, pos, frames.reshape(B, -1))
    env = T.zeros(total, dtype=w.dtype, device=w.device).index_add(
        0, pos, (w * w.conj() if w.dtype.is_complex else w * w).repeat(n_frames))
    start = n_fft // 2 if center else 0
    end = total - n_fft // 2 if center else total
    if length is not None:
        end = start + length
    y = y[:, start:end]
    env = env[start:end]
    if bool((env.abs() < 1e-11).any()):
        raise RuntimeError("istft(window hop_length=...): window overlap add min: "
                           f"{float(env.abs().min())}")
    y = y / env
    if length is not None and y.shape[-1] < length:
        y = T.cat([y, T.zeros(B, length - y.shape[-1], dtype=y.dtype, device=y.device)], -1)
    return y.squeeze(0) if input.dim() == 2 else y


method(istft, name="istft")


# ---------------------------------------------------------------------------------------
# *_scatter: a copy of the input with one view region replaced by ``src``
# ---------------------------------------------------------------------------------------

def _scatter_into(input, src, view_fn):
    out = input.clone()
    region = view_fn(out)
    if tuple(region.shape) != tuple(src.shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size "
                           f"= {list(src.shape)}, slice size = {list(region.shape)}")
    region.copy_(src)
    return out


def select_scatter(input, src, dim, index):
    return _scatter_into(input, src, lambda t: t.select(dim, index))


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    return _scatter_into(input, src, lambda t: t[(slice(None),) * wrap_dim(dim, t.dim()) +
                                                 (slice(start, end, step),)])


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    return _scatter_into(input, src, lambda t: t.diagonal(offset, dim1, dim2))


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    return _scatter_into(input, src, lambda t: t.as_strided(size, stride, storage_offset))


for _f in (select_scatter, slice_scatter, diagonal_scatter, as_strided_scatter):
    method(_f, name=_f.__name__)


# ---------------------------------------------------------------------------------------
# *_copy variants of the view ops: the view materialised contiguously
# ---------------------------------------------------------------------------------------

def _contig(t):
    return t.clone(memory_format=T.contiguous_format)


_VIEW_COPIES = {
    "view_copy": lambda x, size: x.view(size),  # size may also be a dtype
    "permute_copy": lambda x, dims: x.permute(dims),
    "t_copy": lambda x: x.t(),
    "transpose_copy": lambda x, dim0, dim1: x.transpose(dim0, dim1),
    "squeeze_copy": lambda x, dim=None: x.squeeze() if dim is None else x.squeeze(dim),
    "unsqueeze_copy": lambda x, dim: x.unsqueeze(dim),
    "select_copy": lambda x, dim, index: x.select(dim, index),
    "slice_copy": lambda x, dim=0, start=None, end=None, step=1:
        x[(slice(None),) * wrap_dim(dim, x.dim()) + (slice(start, end, step),)],
    "diagonal_copy": lambda x, offset=0, dim1=0, dim2=1: x.diagonal(offset, dim1, dim2),
    "unfold_copy": lambda x, dimension, size, step: x.unfold(dimension, size, step),
    "as_strided_copy": lambda x, size, stride, storage_offset=None:
        x.as_strided(size, stride, storage_offset),
    "view_as_real_copy": lambda x: T.view_as_real(x),
    "view_as_complex_copy": lambda x: T.view_as_complex(x),
    "detach_copy": lambda x: x.detach(),
    "alias_copy": lambda x: x.view(x.shape),
}
_MULTI_VIEW_COPIES = {
    "unbind_copy": lambda x, dim=0: T.unbind(x, dim),
    "split_copy": lambda x, split_size, dim=0: T.split(x, split_size, dim),
    "split_with_sizes_copy": lambda x, split_sizes, dim=0: split_with_sizes(x, split_sizes,
                                                                              dim),
}


def _view_copy(name, view_fn):
    def fn(input, *args, out=None, **kwargs):
        return finish_out(_contig(view_fn(input, *args, **kwargs)), out)
    fn.__name__ = name
    fn.__doc__ = f"A contiguous copy of ``{name[:-5]}``'s view."
    return fn


def _multi_view_copy(name, view_fn):
    def fn(input, *args, out=None, **kwargs):
        pieces = [_contig(p) for p in view_fn(input, *args, **kwargs)]
        if out is not None:
            for o, p in zip(out, pieces):
                finish_out(p, o)
            return None
        return pieces
    fn.__name__ = name
    fn.__doc__ = f"Contiguous copies of ``{name[:-5]}``'s views."
    return fn


for _n, _f in _VIEW_COPIES.items():
    globals()[_n] = _view_copy(_n, _f)
    __all__.append(_n)
for _n, _f in _MULTI_VIEW_COPIES.items():
    globals()[_n] = _multi_view_copy(_n, _f)
    __all__.append(_n)


# ---------------------------------------------------------------------------------------
# top-level in-place functions: torch.<name>_(input, ...) == input.<name>_(...)
# ---------------------------------------------------------------------------------------

_INPLACE_FUNCS = (
    "abs_ acos_ acosh_ addmv_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_ "
    "asinh_ atan_ atanh_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ conj_physical_ cos_ cosh_ "
    "deg2rad_ detach_ erf_ erfc_ exp2_ exp_ expm1_ fill_ fix_ floor_ frac_ gcd_ i0_ lcm_ "
    "log10_ log1p_ log2_ log_ logit_ nan_to_num_ neg_ negative_ rad2deg_ reciprocal_ "
    "round_ rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ square_ tan_ tanh_ trunc_ xlogy_ "
    "zero_"
).split()


def _inplace_func(name):
    def fn(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = name
    fn.__doc__ = f"``input.{name}(...)``."
    return fn


for _n in _INPLACE_FUNCS:
    globals()[_n] = _inplace_func(_n)
    __all__.append(_n)

del _n, _f
