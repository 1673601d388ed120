"""torch.nn.functional: distance functions (composites of norms and reductions)."""
from __future__ import annotations

import mindtorch_v2 as torch

__all__ = ["cosine_similarity", "pairwise_distance", "pdist", "cdist"]


def _clamped(norm, eps):
    # the value is clamped at eps but the gradient flows as if unclamped (torch clamps
    # the norms under no_grad)
    return norm + (norm.clamp_min(eps) - norm).detach()


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps)) along ``dim`` (broadcasting)."""
    x1, x2 = torch.broadcast_tensors(x1, x2)
    n1 = _clamped(torch.linalg.vector_norm(x1, 2, dim, keepdim=True), eps)
    n2 = _clamped(torch.linalg.vector_norm(x2, 2, dim, keepdim=True), eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p over the last dim."""
    nd = max(x1.dim(), x2.dim())
    if nd == 0:
        return torch.linalg.vector_norm(x1 - x2 + eps, p, keepdim=keepdim)
    return torch.linalg.vector_norm(x1 - x2 + eps, p, -1, keepdim=keepdim)


def pdist(input, p=2):
    """p-norm distances between all row pairs i < j of a 2-D input (condensed)."""
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    i, j = torch.triu_indices(n, n, 1)
    return torch.linalg.vector_norm(input[i] - input[j], p, -1)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """p-norm distances between every row of x1 and every row of x2 (batched)."""
    if x1.dim() < 2 or x2.dim() < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.dim()}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return torch.linalg.vector_norm(diff, p, -1)
