"""torch.autograd"""
from .._autograd.anomaly import (  # noqa: F401
    detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly,
)
from .._autograd.grad_mode import (  # noqa: F401
    enable_grad, inference_mode, no_grad, set_grad_enabled,
)
from .._autograd.tensor_api import backward, grad  # noqa: F401
from .._tensor import Tensor as Variable  # noqa: F401
from . import function, functional, gradcheck as _gradcheck_mod, graph  # noqa: F401
from .function import Function, InplaceFunction, once_differentiable  # noqa: F401
from .gradcheck import GradcheckError, gradcheck, gradgradcheck  # noqa: F401
