"""NAdam (torch.optim.NAdam)."""
from __future__ import annotations

import mindtorch_v2 as torch

from .optimizer import (Optimizer, _check, _check_common, _scalar_dtype, _to_scalar, _zero_step,
                        _zeros)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """Adam with Nesterov momentum and the momentum schedule
    mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay)); the running product of mu is kept
    in the 'mu_product' state tensor (in the scalar dtype, as torch does)."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _check_common(lr=lr, eps=eps, weight_decay=weight_decay, betas=betas)
        _check(0.0 <= momentum_decay, f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        return {"step": _zero_step(), "mu_product": torch.tensor(1.0, dtype=_scalar_dtype()),
                "exp_avg": _zeros(p), "exp_avg_sq": _zeros(p)}

    def _update(self, p, grad, state, group):
        lr, (beta1, beta2) = _to_scalar(group["lr"]), group["betas"]
        wd, eps, md = group["weight_decay"], group["eps"], group["momentum_decay"]
        exp_avg, exp_avg_sq, mu_product = state["exp_avg"], state["exp_avg_sq"], \
            state["mu_product"]
        state["step"] += 1
        step = state["step"].item()
        bias_correction2 = 1 - beta2 ** step
        if wd != 0:
            if group["decoupled_weight_decay"]:
                p.mul_(1 - lr * wd)
            else:
                grad = grad.add(p, alpha=wd)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * md))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * md))
        mu_product *= mu
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        denom = exp_avg_sq.div(bias_correction2).sqrt().add_(eps)
        mu_prod = mu_product.item()
        p.addcdiv_(grad, denom, value=-lr * (1.0 - mu) / (1.0 - mu_prod))
        p.addcdiv_(exp_avg, denom, value=-lr * mu_next / (1.0 - mu_prod * mu_next))
