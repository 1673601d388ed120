"""torch.autograd"""
from .._autograd.anomaly import detect_anomaly, set_detect_anomaly  # noqa: F401
from .._autograd.grad_mode import (  # noqa: F401
    enable_grad, inference_mode, no_grad, set_grad_enabled,
)
from .._autograd.tensor_api import backward, grad  # noqa: F401
from . import graph  # noqa: F401
