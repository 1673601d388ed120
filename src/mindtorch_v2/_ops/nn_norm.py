"""The nn_norm op family: fused normalisation / loss ops and torch's top-level nn names.

Registered ops (NumPy kernels in _backends/cpu/nn_norm.py, formulas in
_autograd/formulas/nn_norm.py):

- ``native_layer_norm(input, normalized_shape, weight, bias, eps)`` -> (out, mean, rstd);
  mean/rstd have shape ``input.shape[:axis] + (1,) * len(normalized_shape)``.
- ``native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum,
  eps)`` -> (out, save_mean, save_invstd): torch's op; the kernel does not touch the running
  statistics (the public function updates them, so the in-place write is visible to
  autograd's version counters).  Eval mode returns empty stats.
- ``relu(input)`` and ``gelu(input, approximate)``: the hottest activations, one NumPy pass
  each instead of a chain of composite ops (layout follows the input like elementwise ops).
- ``nll_loss_nd(input, target, weight, reduction, ignore_index)``: negative log-likelihood
  for (N, C, d1, ...) / (C,) inputs with class-index targets; ``reduction`` is 0/1/2 for
  none/mean/sum.  cross_entropy = log_softmax op + this op.

The other top-level functions here (torch.relu, torch.dropout, torch.embedding, ...) are
torch's aliases of torch.nn.functional's composites and forward to them.
"""
from __future__ import annotations

from .. import _dtype as D
from .._dispatch.dispatcher import dispatch
from ._common import contiguous_strides, elementwise_strides
from .registry import Spec, register
from .tensor_methods import methods

__all__ = ["native_layer_norm", "layer_norm", "batch_norm", "native_batch_norm",
           "group_norm", "instance_norm", "rms_norm", "relu", "relu_", "selu", "selu_",
           "celu", "celu_", "rrelu", "rrelu_", "prelu", "hardshrink", "threshold",
           "threshold_", "dropout", "dropout_", "alpha_dropout", "alpha_dropout_",
           "feature_dropout", "feature_dropout_", "feature_alpha_dropout",
           "feature_alpha_dropout_", "embedding", "embedding_bag", "bilinear",
           "cosine_similarity", "pairwise_distance", "cdist", "pdist", "ctc_loss", "kl_div",
           "binary_cross_entropy_with_logits", "margin_ranking_loss", "hinge_embedding_loss",
           "cosine_embedding_loss", "poisson_nll_loss", "triplet_margin_loss"]

REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}


def _spec(shape, dtype):
    return Spec(shape, dtype, contiguous_strides(shape))


def norm_shape(x, normalized_shape):
    """normalized_shape as a tuple, checked against x's trailing dims (torch's error)."""
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    nd = len(x._shape)
    if len(ns) > nd or tuple(x._shape[nd - len(ns):]) != ns or not ns:
        raise RuntimeError(f"Given normalized_shape={list(ns)}, expected input with shape "
                           f"[*, {', '.join(map(str, ns))}], but got input of size"
                           f"{list(x._shape)}")
    return ns


def _layer_norm_meta(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    ns = norm_shape(x, normalized_shape)
    if not x.dtype.is_floating_point:
        raise RuntimeError(f'"LayerNormKernelImpl" not implemented for \'{x.dtype.c10_name}\'')
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t._shape) != ns:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but "
                               f"got {name} of shape {list(t._shape)} and normalized_shape = "
                               f"{list(ns)}")
    stat = tuple(x._shape[:len(x._shape) - len(ns)]) + (1,) * len(ns)
    return (_spec(x._shape, x.dtype), _spec(stat, x.dtype), _spec(stat, x.dtype))


LAYER_NORM = register("native_layer_norm", _layer_norm_meta, family="nn_norm")


def _like(x, dtype):
    return Spec(x._shape, dtype, elementwise_strides(x._shape, [(x._shape, x._stride)]))


def _relu_meta(x):
    if x.dtype is D.bool:
        raise RuntimeError("Boolean inputs not supported for relu")
    return _like(x, x.dtype)


def _gelu_meta(x, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    if not x.dtype.is_floating_point:
        raise NotImplementedError(f'"GeluKernelImpl" not implemented for '
                                  f'\'{x.dtype.c10_name}\'')
    return _like(x, x.dtype)


def _batch_norm_meta(x, weight, bias, running_mean, running_var, training, momentum, eps):
    if len(x._shape) < 2:
        raise RuntimeError(f"batch_norm: expected input with at least 2 dims, got "
                           f"{len(x._shape)}")
    if not x.dtype.is_floating_point:
        raise RuntimeError(f'"batch_norm" not implemented for \'{x.dtype.c10_name}\'')
    c = x._shape[1]
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                    ("running_var", running_var)):
        if t is not None and tuple(t._shape) != (c,):
            raise RuntimeError(f"{name} should contain {c} elements not "
                               f"{_numel(t._shape)}")
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError(f"running_{'mean' if running_mean is None else 'var'} must be "
                           f"defined in evaluation mode")
    stat = (c,) if training else (0,)
    return (_like(x, x.dtype), _spec(stat, x.dtype), _spec(stat, x.dtype))


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


BATCH_NORM = register("native_batch_norm", _batch_norm_meta, family="nn_norm")
RELU = register("relu", _relu_meta, family="nn_norm")
GELU = register("gelu", _gelu_meta, family="nn_norm")


def _nll_meta(x, target, weight, reduction, ignore_index):
    if not x.dtype.is_floating_point:
        raise RuntimeError(f'"nll_loss_out_frame" not implemented for \'{x.dtype.c10_name}\'')
    if target.dtype not in (D.int64, D.uint8, D.int32) or target.dtype is D.bool:
        raise RuntimeError(f"expected scalar type Long but found {target.dtype.c10_name}")
    xs, ts = tuple(x._shape), tuple(target._shape)
    if len(xs) < 1:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but "
                         "got 1)")
    want = xs[:1] + xs[2:] if len(xs) >= 2 else ()
    if len(xs) >= 2 and ts and ts[0] != xs[0]:
        raise ValueError(f"Expected input batch_size ({xs[0]}) to match target batch_size "
                         f"({ts[0]}).")
    if ts != want:
        if len(xs) <= 2:
            raise ValueError(f"Expected input batch_size ({xs[0] if xs else 1}) to match "
                             f"target batch_size ({ts[0] if ts else 1}).") \
                if len(xs) == 2 and len(ts) == 1 else \
                RuntimeError(f"0D or 1D target tensor expected, multi-target not supported")
        raise RuntimeError(f"Expected target size {list(want)}, got {list(ts)}")
    c = xs[1] if len(xs) >= 2 else xs[0]
    if weight is not None and tuple(weight._shape) != (c,):
        raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no "
                           f"classes but got weight tensor of shape: {list(weight._shape)}")
    shape = want if reduction == 0 else ()
    return _spec(shape, x.dtype)


NLL_LOSS = register("nll_loss_nd", _nll_meta, family="nn_norm")


def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """(out, mean, rstd) of layer norm over the trailing ``normalized_shape`` dims."""
    ns = norm_shape(input, normalized_shape)
    _layer_norm_meta(input, ns, weight, bias)      # torch's argument errors on every device
    return dispatch(LAYER_NORM, input, ns, weight, bias, float(eps))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5,
               cudnn_enable=True):
    """torch.layer_norm: normalise over the trailing ``normalized_shape`` dims."""
    return native_layer_norm(input, normalized_shape, weight, bias, eps)[0]


def nll_loss_nd(input, target, weight=None, reduction=1, ignore_index=-100):
    _nll_meta(input, target, weight, reduction, ignore_index)
    return dispatch(NLL_LOSS, input, target, weight, reduction, int(ignore_index))


def _forward(module, name):
    """A top-level alias forwarding to torch.nn.functional's ``name`` (resolved on first
    call: nn loads after the op families)."""
    cache = []

    def fn(*args, **kwargs):
        if not cache:
            import importlib
            mod = importlib.import_module(f"mindtorch_v2.nn._functional.{module}")
            cache.append(getattr(mod, name))
        return cache[0](*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"torch.{name}: see torch.nn.functional.{name}."
    return fn


def relu(input):
    """max(input, 0) (gradient 0 at 0)."""
    _relu_meta(input)
    return dispatch(RELU, input)


def gelu(input, approximate="none"):
    """x * Phi(x), or torch's tanh approximation."""
    _gelu_meta(input, approximate)
    return dispatch(GELU, input, approximate)


for _m, _names in (("activation", ("relu_", "selu", "selu_", "celu", "celu_",
                                   "rrelu", "rrelu_", "prelu", "hardshrink", "threshold",
                                   "threshold_")),
                   ("norm", ("group_norm", "instance_norm", "rms_norm")),
                   ("linear", ("bilinear", "embedding_bag")),
                   ("distance", ("cosine_similarity", "pairwise_distance", "cdist", "pdist")),
                   ):
    for _n in _names:
        globals()[_n] = _forward(_m, _n)


def _nn(module):
    import importlib
    return importlib.import_module(f"mindtorch_v2.nn._functional.{module}")


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
               cudnn_enabled):
    return _nn("norm").batch_norm(input, running_mean, running_var, weight, bias, training,
                                  momentum, eps)


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum,
                      eps):
    """(out, save_mean, save_invstd); training updates the running stats in place."""
    return _nn("norm").native_batch_norm(input, weight, bias, running_mean, running_var,
                                         training, momentum, eps)


def dropout(input, p, train):
    return _nn("norm").dropout(input, p, train)


def dropout_(input, p, train):
    return _nn("norm").dropout(input, p, train, inplace=True)


def alpha_dropout(input, p, train):
    return _nn("norm").alpha_dropout(input, p, train)


def alpha_dropout_(input, p, train):
    return _nn("norm").alpha_dropout(input, p, train, inplace=True)


def _feature(input, p, train, inplace, alpha):
    n = _nn("norm")
    n._check_p(p)
    shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
    return n._dropout(input, p, train, inplace, shape, alpha)


def feature_dropout(input, p, train):
    return _feature(input, p, train, False, False)


def feature_dropout_(input, p, train):
    return _feature(input, p, train, True, False)


def feature_alpha_dropout(input, p, train):
    return _feature(input, p, train, False, True)


def feature_alpha_dropout_(input, p, train):
    return _feature(input, p, train, True, True)


def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """torch.embedding (aten argument order: weight first; padding_idx -1 means none)."""
    return _nn("linear").embedding(indices, weight, None if padding_idx < 0 else padding_idx,
                                   scale_grad_by_freq=scale_grad_by_freq)


# torch's top-level losses take the reduction as an int (0 none, 1 mean, 2 sum)
_RED_NAMES = {v: k for k, v in REDUCTIONS.items()}


def kl_div(input, target, reduction=1, log_target=False):
    return _nn("loss").kl_div(input, target, reduction=_RED_NAMES[reduction],
                              log_target=log_target)


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None,
                                     reduction=1):
    return _nn("loss").binary_cross_entropy_with_logits(
        input, target, weight, reduction=_RED_NAMES[reduction], pos_weight=pos_weight)


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    return _nn("loss").poisson_nll_loss(input, target, log_input, full, eps=eps,
                                        reduction=_RED_NAMES[reduction])


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=1,
             zero_infinity=False):
    return _nn("loss").ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                                _RED_NAMES[reduction], zero_infinity)


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=1):
    return _nn("loss").margin_ranking_loss(input1, input2, target, margin,
                                           reduction=_RED_NAMES[reduction])


def hinge_embedding_loss(input, target, margin=1.0, reduction=1):
    return _nn("loss").hinge_embedding_loss(input, target, margin,
                                            reduction=_RED_NAMES[reduction])


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=1):
    return _nn("loss").cosine_embedding_loss(input1, input2, target, margin,
                                             reduction=_RED_NAMES[reduction])


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        reduction=1):
    return _nn("loss").triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                           reduction=_RED_NAMES[reduction])


def _relu_method(self):
    return relu(self)


def _relu_method_(self):
    return relu_(self)


def _hardshrink_method(self, lambd=0.5):
    return hardshrink(self, lambd)


def _prelu_method(self, weight):
    return prelu(self, weight)


methods({"relu": _relu_method, "relu_": _relu_method_, "hardshrink": _hardshrink_method,
         "prelu": _prelu_method})
