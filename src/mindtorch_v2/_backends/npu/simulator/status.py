"""Status codes the simulator returns (values from acl_api.json) and its error type."""
from __future__ import annotations

from ..acl import STATUS

globals().update(STATUS)   # ACL_ERROR_RT_MEMORY_ALLOCATION, ACLNN_ERR_PARAM_INVALID, ...


class SimError(Exception):
    """Raised inside the simulator; the C entry point returns ``status`` and records ``msg``."""

    def __init__(self, status, msg):
        super().__init__(msg)
        self.status = status
        self.msg = msg
