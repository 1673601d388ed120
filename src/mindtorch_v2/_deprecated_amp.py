"""The deprecated ``torch.<device>.amp`` modules: aliases of torch.amp for one device type,
with torch's FutureWarnings (shared by torch.cpu and torch.cuda)."""
from __future__ import annotations

import sys
import types
import warnings


def deprecated_amp_module(parent, device_type, default_dtype):
    """Build and register ``<parent>.amp``; ``default_dtype`` names autocast's default dtype."""

    def autocast(enabled=True, dtype=None, cache_enabled=True):
        from . import amp as _amp
        warnings.warn(f"`torch.{device_type}.amp.autocast(args...)` is deprecated. Please use "
                      f"`torch.amp.autocast('{device_type}', args...)` instead.", FutureWarning,
                      stacklevel=2)
        return _amp.autocast(device_type, dtype=dtype or getattr(sys.modules[__package__],
                                                                 default_dtype),
                             enabled=enabled, cache_enabled=cache_enabled)

    def grad_scaler(init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                    growth_interval=2000, enabled=True):
        from . import amp as _amp
        warnings.warn(f"`torch.{device_type}.amp.GradScaler(args...)` is deprecated. Please use "
                      f"`torch.amp.GradScaler('{device_type}', args...)` instead.", FutureWarning,
                      stacklevel=2)
        return _amp.GradScaler(device_type, init_scale, growth_factor, backoff_factor,
                               growth_interval, enabled)

    module = types.ModuleType(parent + ".amp",
                              f"torch.{device_type}.amp (deprecated aliases of torch.amp)")
    module.autocast = autocast
    module.GradScaler = grad_scaler
    sys.modules.setdefault(module.__name__, module)  # ``import torch.<device>.amp``
    return module
