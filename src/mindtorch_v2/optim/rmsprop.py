"""RMSprop (torch.optim.RMSprop)."""
from __future__ import annotations

from .optimizer import (Optimizer, _check, _check_common, _step_state, _to_scalar, _weight_decayed,
                        _zeros)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop: v = alpha * v + (1 - alpha) * g^2; centered subtracts the squared running
    mean of g; with momentum b = momentum * b + g / (sqrt(v) + eps), p -= lr * b."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        _check_common(lr=lr, eps=eps)
        _check(0.0 <= momentum, f"Invalid momentum value: {momentum}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        _check(0.0 <= alpha, f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        state = _step_state(p, "square_avg")
        if group["momentum"] > 0:
            state["momentum_buffer"] = _zeros(p)
        if group["centered"]:
            state["grad_avg"] = _zeros(p)
        return state

    def _update(self, p, grad, state, group):
        alpha, eps, lr = group["alpha"], group["eps"], _to_scalar(group["lr"])
        square_avg = state["square_avg"]
        state["step"] += 1
        grad = _weight_decayed(grad, p, group)
        square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg.lerp_(grad, 1 - alpha)
            avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        else:
            avg = square_avg.sqrt()
        avg = avg.add_(eps)
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]
            buf.mul_(group["momentum"]).addcdiv_(grad, avg)
            p.add_(buf, alpha=-lr)
        else:
            p.addcdiv_(grad, avg, value=-lr)
