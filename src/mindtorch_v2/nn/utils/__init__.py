"""torch.nn.utils: sequence packing, gradient clipping, parameter vectors, weight
reparametrisations.  The helper modules besides ``rnn`` are imported when present, so a
partial checkout still imports."""
import importlib as _importlib

from . import rnn  # noqa: F401
from .rnn import (PackedSequence, pack_padded_sequence, pad_packed_sequence,  # noqa: F401
                  pad_sequence, pack_sequence, unpad_sequence, unpack_sequence)

# module name -> public names it provides at the nn.utils level
_OPTIONAL = {
    "clip_grad": ("clip_grad_norm_", "clip_grad_norm", "clip_grad_value_",
                  "get_total_norm", "clip_grads_with_norm_"),
    "convert_parameters": ("parameters_to_vector", "vector_to_parameters"),
    "weight_norm": ("weight_norm", "remove_weight_norm"),
    "spectral_norm": ("spectral_norm", "remove_spectral_norm"),
    "parametrize": (),
    "parametrizations": (),
}

for _mod, _names in _OPTIONAL.items():
    try:
        _m = _importlib.import_module(f"{__name__}.{_mod}")
    except ImportError as _e:
        if getattr(_e, "name", None) != f"{__name__}.{_mod}":
            raise  # the module exists but is broken: do not hide that
        continue
    if _mod in ("parametrize", "parametrizations"):
        globals()[_mod] = _m
    for _n in _names:
        if hasattr(_m, _n):
            globals()[_n] = getattr(_m, _n)
del _mod, _names
