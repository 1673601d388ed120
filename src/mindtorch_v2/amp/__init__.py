"""torch.amp: automatic mixed precision (autocast regions and gradient scaling)."""
from __future__ import annotations

from . import autocast_mode  # noqa: F401 -- installs the dispatcher layer
from .autocast_mode import (  # noqa: F401
    autocast, custom_bwd, custom_fwd, is_autocast_available,
)
from .grad_scaler import GradScaler  # noqa: F401
from . import grad_scaler  # noqa: F401

__all__ = ["autocast", "GradScaler", "is_autocast_available", "custom_fwd", "custom_bwd"]
