"""Rprop (torch.optim.Rprop)."""
from __future__ import annotations

import mindtorch_v2 as torch

from .optimizer import Optimizer, _check, _check_common, _to_scalar, _zero_step, _zeros

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Resilient backprop: each element's step size grows by etas[1] while the gradient
    keeps its sign and shrinks by etas[0] when it flips (that element then skips its
    update), clamped to step_sizes; p -= sign(g) * step_size."""

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_common(lr=lr)
        _check(0.0 < etas[0] < 1.0 < etas[1], f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                        maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        lr = _to_scalar(group["lr"])
        return {"step": _zero_step(),
                "prev": _zeros(p),
                "step_size": torch.full_like(p, complex(lr, lr) if torch.is_complex(p) else lr)}

    def _update(self, p, grad, state, group):
        etaminus, etaplus = group["etas"]
        step_min, step_max = group["step_sizes"]
        prev, step_size = state["prev"], state["step_size"]
        state["step"] += 1
        sign = grad.mul(prev).sign()
        pos, neg = sign.gt(0), sign.lt(0)
        # per-element factor, built in the parameter's dtype (etas rounded like torch's)
        factor = sign.masked_fill(pos, etaplus).masked_fill_(neg, etaminus) \
            .masked_fill_(sign.eq(0), 1)
        step_size.mul_(factor).clamp_(step_min, step_max)
        # where the sign flipped the gradient is forgotten: no update, prev becomes 0
        grad = grad.masked_fill(neg, 0)
        p.addcmul_(grad.sign(), step_size, value=-1)
        prev.copy_(grad)
