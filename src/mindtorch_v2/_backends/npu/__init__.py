"""The ``npu`` backend: Huawei Ascend through ACL/ACLNN (real CANN or the software simulator).

Import-light on purpose: nothing is loaded until the first NPU use (``acl.get()``).
"""
from __future__ import annotations

from . import acl


def is_available():
    """True when an NPU can be used: the simulator is selected or CANN libraries are found."""
    return acl.is_available()


def use_simulator(devices=2, memory=16 << 30, **options):
    """Run the NPU backend on the software Ascend device (call before the first NPU use).

    ``devices``: number of simulated NPUs; ``memory``: bytes of device memory each; other
    options: ``soc_name``, ``latency`` (seconds every stream task waits before running).
    Same effect as ``MINDTORCH_NPU=sim`` in the environment, with these settings.
    """
    acl.use_simulator(devices=devices, memory=memory, **options)


__all__ = ["acl", "is_available", "use_simulator"]
