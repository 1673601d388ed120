"""RAdam (torch.optim.RAdam)."""
from __future__ import annotations

from .optimizer import Optimizer, _adam_moments, _check_common, _step_state, _to_scalar

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """Rectified Adam: while the variance estimate is untrustworthy (rho_t <= 5) the step is
    plain momentum SGD p -= lr * m_hat; afterwards the adaptive Adam step is scaled by the
    rectification term r_t."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        _check_common(lr=lr, eps=eps, weight_decay=weight_decay, betas=betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        return _step_state(p, "exp_avg", "exp_avg_sq")

    def _update(self, p, grad, state, group):
        lr, (beta1, beta2), eps = _to_scalar(group["lr"]), group["betas"], group["eps"]
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        step = _adam_moments(p, grad, state, group, lr)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        m_hat = exp_avg / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive_lr = (bias_correction2 ** 0.5) / exp_avg_sq.sqrt().add_(eps)
            p.add_(m_hat * lr * adaptive_lr * rect, alpha=-1.0)
        else:
            p.add_(m_hat * lr, alpha=-1.0)
