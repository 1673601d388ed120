"""torch.fft"""
from ._ops.fft import *  # noqa: F401,F403
