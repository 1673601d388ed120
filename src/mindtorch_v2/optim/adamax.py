"""Adamax (torch.optim.Adamax)."""
from __future__ import annotations

import mindtorch_v2 as torch

from .optimizer import Optimizer, _check_common, _to_scalar, _zero_step

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
        return {"step": _zero_step(),
                "exp_avg": torch.zeros_like(p, memory_format=torch.preserve_format),
                "exp_inf": torch.zeros_like(p, memory_format=torch.preserve_format)}

    def _update(self, p, grad, state, group):
        (beta1, beta2), eps = group["betas"], group["eps"]
        exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = grad.add(p, alpha=group["weight_decay"])
        exp_avg.lerp_(grad, 1 - beta1)
        torch.maximum(exp_inf.mul_(beta2), grad.abs().add_(eps), out=exp_inf)
        clr = _to_scalar(group["lr"]) / (1 - beta1 ** state["step"].item())
        p.addcdiv_(exp_avg, exp_inf, value=-clr)
