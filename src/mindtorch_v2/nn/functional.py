"""torch.nn.functional"""
from ._functional.activation import *  # noqa: F401,F403
from ._functional.attention import *  # noqa: F401,F403
from ._functional.distance import *  # noqa: F401,F403
from ._functional.linear import *  # noqa: F401,F403
from ._functional.loss import *  # noqa: F401,F403
from ._functional.norm import *  # noqa: F401,F403
from ._functional.spatial import *  # noqa: F401,F403
