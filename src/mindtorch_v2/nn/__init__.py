"""torch.nn (issue 4): modules, parameters and initialisers."""
from .parameter import Parameter, Buffer  # noqa: F401
from .modules import (Module, Sequential, ModuleList, ModuleDict, ParameterList,  # noqa: F401
                      ParameterDict, Identity, Linear, Flatten, Unflatten, ReLU)
from . import init, modules, parameter  # noqa: F401
