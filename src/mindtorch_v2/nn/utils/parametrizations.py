"""New-style reparametrisations built on ``parametrize``: orthogonal, weight_norm,
spectral_norm (torch.nn.utils.parametrizations)."""
from __future__ import annotations

from enum import Enum, auto

from ..._tensor import Tensor
from ..modules.module import Module
from . import parametrize
from .spectral_norm import _default_dim
from .weight_norm import _weight_norm, norm_except_dim

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


def _torch():
    import mindtorch_v2
    return mindtorch_v2


def _no_grad():
    return _torch().no_grad()


# ----------------------------------------------------------------------------- orthogonal

class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


def _householder_product(a, tau):
    """The first k columns of H_1 ... H_k, H_i = I - tau_i v_i v_i^H with v_i the i-th
    column of ``a`` below the diagonal and 1 on it (LAPACK's orgqr), for (..., n, k)
    ``a``.  Composed from differentiable ops: a loop over the k reflectors, not elements."""
    torch = _torch()
    n, k = a.shape[-2], a.shape[-1]
    eye = torch.eye(n, dtype=a.dtype, device=a.device)
    q = eye[:, :k].expand(*a.shape[:-2], n, k)
    rows = torch.arange(n, device=a.device)
    for i in range(k - 1, -1, -1):  # Q = H_1 (H_2 (... (H_k I)))
        v = a[..., :, i] * (rows > i).to(a.dtype) + (rows == i).to(a.dtype)
        vq = (v.conj().unsqueeze(-1) * q).sum(-2, keepdim=True)
        q = q - tau[..., i, None, None] * v.unsqueeze(-1) * vq
    return q


def _make_orthogonal(a):
    """The Q of a QR decomposition of ``a`` with R's diagonal made positive."""
    torch = _torch()
    q, r = torch.linalg.qr(a)
    return q * r.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


def _is_orthogonal(q):
    torch = _torch()
    n, k = q.size(-2), q.size(-1)
    eye = torch.eye(k, dtype=q.dtype, device=q.device)
    eps = 10.0 * n * torch.finfo(q.dtype).eps
    return torch.allclose(q.mH @ q, eye, atol=eps)


class _Orthogonal(Module):
    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        if weight.is_complex() and orthogonal_map == _OrthMaps.householder:
            raise ValueError("The householder parametrization does not support complex "
                             "tensors.")
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, x):
        torch = _torch()
        n, k = x.size(-2), x.size(-1)
        transposed = n < k
        if transposed:
            x = x.mT
            n, k = k, n
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            x = x.tril()
            if n != k:
                pad = torch.zeros(n, n - k, dtype=x.dtype, device=x.device)
                x = torch.cat([x, pad.expand(*x.shape[:-2], -1, -1)], dim=-1)
            a = x - x.mH  # skew-symmetric: its exp / Cayley transform is orthogonal
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                q = torch.matrix_exp(a)
            else:
                eye = torch.eye(n, dtype=a.dtype, device=a.device)
                q = torch.linalg.solve(torch.add(eye, a, alpha=-0.5),
                                       torch.add(eye, a, alpha=0.5))
            if n != k:
                q = q[..., :k]
        else:
            a = x.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (a * a).sum(dim=-2))
            q = _householder_product(a, tau)
            # the diagonal of x chooses the sign of each column
            q = q * x.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if "base" in self._buffers:
            q = self.base @ q
        if transposed:
            q = q.mT
        return q

    def right_inverse(self, q):
        torch = _torch()
        with torch.no_grad():
            if q.shape != self.shape:
                raise ValueError(f"Expected a matrix or batch of matrices of shape "
                                 f"{self.shape}. Got a tensor of shape {q.shape}.")
            q_init = q
            n, k = q.size(-2), q.size(-1)
            transpose = n < k
            if transpose:
                q = q.mT
                n, k = k, n
            if "base" not in self._buffers:
                # without a base, only assigning Householder reflectors is possible; they
                # need geqrf, which mindtorch does not expose
                raise NotImplementedError(
                    "It is not possible to assign to the matrix exponential or the Cayley "
                    "parametrizations when use_trivialization=False.")
            if n == k:
                q = q.clone() if _is_orthogonal(q) else _make_orthogonal(q)
            else:
                extra = torch.randn(*(q.size()[:-2] + (n, n - k)), dtype=q.dtype,
                                    device=q.device)
                q = _make_orthogonal(torch.cat([q, extra], dim=-1))
            self.base = q
            # forward(-I) is I (for every map), so the parametrized value becomes base
            neg_id = torch.zeros_like(q_init)
            neg_id.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
            return neg_id


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    """Constrain ``module.<name>`` (a matrix or batch of matrices) to be orthogonal (or
    unitary): ``orthogonal_map`` is "matrix_exp", "cayley" or "householder" (default:
    matrix_exp for square or complex matrices, householder otherwise)."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError("Expected a matrix or batch of matrices. "
                         f"Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = ("matrix_exp" if weight.size(-2) == weight.size(-1)
                          or weight.is_complex() else "householder")
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", '
                         f'"householder". Got: {orthogonal_map}')
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module


# ---------------------------------------------------------------------------- weight_norm

class _WeightNorm(Module):
    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    """Weight normalisation as a parametrization: ``module.<name>`` is computed from
    ``parametrizations.<name>.original0`` (g) and ``original1`` (v)."""
    _wn = _WeightNorm(dim)
    parametrize.register_parametrization(module, name, _wn, unsafe=True)

    def _load_old_keys(state_dict, prefix, local_metadata, strict, missing_keys,
                       unexpected_keys, error_msgs):
        # checkpoints of the old-style weight_norm store <name>_g / <name>_v
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    module._register_load_state_dict_pre_hook(_load_old_keys)
    return module


# -------------------------------------------------------------------------- spectral_norm

class _SpectralNorm(Module):
    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        torch = _torch()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError("Dimension out of range (expected to be in range of "
                             f"[-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but "
                             f"got n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            F = torch.nn.functional
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.size()
            like = {"dtype": weight.dtype, "device": weight.device}
            u = torch.empty(h, **like).normal_(0, 1)
            v = torch.empty(w, **like).normal_(0, 1)
            self.register_buffer("_u", F.normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", F.normalize(v, dim=0, eps=self.eps))
            # start from a good estimate of the top singular vectors
            self._power_method(weight_mat, 15)

    def _reshape_weight_to_matrix(self, weight):
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.dim()) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, weight_mat, n_power_iterations):
        torch = _torch()
        F = torch.nn.functional
        with torch.no_grad():
            for _ in range(n_power_iterations):
                self._u.copy_(F.normalize(torch.mv(weight_mat, self._v), dim=0, eps=self.eps))
                self._v.copy_(F.normalize(torch.mv(weight_mat.mH, self._u), dim=0,
                                          eps=self.eps))

    def forward(self, weight):
        torch = _torch()
        if weight.ndim == 1:
            return torch.nn.functional.normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        # clones: the buffers may be updated in place before this step's backward
        u = self._u.clone()
        v = self._v.clone()
        sigma = torch.vdot(u, torch.mv(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value):
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Spectral normalisation as a parametrization: ``module.<name>`` is the original
    divided by its largest singular value (power iteration state in
    ``parametrizations.<name>[0]._u`` / ``_v``)."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = _default_dim(module)
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module
