"""torch.nn.utils.parameters_to_vector / vector_to_parameters."""
from __future__ import annotations

from ... import _tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_same_device(param, old_device):
    if old_device is not None and param.device != old_device:
        raise TypeError("Found two parameters on different devices, this is currently not "
                        "supported.")
    return param.device


def parameters_to_vector(parameters):
    """Flatten an iterable of parameters into one 1-D tensor (a copy)."""
    import mindtorch_v2 as torch
    device, vec = None, []
    for p in parameters:
        device = _check_same_device(p, device)
        vec.append(p.view(-1))  # like torch: a non-viewable parameter raises
    return torch.cat(vec)


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-D ``vec`` into ``parameters`` (their ``.data`` is
    replaced by views of ``vec``, as torch does)."""
    import mindtorch_v2 as torch
    if not isinstance(vec, _tensor.Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {torch.typename(vec)}")
    device, pointer = None, 0
    for p in parameters:
        device = _check_same_device(p, device)
        n = p.numel()
        p.data = vec[pointer:pointer + n].view_as(p).data
        pointer += n
