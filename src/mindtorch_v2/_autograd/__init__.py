"""Autograd: grad mode, the graph (nodes), the engine and the dispatcher's autograd layer."""
from .grad_mode import (  # noqa: F401
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
    set_grad_enabled,
)


from .backward_hook import BackwardHook  # noqa: E402,F401


def install():
    """Hook the autograd layer into the dispatcher and load every backward formula."""
    from . import formulas, layer, tensor_api  # noqa: F401
    formulas.install()
    layer.install()
