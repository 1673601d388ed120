"""Stochastic gradient descent (torch.optim.SGD)."""
from __future__ import annotations

from .optimizer import Optimizer, _check, _check_common, _to_scalar

__all__ = ["SGD"]


class SGD(Optimizer):
    """SGD with optional momentum, dampening, Nesterov momentum and weight decay.

    Per step: g = grad (+ weight_decay * p); with momentum, b = g on the first step and
    b = momentum * b + (1 - dampening) * g afterwards, then g = g + momentum * b (Nesterov)
    or g = b; finally p -= lr * g.
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        _check(not lr < 0.0, f"Invalid learning rate: {lr}")
        _check(not momentum < 0.0, f"Invalid momentum value: {momentum}")
        _check(not weight_decay < 0.0, f"Invalid weight_decay value: {weight_decay}")
        _check_common(lr=lr)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for key in ("nesterov", "maximize", "differentiable"):
                group.setdefault(key, False)
            group.setdefault("foreach", None)
            group.setdefault("fused", None)

    def _update(self, p, grad, state, group):
        wd, momentum = group["weight_decay"], group["momentum"]
        if wd != 0:
            grad = grad.add(p, alpha=wd)
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = grad.detach().clone()
            else:
                buf.mul_(momentum).add_(grad, alpha=1 - group["dampening"])
            grad = grad.add(buf, alpha=momentum) if group["nesterov"] else buf
        p.add_(grad, alpha=-_to_scalar(group["lr"]))
