"""The backward engine: dependency counting, then nodes in topological order.

Nodes run when every edge into them has delivered its gradient; among ready nodes the most
recently created runs first (as torch's CPU engine does), which fixes hook order.

Note [grad reduction]: formulas return gradients shaped like the broadcast computation; the
engine reduces each one to its input's shape (summing broadcast dims), casts it to the
input's dtype (real part for a real input) and device -- once, here, for every op.
"""
from __future__ import annotations

import heapq

from .._dispatch.dispatcher import STATE
from .._tensor import Tensor, _non_overlapping_and_dense
from . import anomaly
from .node import AccumulateGrad, edge_of, grad_accumulator

__all__ = ["run_backward"]


def _reduce(g, meta):
    shape, dtype, device = meta
    if g._shape != shape:
        g = sum_to_size(g, shape)
    if g.dtype is not dtype:
        if g.dtype.is_complex and not dtype.is_complex:
            g = g.real
        g = g.to(dtype)
    if g.device is not device and g.device != device:
        g = g.to(device)
    return g


def sum_to_size(g, shape):
    """Sum ``g`` down to ``shape`` (the inverse of broadcasting ``shape`` to g's shape)."""
    gs = g._shape
    lead = len(gs) - len(shape)
    if lead < 0:
        return g.reshape(shape)
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                      if s == 1 and gs[lead + i] != 1)
    if dims:
        g = g.sum(dim=dims, keepdim=True)
    if lead:
        g = g.reshape(shape)
    elif g._shape != shape:
        g = g.reshape(shape)
    return g


def _check_root_grad(t, g, i):
    if g._shape != t._shape:
        raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                           f"torch.Size({list(g._shape)}) and output[{i}] has a shape of "
                           f"torch.Size({list(t._shape)}).")
    if g.dtype.is_complex != t.dtype.is_complex:
        raise RuntimeError("For complex Tensors, both grad_output and output are required to "
                           "have the same dtype. Mismatch in dtype: grad_output[0] has a dtype "
                           f"of {g.dtype} and output[0] has a dtype of {t.dtype}.")


def _root_edges(tensors, grads):
    from .._ops.creation import ones_like
    roots = []
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError("backward(): expected Tensors as outputs")
        if not t._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                               "have a grad_fn")
        g = grads[i] if grads is not None and i < len(grads) else None
        if g is None:
            if t.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not (t.dtype.is_floating_point or t.dtype.is_complex):
                raise RuntimeError("grad can be implicitly created only for real scalar "
                                   f"outputs but got {t.dtype}")
            g = ones_like(t, memory_format=None)
        else:
            if not isinstance(g, Tensor):
                from .._ops.creation import tensor as _tensor
                g = _tensor(g, dtype=t.dtype, device=t.device)
            _check_root_grad(t, g, i)
        roots.append((edge_of(t), g))
    return roots


def _discover(roots):
    """Dependency counts of every node reachable from the roots."""
    deps = {}
    seen = set()
    stack = list(dict.fromkeys(e[0] for e, _ in roots))  # several roots may share a node
    for n in stack:
        seen.add(n)
    while stack:
        node = stack.pop()
        for e in node.next_functions:
            child = e[0]
            if child is None:
                continue
            deps[child] = deps.get(child, 0) + 1
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return deps, seen


def _needed(seen, targets):
    """Nodes from which a target node is reachable (only those run for autograd.grad)."""
    parents = {}
    for node in seen:
        for e in node.next_functions:
            if e[0] is not None:
                parents.setdefault(e[0], []).append(node)
    needed = set()
    stack = [t for t in targets if t in seen]
    while stack:
        n = stack.pop()
        if n in needed:
            continue
        needed.add(n)
        stack.extend(parents.get(n, ()))
    return needed


def _add(a, b):
    return b if a is None else (a if b is None else a + b)


def _run_pre_hooks(node, grads):
    for entry in node._pre_hooks:
        if entry[0] == "tensor":
            _, nr, fn = entry
            if nr < len(grads) and grads[nr] is not None:
                new = fn(grads[nr])
                if new is not None:
                    grads[nr] = new
        else:
            new = entry[1](tuple(grads))
            if new is not None:
                grads[:] = list(new)
    return grads


def _run_retain_hooks(node, grads):
    for nr, ref in node._retain_hooks:
        t = ref()
        if t is not None and nr < len(grads) and grads[nr] is not None:
            g = grads[nr]
            t.grad = g.detach().clone() if t.grad is None else t.grad + g.detach()


def _in_layout_of(var, g):
    """A copy of ``g`` laid out like ``var`` (dense) or contiguous (var overlaps/has gaps)."""
    if _non_overlapping_and_dense(var._shape, var._stride):
        from .._ops.creation import empty_strided
        out = empty_strided(var._shape, var._stride, dtype=g.dtype, device=g.device)
        out.copy_(g)
        return out
    return g.clone(memory_format=_contiguous_format())


def _contiguous_format():
    from .._ops.copy_ops import contiguous_format
    return contiguous_format


def _accumulate(acc, g, create_graph, owned):
    var = acc.variable
    hooks = var.__dict__.get("_backward_hooks")
    if hooks:
        for fn in list(hooks.values()):
            new = fn(g)
            if new is not None:
                g = new
    if acc._pre_hooks:
        g = _run_pre_hooks(acc, [g])[0]
    if not create_graph:
        g = g.detach()
    old = var.grad
    if old is None:
        if g._stride != var._stride and var._shape == g._shape:
            # torch's layout contract: .grad has the parameter's strides when those are
            # dense (a weight's grad from x^T @ g arrives transposed; the optimizer's
            # in-place updates then stream through both in the same order), else it is
            # contiguous
            g = _in_layout_of(var, g)
        elif id(g) in owned or g._base is not None:
            g = g.clone()
        owned.add(id(g))
        var.grad = g
    elif create_graph or old._requires_grad:
        var.grad = old + g
    else:
        old.add_(g)
    post = var.__dict__.get("_post_accumulate_grad_hooks")
    if post:
        for fn in list(post.values()):
            fn(var)


def run_backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
                 inputs=None, allow_unused=False):
    """Backpropagate from ``tensors``.

    Without ``inputs`` gradients accumulate into the leaves' ``.grad``; with ``inputs``
    (autograd.grad) the gradients reaching them are returned and no ``.grad`` changes.
    """
    if retain_graph is None:
        retain_graph = create_graph
    roots = _root_edges(tensors, grad_tensors)
    deps, seen = _discover(roots)
    captures = None
    needed = None
    if inputs is not None:
        targets = []
        captures = {}
        for i, t in enumerate(inputs):
            if not isinstance(t, Tensor):
                raise TypeError("grad(): inputs must be Tensors")
            if not t._requires_grad:
                raise RuntimeError(f"One of the differentiated Tensors does not require grad")
            node = t.grad_fn if t.grad_fn is not None else grad_accumulator(t)
            nr = t._ag if t.grad_fn is not None else 0
            captures.setdefault(node, []).append((nr, i))
            targets.append(node)
        needed = _needed(seen, targets)
    results = [None] * (len(inputs) if inputs is not None else 0)

    buffers = {}
    for edge, g in roots:
        node, nr = edge
        buf = buffers.setdefault(node, {})
        buf[nr] = _add(buf.get(nr), g)
    ready = []
    for node in {edge[0] for edge, _ in roots}:
        if deps.get(node, 0) == 0:
            heapq.heappush(ready, (-node.seq, id(node), node))
    owned = set()
    prev_grad = STATE.grad_enabled
    STATE.grad_enabled = bool(create_graph)
    try:
        while ready:
            _, _, node = heapq.heappop(ready)
            is_acc = type(node) is AccumulateGrad
            buf = buffers.pop(node, None)
            om = getattr(node, "out_meta", None)
            n_all = len(om) if om is not None else 1
            if buf is None:
                grads = [None] * n_all
            elif n_all == 1 and len(buf) == 1 and 0 in buf:  # the common single output
                grads = [buf[0]]
            else:
                grads = [buf.get(i) for i in range(max(max(buf) + 1, n_all))]
            if node._pre_hooks and not is_acc:
                grads = _run_pre_hooks(node, grads)
            if node._retain_hooks:
                _run_retain_hooks(node, grads)
            if captures is not None and node in captures:
                for nr, i in captures[node]:
                    g = grads[nr] if nr < len(grads) else None
                    if is_acc and g is not None:
                        hooks = node.variable.__dict__.get("_backward_hooks")
                        if hooks:
                            for fn in list(hooks.values()):
                                new = fn(g)
                                if new is not None:
                                    g = new
                    results[i] = _add(results[i], g)
            if is_acc:
                if captures is None and grads[0] is not None:
                    _accumulate(node, grads[0], create_graph, owned)
                continue
            if needed is not None and node not in needed:
                continue
            if (grads[0] is None and len(grads) == 1) or all(g is None for g in grads):
                outs = [None] * len(node.next_functions)
            else:
                outs = node.apply(grads)
                if anomaly.ENABLED[0]:
                    anomaly.check(node, outs)
            if node._hooks:
                for fn in node._hooks:
                    new = fn(tuple(outs), tuple(grads))
                    if new is not None:
                        outs = list(new)
            if not retain_graph:
                node.release()
            metas = getattr(node, "in_meta", None)
            for i, e in enumerate(node.next_functions):
                child, nr = e
                if child is None:
                    continue
                g = outs[i] if i < len(outs) else None
                if g is not None and metas is not None:
                    m = metas[i]
                    if g._shape != m[0] or g.dtype is not m[1] or g.device is not m[2]:
                        g = _reduce(g, m)
                if g is not None and (needed is None or child in needed):
                    b = buffers.setdefault(child, {})
                    b[nr] = _add(b.get(nr), g)
                left = deps[child] - 1
                deps[child] = left
                if left == 0 and (needed is None or child in needed):
                    heapq.heappush(ready, (-child.seq, id(child), child))
    finally:
        STATE.grad_enabled = prev_grad
    if inputs is not None:
        if not allow_unused:
            for i, r in enumerate(results):
                if r is None:
                    raise RuntimeError("One of the differentiated Tensors appears to not have "
                                       "been used in the graph. Set allow_unused=True if this "
                                       "is the desired behavior.")
        if not create_graph:
            results = [r.detach() if r is not None else None for r in results]
    return results


def _num_outputs(node):
    om = getattr(node, "out_meta", None)
    return len(om) if om is not None else 1
