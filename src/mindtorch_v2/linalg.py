"""torch.linalg"""
from ._ops.linalg import *  # noqa: F401,F403
