"""Adamax (torch.optim.Adamax)."""
from __future__ import annotations

import mindtorch_v2 as torch

from .optimizer import Optimizer, _check_common, _step_state, _to_scalar, _weight_decayed

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax: m = lerp(m, g, 1 - beta1), u = max(beta2 * u, |g| + eps),
    p -= lr / (1 - beta1^t) * m / u."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        _check_common(lr=lr, eps=eps, weight_decay=weight_decay, betas=betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        return _step_state(p, "exp_avg", "exp_inf")

    def _update(self, p, grad, state, group):
        (beta1, beta2), eps = group["betas"], group["eps"]
        exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
        state["step"] += 1
        grad = _weight_decayed(grad, p, group)
        exp_avg.lerp_(grad, 1 - beta1)
        torch.maximum(exp_inf.mul_(beta2), grad.abs().add_(eps), out=exp_inf)
        clr = _to_scalar(group["lr"]) / (1 - beta1 ** state["step"].item())
        p.addcdiv_(exp_avg, exp_inf, value=-clr)
