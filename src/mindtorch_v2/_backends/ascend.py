"""Compatibility shim: ``_backends.ascend`` is the ``_backends.npu`` package (seed 002)."""
from .npu import *  # noqa: F401,F403
from .npu import acl, is_available, use_simulator  # noqa: F401
