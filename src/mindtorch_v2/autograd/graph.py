"""torch.autograd.graph"""
from .._autograd.node import Node  # noqa: F401
from .._autograd.saved_hooks import (  # noqa: F401
    disable_saved_tensors_hooks, save_on_cpu, saved_tensors_hooks,
)
