"""Helpers shared by the distribution families (torch.distributions.utils)."""
from __future__ import annotations

import numbers
from functools import update_wrapper

import mindtorch_v2 as torch

__all__ = ["broadcast_all", "logits_to_probs", "probs_to_logits", "clamp_probs",
           "lazy_property", "tril_matrix_to_vec", "vec_to_tril_matrix", "euler_constant",
           "expand_params", "batch_shape_of"]

euler_constant = 0.57721566490153286060  # Euler-Mascheroni constant


def broadcast_all(*values):
    """Broadcast numbers and tensors to one shape; numbers take the dtype/device of the
    first tensor (or the default dtype)."""
    if not all(isinstance(v, (torch.Tensor, numbers.Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    if not all(isinstance(v, torch.Tensor) for v in values):
        like = next((v for v in values if isinstance(v, torch.Tensor)), None)
        kw = {"dtype": torch.get_default_dtype()} if like is None else \
            {"dtype": like.dtype, "device": like.device}
        values = [v if isinstance(v, torch.Tensor) else torch.tensor(v, **kw) for v in values]
    return torch.broadcast_tensors(*values)


def batch_shape_of(broadcast, *params):
    """The batch shape of a family built from ``params``: () when all are numbers, else the
    shape of ``broadcast``, a parameter after broadcast_all."""
    if all(isinstance(p, numbers.Number) for p in params):
        return torch.Size()
    return broadcast.size()


def expand_params(dist, cls, batch_shape, _instance, *names, probs_or_logits=False):
    """``cls.expand`` for a distribution whose state is the tensors (or distributions)
    ``names``, plus the stored one of probs/logits with ``probs_or_logits``
    (ProbsLogitsMixin): each is expanded to ``batch_shape`` on a new instance."""
    new = dist._get_checked_instance(cls, _instance)
    batch_shape = torch.Size(batch_shape)
    for name in names:
        setattr(new, name, getattr(dist, name).expand(batch_shape))
    if probs_or_logits:
        dist._expand_params(new, batch_shape)
    super(cls, new).__init__(batch_shape, validate_args=False)
    new._validate_args = dist._validate_args
    return new


def _standard_normal(shape, dtype, device):
    return torch.randn(shape, dtype=dtype, device=device)


def _sum_rightmost(value, dim):
    """Sum out the `dim` right-most dimensions."""
    return value.reshape(value.shape[:-dim] + (-1,)).sum(-1) if dim > 0 else value


def clamp_probs(probs):
    """Clamp probabilities into the open interval (0, 1) by the dtype's eps."""
    eps = torch.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def logits_to_probs(logits, is_binary=False):
    """Logits to probabilities: sigmoid if binary, else softmax over the last dim."""
    if is_binary:
        return torch.sigmoid(logits)
    return torch.softmax(logits, dim=-1)


def probs_to_logits(probs, is_binary=False):
    """Probabilities to logits (clamped so 0 and 1 stay finite)."""
    ps = clamp_probs(probs)
    if is_binary:
        return torch.log(ps) - torch.log1p(-ps)
    return torch.log(ps)


class lazy_property:
    """A property computed once on first access and then stored on the instance."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with torch.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    """Seen on the class, a lazy_property also looks like a property (for docs)."""

    def __init__(self, wrapped):
        property.__init__(self, wrapped)


def tril_matrix_to_vec(mat, diag=0):
    """The lower triangle (offset diag) of the last two dims, row by row, as a vector."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    rows, cols = torch.tril_indices(n, n, offset=diag, device=mat.device)
    return mat[..., rows, cols]


def vec_to_tril_matrix(vec, diag=0):
    """Inverse of tril_matrix_to_vec: fill a lower triangle (offset diag) from a vector."""
    m = vec.shape[-1]
    n = int((-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * m + 4 * abs(diag) * (diag + 1))
             ** 0.5) / 2)
    eps = torch.finfo(vec.dtype).eps
    if not (abs((-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * m + 4 * abs(diag) * (diag + 1))
                 ** 0.5) / 2 - n) < eps):
        raise ValueError(f"The size of last dimension is {m} which cannot be expressed as "
                         "the lower triangular part of a square D x D matrix.")
    mat = torch.zeros(tuple(vec.shape[:-1]) + (n, n), dtype=vec.dtype, device=vec.device)
    rows, cols = torch.tril_indices(n, n, offset=diag, device=vec.device)
    mat[..., rows, cols] = vec
    return mat
