"""torch.func.functional_call and stack_module_state."""
from __future__ import annotations

import contextlib


def _tied_names(module):
    """{name: set of all names sharing that tensor} for tied parameters/buffers only."""
    by_tensor = {}
    for getter in (module.named_parameters, module.named_buffers):
        for name, t in getter(remove_duplicate=False):
            by_tensor.setdefault(id(t), set()).add(name)
    return {n: names for names in by_tensor.values() if len(names) > 1 for n in names}


def _untie(module, values):
    """Extend ``values`` so every tied alias of a given name gets the same new tensor."""
    tied = _tied_names(module)
    given = [n for n in values if n in tied]
    for n in given:
        names = tied[n]
        passed = [m for m in names if m in values]
        if len(passed) > 1 and len({id(values[m]) for m in passed}) != 1:
            raise ValueError(f"functional_call got multiple values for keys {sorted(names)}, "
                             "which are tied. Consider using tie_weights=False")
    out = dict(values)
    for n in given:
        for m in tied[n]:
            out[m] = values[n]
    return out


def _owner(module, name):
    """(submodule, attribute) addressed by a dotted ``name``."""
    *path, attr = name.split(".")
    for p in path:
        module = getattr(module, p)
    return module, attr


_MISSING = object()


def _swap(module, name, value):
    """Set module attribute ``name`` to ``value``, return the previous one. Writes straight
    into _parameters/_buffers so a plain tensor can stand in for a Parameter."""
    owner, attr = _owner(module, name)
    for table in (owner._parameters, owner._buffers):
        if attr in table:
            old = table[attr]
            if value is _MISSING:
                del table[attr]
            else:
                table[attr] = value
            return old
    old = owner.__dict__.get(attr, _MISSING)
    if value is _MISSING:
        owner.__dict__.pop(attr, None)
    else:
        object.__setattr__(owner, attr, value)
    return old


def _check_keys(module, values):
    expected = {n for n, _ in module.named_parameters(remove_duplicate=False)}
    expected |= {n for n, _ in module.named_buffers(remove_duplicate=False)}
    unexpected = sorted(set(values) - expected)
    missing = sorted(expected - set(values))
    msgs = []
    if unexpected:
        msgs.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
    if missing:
        msgs.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
    if msgs:
        raise RuntimeError(f"Error(s) in reparametrizing for {module._get_name()}:\n\t"
                           + "\n\t".join(msgs))


@contextlib.contextmanager
def _reparametrize(module, values, tie_weights, strict):
    if tie_weights:
        values = _untie(module, values)
    if strict:
        _check_keys(module, values)
    originals = {}
    try:
        for name, v in values.items():
            originals[name] = _swap(module, name, v)
        yield
    finally:
        # restore in reverse so an attribute swapped twice ends at its true original
        for name in reversed(list(originals)):
            _swap(module, name, originals[name])


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """Call ``module(*args, **kwargs)`` with its parameters and buffers replaced by the
    tensors in ``parameter_and_buffer_dicts`` (a dict of dotted names, or a tuple/list of
    such dicts). The module itself is restored afterwards. With ``tie_weights`` a value given
    for one of several tied names is used for all of them; ``strict`` requires exactly the
    module's names."""
    if isinstance(parameter_and_buffer_dicts, dict):
        values = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, (list, tuple)):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError("Expected all elements of parameter_and_buffer_dicts to be "
                             "dictionaries")
        counts = {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                counts[k] = counts.get(k, 0) + 1
        repeated = [k for k, n in counts.items() if n > 1]
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of "
                             "functional call is ambiguous")
        values = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple "
                         f"of dicts, but got {type(parameter_and_buffer_dicts)}")
    if kwargs is None:
        kwargs = {}
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrize(module, values, tie_weights, strict):
        return module(*args, **kwargs)


def stack_module_state(models):
    """``(params, buffers)``: dicts mapping each name to the stack of that tensor over the
    ``models`` (same class, same training mode), ready for ``vmap(functional_call)``.
    Stacked parameters are new leaves requiring grad when the originals do."""
    from .. import stack
    models = list(models)
    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same "
                           "training/eval mode.")
    if not all(type(m) is type(models[0]) for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")

    def stacked(tensors, name):
        req = [t.requires_grad for t in tensors]
        if any(req) and not all(req):
            raise RuntimeError(f"Expected {name} from each model to have the same "
                               ".requires_grad")
        out = stack([t.detach() for t in tensors])
        return out.requires_grad_() if all(req) else out

    out = []
    for getter in ("named_parameters", "named_buffers"):
        per_model = [dict(getattr(m, getter)()) for m in models]
        out.append({k: stacked([d[k] for d in per_model], k) for k in per_model[0]})
    return tuple(out)
