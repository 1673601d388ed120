"""torch.nn.modules: the layer classes."""
from .module import Module  # noqa: F401
from .container import (Sequential, ModuleList, ModuleDict, ParameterList,  # noqa: F401
                        ParameterDict)
from .linear import *  # noqa: F401,F403
from .flatten import *  # noqa: F401,F403
from .activation import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .batchnorm import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .pixelshuffle import *  # noqa: F401,F403
from .upsampling import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403
from .channelshuffle import *  # noqa: F401,F403
from .fold import *  # noqa: F401,F403
from . import (activation, batchnorm, channelshuffle, container, conv, distance,  # noqa: F401
               dropout, flatten, fold, linear, loss, module, normalization, padding,
               pixelshuffle, pooling, sparse, upsampling)
from .rnn import *  # noqa: F401,F403
from .activation_attention import *  # noqa: F401,F403
from .transformer import *  # noqa: F401,F403
from . import activation_attention, rnn, transformer  # noqa: F401
