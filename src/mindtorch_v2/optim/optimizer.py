"""The `Optimizer` base class: param groups, per-parameter state, state dicts, hooks.

Note [single-tensor updates]: every optimizer here follows torch's "single tensor" algorithm
(the one torch runs on CPU by default), one parameter at a time, with in-place mindtorch
tensor ops only -- no NumPy -- so the same code runs on every device. Subclasses declare
`_init_state(p, group)` (the lazily created state of a parameter) and
`_update(p, grad, state, group)` (one step for one parameter); `Optimizer.step` owns the
closure, grad mode, the loop and complex parameters. Python scalars are computed in double
precision exactly where torch computes them on the host (bias corrections from
`step.item()`), so trajectories equal torch's bit for bit or within rounding.
"""
from __future__ import annotations

import functools
import warnings
from collections import OrderedDict, defaultdict
from copy import deepcopy
from itertools import chain

import mindtorch_v2 as torch

from .._autograd.tensor_api import zero_grads

__all__ = ["Optimizer", "required", "register_optimizer_step_pre_hook",
           "register_optimizer_step_post_hook"]


class _RequiredParameter:
    """Singleton marking a default that every param group must supply."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()

_global_pre_hooks: OrderedDict = OrderedDict()
_global_post_hooks: OrderedDict = OrderedDict()


class RemovableHandle:
    """Handle returned by the hook registrations; `remove()` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks_dict):
        self.hooks_dict = hooks_dict
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self):
        self.hooks_dict.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _add_hook(table, hook):
    handle = RemovableHandle(table)
    table[handle.id] = hook
    return handle


def register_optimizer_step_pre_hook(hook):
    """Register a pre-step hook `hook(optimizer, args, kwargs)` for all optimizers."""
    return _add_hook(_global_pre_hooks, hook)


def register_optimizer_step_post_hook(hook):
    """Register a post-step hook `hook(optimizer, args, kwargs)` for all optimizers."""
    return _add_hook(_global_post_hooks, hook)


def _scalar_dtype():
    """dtype of the 'step' (and other scalar) state tensors, as torch chooses it."""
    return torch.float64 if torch.get_default_dtype() is torch.float64 else torch.float32


def _to_scalar(x):
    """A one-element tensor hyperparameter (e.g. a tensor lr) as a Python number."""
    return x.item() if isinstance(x, torch.Tensor) else x


def _zero_step():
    return torch.tensor(0.0, dtype=_scalar_dtype())


def _zeros(p):
    """A zero tensor like parameter ``p`` (its memory format kept): optimizer state."""
    return torch.zeros_like(p, memory_format=torch.preserve_format)


def _step_state(p, *names):
    """A parameter's fresh state: ``step`` 0 and a zero tensor like ``p`` for each name."""
    state = {"step": _zero_step()}
    for name in names:
        state[name] = _zeros(p)
    return state


def _weight_decayed(grad, p, group):
    """grad + weight_decay * p (grad itself when the group has no weight decay)."""
    if group["weight_decay"] != 0:
        grad = grad.add(p, alpha=group["weight_decay"])
    return grad


def _adam_moments(p, grad, state, group, lr):
    """The start of an Adam/AdamW or RAdam step: count it, apply weight decay (decoupled:
    p *= 1 - lr * wd; else wd * p added to grad), then update exp_avg = lerp(exp_avg, g,
    1 - beta1) and exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g^2.  Returns the step."""
    (beta1, beta2), wd = group["betas"], group["weight_decay"]
    state["step"] += 1
    if wd != 0:
        if group["decoupled_weight_decay"]:
            p.mul_(1 - lr * wd)
        else:
            grad = grad.add(p, alpha=wd)
    state["exp_avg"].lerp_(grad, 1 - beta1)
    state["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    return state["step"].item()


def _check(cond, msg):
    if not cond:
        raise ValueError(msg)


def _check_common(lr=0.0, eps=0.0, weight_decay=0.0, betas=None):
    """The hyperparameter checks shared by most optimizers, with torch's messages."""
    _check(0.0 <= lr, f"Invalid learning rate: {lr}")
    _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
    if betas is not None:
        _check(0.0 <= betas[0] < 1.0, f"Invalid beta parameter at index 0: {betas[0]}")
        _check(0.0 <= betas[1] < 1.0, f"Invalid beta parameter at index 1: {betas[1]}")
    _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
    if isinstance(lr, torch.Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")


def _with_hooks(step):
    """Wrap a subclass's `step` so step pre/post hooks (global and per instance) run."""
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        for hook in chain(_global_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if isinstance(result, tuple) and len(result) == 2:
                    args, kwargs = result
                else:
                    raise RuntimeError(f"{step} must return None or a tuple of "
                                       f"(new_args, new_kwargs), but got {result}.")
        out = step(self, *args, **kwargs)
        for hook in chain(self._optimizer_step_post_hooks.values(), _global_post_hooks.values()):
            hook(self, args, kwargs)
        return out
    wrapper._hooked = True
    return wrapper


class Optimizer:
    """Base class for all optimizers.

    Args:
        params: an iterable of tensors, of (name, tensor) pairs, or of dicts defining
            parameter groups.
        defaults: default values of the optimization options, used by groups that do not
            set them.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "_hooked", False):
            cls.step = _with_hooks(step)

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        if isinstance(params, torch.Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable "
                            "of Tensors or dicts, but got " + torch.typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    # -- pickling and printing -------------------------------------------------------------

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks",
                     "_optimizer_state_dict_pre_hooks", "_optimizer_state_dict_post_hooks",
                     "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            self.__dict__.setdefault(name, OrderedDict())
        self.defaults.setdefault("differentiable", False)

    def __repr__(self):
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        return s + ")"

    # -- param groups ----------------------------------------------------------------------

    def add_param_group(self, param_group):
        """Add a param group (a dict with 'params' and optional options) to `param_groups`."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, torch.Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        tensors = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. "
                                 "Some param names are missing")
            param_group["param_names"] = names
        for p in tensors:
            if not isinstance(p, torch.Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + torch.typename(p))
            if not self.defaults.get("differentiable", None) and not (
                    p.is_leaf or getattr(p, "retains_grad", False)):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        ids = {id(p) for p in tensors}
        if len(ids) != len(tensors):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "in future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                txt = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {txt} to the optimizer")
        if not seen.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # -- hooks -----------------------------------------------------------------------------

    def register_step_pre_hook(self, hook):
        """`hook(optimizer, args, kwargs)` runs before each step; may return new (args, kwargs)."""
        return _add_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """`hook(optimizer, args, kwargs)` runs after each step."""
        return _add_hook(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """`hook(optimizer)` runs before `state_dict()` builds its result."""
        return self._add_ordered(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """`hook(optimizer, state_dict)` runs after `state_dict()`; may return a new dict."""
        return self._add_ordered(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """`hook(optimizer, state_dict)` runs before loading; may return a new dict."""
        return self._add_ordered(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """`hook(optimizer)` runs after `load_state_dict()`."""
        return self._add_ordered(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    @staticmethod
    def _add_ordered(table, hook, prepend):
        handle = _add_hook(table, hook)
        if prepend:
            table.move_to_end(handle.id, last=False)
        return handle

    # -- state dicts -----------------------------------------------------------------------

    def state_dict(self):
        """The optimizer state as {'state': {index: {...}}, 'param_groups': [...]}, with
        parameters replaced by integer indices in group order (torch's structure)."""
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, torch.Tensor) else k): v
                 for k, v in self.state.items()}
        sd = {"state": state, "param_groups": groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, sd)
            if result is not None:
                sd = result
        return sd

    @staticmethod
    def _cast_state(param, value, key=None):
        """A loaded state value moved to the parameter's device (and floating dtype), except
        'step' which keeps its own dtype, as torch does."""
        if isinstance(value, torch.Tensor):
            if key == "step":
                return value
            if param.is_floating_point():
                return value.to(dtype=param.dtype, device=param.device)
            return value.to(device=param.device)
        if isinstance(value, dict):
            return {k: Optimizer._cast_state(param, v, k) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(Optimizer._cast_state(param, v) for v in value)
        return value

    def load_state_dict(self, state_dict):
        """Load a state dict produced by `state_dict()` (here or by torch, same structure)."""
        state_dict = state_dict.copy()
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't "
                             "match the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = self._cast_state(id_map[k], v)
            else:
                state[k] = v
        new_groups = []
        for g, ng in zip(groups, saved_groups):
            ng["params"] = g["params"]
            if "param_names" in g and "param_names" not in ng:
                ng["param_names"] = g["param_names"]
            new_groups.append(ng)
        self.__setstate__({"state": state, "param_groups": new_groups})
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)

    # -- stepping --------------------------------------------------------------------------

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all parameters: to None (default) or to zeros."""
        zero_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def _init_state(self, p, group):
        """The initial state of parameter `p` (empty by default)."""
        return {}

    def _update(self, p, grad, state, group):
        raise NotImplementedError

    def step(self, closure=None):
        """Perform one optimization step; `closure` re-evaluates the model and returns the
        loss (it runs with grad enabled)."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    # no entry for a parameter whose state stays empty (SGD without
                    # momentum), as in torch's state_dict
                    state = self.state[p] if p in self.state else self._init_state(p, group)
                    grad = p.grad if not group.get("maximize", False) else -p.grad
                    if torch.is_complex(p):
                        # update the real view; state tensors shaped like p are viewed too
                        real = {k: torch.view_as_real(v) if isinstance(v, torch.Tensor)
                                and torch.is_complex(v) else v for k, v in state.items()}
                        self._update(torch.view_as_real(p), torch.view_as_real(grad), real,
                                     group)
                        for k, v in real.items():  # entries the update (re)created
                            if k not in state or isinstance(v, torch.Tensor) and \
                                    v is not state[k] and not torch.is_complex(state[k]):
                                state[k] = torch.view_as_complex(v) if isinstance(
                                    v, torch.Tensor) and v.dim() == p.dim() + 1 else v
                    else:
                        self._update(p, grad, state, group)
                    if state and p not in self.state:
                        self.state[p] = state
        return loss


Optimizer.step = _with_hooks(Optimizer.step)
