"""Adadelta (torch.optim.Adadelta)."""
from __future__ import annotations

from .optimizer import Optimizer, _check, _check_common, _step_state, _to_scalar, _weight_decayed

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta: v = rho * v + (1 - rho) * g^2,
    delta = sqrt(u + eps) / sqrt(v + eps) * g, u = rho * u + (1 - rho) * delta^2,
    p -= lr * delta."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        _check(0.0 <= lr, f"Invalid learning rate: {lr}")
        _check(0.0 <= rho <= 1.0, f"Invalid rho value: {rho}")
        _check_common(lr=lr, eps=eps, weight_decay=weight_decay)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, capturable=capturable, foreach=foreach,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        return _step_state(p, "square_avg", "acc_delta")

    def _update(self, p, grad, state, group):
        rho, eps = group["rho"], group["eps"]
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        state["step"] += 1
        grad = _weight_decayed(grad, p, group)
        square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
        std = square_avg.add(eps).sqrt_()
        delta = acc_delta.add(eps).sqrt_().div_(std).mul_(grad)
        acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
        p.add_(delta, alpha=-_to_scalar(group["lr"]))
