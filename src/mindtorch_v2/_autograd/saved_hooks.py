"""saved_tensors_hooks: pack/unpack hooks applied to tensors saved for backward."""
from __future__ import annotations

import threading

_local = threading.local()
ACTIVE = [0]  # hook contexts open in any thread: lets the hot path skip the lookup


def current():
    stack = getattr(_local, "stack", None)
    return stack[-1] if stack else None


def pack(hooks, t):
    """Run a pack hook with hooks off: ops inside it save tensors plainly (as torch)."""
    stack = getattr(_local, "stack", None)
    _local.stack = []
    ACTIVE[0] -= 1
    try:
        return hooks[0](t)
    finally:
        _local.stack = stack
        ACTIVE[0] += 1


class saved_tensors_hooks:
    """Within the block, tensors saved for backward go through pack_hook; unpack_hook
    gives them back when the backward needs them."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        msg = getattr(_local, "disabled", None)
        if msg is not None:
            raise RuntimeError(msg)
        if getattr(_local, "stack", None) is None:
            _local.stack = []
        _local.stack.append((self.pack_hook, self.unpack_hook))
        ACTIVE[0] += 1
        return self

    def __exit__(self, *exc):
        _local.stack.pop()
        ACTIVE[0] -= 1
        return False


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors are moved to the CPU and back to their device for backward."""

    def __init__(self, pin_memory=False, device_type="npu"):
        def pack(t):
            return (t.device, t.cpu())

        def unpack(packed):
            dev, t = packed
            return t.to(dev)
        super().__init__(pack, unpack)


class disable_saved_tensors_hooks:
    """Within the block, opening a saved_tensors_hooks context raises ``error_message``."""

    def __init__(self, error_message):
        self.msg = error_message

    def __enter__(self):
        self.prev = getattr(_local, "disabled", None)
        _local.disabled = self.msg
        return self

    def __exit__(self, *exc):
        _local.disabled = self.prev
        return False
