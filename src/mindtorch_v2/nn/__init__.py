"""torch.nn (issue 4): modules, parameters and initialisers."""
from .parameter import Parameter, Buffer  # noqa: F401
from .modules import *  # noqa: F401,F403
from .modules import (Module, Sequential, ModuleList, ModuleDict, ParameterList,  # noqa: F401
                      ParameterDict)
from . import init, modules, parameter  # noqa: F401
from . import functional  # noqa: F401
from . import utils  # noqa: F401
