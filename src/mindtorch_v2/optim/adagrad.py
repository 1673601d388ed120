"""Adagrad (torch.optim.Adagrad)."""
from __future__ import annotations

import mindtorch_v2 as torch

from .optimizer import Optimizer, _check, _check_common, _to_scalar, _weight_decayed, _zero_step

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad: s += g^2, p -= lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps).

    Unlike the other optimizers, the state of every parameter exists from construction.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, foreach=None, *, maximize=False,
                 differentiable=False, fused=None):
        _check(0.0 <= lr, f"Invalid learning rate: {lr}")
        _check(0.0 <= lr_decay, f"Invalid lr_decay value: {lr_decay}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        _check(0.0 <= initial_accumulator_value,
               f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        _check_common(lr=lr, eps=eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p].update(self._init_state(p, group))

    def _init_state(self, p, group):
        init = group["initial_accumulator_value"]
        if torch.is_complex(p):
            init = complex(init, init)
        return {"step": _zero_step(),
                "sum": torch.full_like(p, init, memory_format=torch.preserve_format)}

    def _update(self, p, grad, state, group):
        state["step"] += 1
        step = state["step"].item()
        grad = _weight_decayed(grad, p, group)
        clr = _to_scalar(group["lr"]) / (1 + (step - 1) * group["lr_decay"])
        state["sum"].addcmul_(grad, grad, value=1)
        std = state["sum"].sqrt().add_(group["eps"])
        p.addcdiv_(grad, std, value=-clr)
