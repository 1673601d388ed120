"""Old-style spectral normalisation (torch.nn.utils.spectral_norm): the weight is divided by
its largest singular value, estimated by power iteration on the buffers ``<name>_u`` and
``<name>_v`` (updated in place at each forward in training mode only).  The parameter
becomes ``<name>_orig``.  The new style lives in ``parametrizations.spectral_norm``."""
from __future__ import annotations

from ..parameter import Parameter

__all__ = ["SpectralNorm", "spectral_norm", "remove_spectral_norm"]


def _torch():
    import mindtorch_v2
    return mindtorch_v2


class SpectralNorm:
    """The forward pre-hook recomputing ``module.<name>`` as ``<name>_orig / sigma``."""

    _version = 1  # recorded in state_dict metadata, as torch does

    def __init__(self, name="weight", n_power_iterations=1, dim=0, eps=1e-12):
        self.name = name
        self.dim = dim
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.n_power_iterations = n_power_iterations
        self.eps = eps

    def reshape_weight_to_matrix(self, weight):
        """``weight`` with ``dim`` moved first, flattened to (size(dim), -1)."""
        if self.dim != 0:
            weight = weight.permute(self.dim, *[d for d in range(weight.dim()) if d != self.dim])
        return weight.reshape(weight.size(0), -1)

    def compute_weight(self, module, do_power_iteration):
        torch = _torch()
        F = torch.nn.functional
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u")
        v = getattr(module, self.name + "_v")
        weight_mat = self.reshape_weight_to_matrix(weight)
        if do_power_iteration:
            with torch.no_grad():
                for _ in range(self.n_power_iterations):
                    # in place: the buffers carry the estimate from one forward to the next
                    v.copy_(F.normalize(torch.mv(weight_mat.t(), u), dim=0, eps=self.eps))
                    u.copy_(F.normalize(torch.mv(weight_mat, v), dim=0, eps=self.eps))
                # clones, so a later in-place update does not break this step's backward
                u = u.clone()
                v = v.clone()
        sigma = torch.dot(u, torch.mv(weight_mat, v))
        return weight / sigma

    def remove(self, module):
        torch = _torch()
        with torch.no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        delattr(module, self.name)
        delattr(module, self.name + "_u")
        delattr(module, self.name + "_v")
        delattr(module, self.name + "_orig")
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name,
                self.compute_weight(module, do_power_iteration=module.training))

    @staticmethod
    def apply(module, name, n_power_iterations, dim, eps):
        torch = _torch()
        F = torch.nn.functional
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError("Cannot register two spectral_norm hooks on the same "
                                   f"parameter {name}")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        with torch.no_grad():
            h, w = fn.reshape_weight_to_matrix(weight).shape
            # same draw order as torch (u then v), so a seeded run gives the same buffers
            like = {"dtype": weight.dtype, "device": weight.device}
            u = F.normalize(torch.empty(h, **like).normal_(0, 1), dim=0, eps=fn.eps)
            v = F.normalize(torch.empty(w, **like).normal_(0, 1), dim=0, eps=fn.eps)
        delattr(module, fn.name)
        module.register_parameter(fn.name + "_orig", weight)
        # a plain attribute until the first forward recomputes it
        setattr(module, fn.name, weight.data)
        module.register_buffer(fn.name + "_u", u)
        module.register_buffer(fn.name + "_v", v)
        module.register_forward_pre_hook(fn)
        module._register_state_dict_hook(_StateDictHook(fn))
        return fn


class _StateDictHook:
    """Records the format version under ``<prefix>.spectral_norm`` in state_dict metadata."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, module, state_dict, prefix, local_metadata):
        key = self.fn.name + ".version"
        if "spectral_norm" not in local_metadata:
            local_metadata["spectral_norm"] = {}
        if key in local_metadata["spectral_norm"]:
            raise RuntimeError(f"Unexpected key in metadata['spectral_norm']: {key}")
        local_metadata["spectral_norm"][key] = self.fn._version


def _default_dim(module):
    from ..modules.conv import ConvTranspose1d, ConvTranspose2d
    kinds = [ConvTranspose1d, ConvTranspose2d]
    try:
        from ..modules.conv import ConvTranspose3d
        kinds.append(ConvTranspose3d)
    except ImportError:
        pass
    # a transposed conv stores (in, out, ...): its output dim is 1
    return 1 if isinstance(module, tuple(kinds)) else 0


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Apply spectral normalisation to ``module.<name>``; returns ``module``."""
    if dim is None:
        dim = _default_dim(module)
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module, name="weight"):
    """Undo :func:`spectral_norm`: ``module.<name>`` becomes a plain parameter again."""
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            break
    else:
        raise ValueError(f"spectral_norm of '{name}' not found in {module}")
    for k, hook in list(module._state_dict_hooks.items()):
        if isinstance(hook, _StateDictHook) and hook.fn.name == name:
            del module._state_dict_hooks[k]
            break
    return module
