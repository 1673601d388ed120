"""The autograd graph: nodes (one per differentiable op call), saved tensors, leaves.

Note [edges]: a node's ``next_functions`` is a tuple of (node, input_nr) pairs, one per
tensor input of the forward call ((None, 0) for inputs that do not require grad, as torch): the node that
produced the input and which of that node's outputs it was.  Leaves that require grad are
represented by an ``AccumulateGrad`` node that holds the leaf; the leaf keeps only a weak
reference to it (``Tensor._ag``), so a graph is freed as soon as its outputs are.

Note [saved tensors]: a forward input the backward formula reads is kept as a
``SavedTensor`` that remembers the version counter at save time; unpacking after an
in-place change raises torch's error.  A saved *output* is stored without its grad_fn
(which would be a reference cycle output -> node -> output) and gets it back on unpack.
"""
from __future__ import annotations

import itertools
import weakref

from . import saved_hooks

__all__ = ["Node", "AccumulateGrad", "SavedTensor", "edge_of"]

_seq = itertools.count()

_FREED_MSG = ("Trying to backward through the graph a second time (or directly access saved "
              "tensors after they have already been freed). Saved intermediate values of the "
              "graph are freed when you call .backward() or autograd.grad(). Specify "
              "retain_graph=True if you need to backward through the graph a second time or if "
              "you need to access saved tensors after calling backward.")


class SavedTensor:
    __slots__ = ("data", "version", "vc", "node_ref", "output_nr", "packed", "unpack_hook",
                 "requires_grad")

    def __init__(self, t, is_output=False, node=None, output_nr=0):
        # hot path (one per saved input of every recorded op): plain slot stores only
        vc = self.vc = t._vc
        self.version = vc[0]
        self.requires_grad = t._requires_grad
        self.unpack_hook = None
        self.packed = None
        if is_output:
            self.data = t.detach()
            self.node_ref = weakref.ref(node)
            self.output_nr = output_nr
        else:
            self.data = t
            self.node_ref = None
            self.output_nr = 0
        if saved_hooks.ACTIVE[0]:
            hooks = saved_hooks.current()
            if hooks is not None:
                self.packed = saved_hooks.pack(hooks, t)
                self.unpack_hook = hooks[1]
                self.data = None

    def unpack(self, node_name):
        if self.unpack_hook is not None:
            return self.unpack_hook(self.packed)
        t = self.data
        if t is None:
            raise RuntimeError(_FREED_MSG)
        if self.vc[0] != self.version:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{_type_str(t)} {list(t._shape)}], which is output "
                f"{self.output_nr} of {node_name}, is at version {self.vc[0]}; expected "
                f"version {self.version} instead. Hint: the backtrace further above can point "
                "to the operation that failed to compute its gradient. The variable in question "
                "was changed in there or anywhere later. Good luck!")
        if self.node_ref is not None and self.requires_grad:
            node = self.node_ref()
            if node is not None:
                t = t.detach()
                t.grad_fn = node
                t._ag = self.output_nr
                t._requires_grad = True
        return t

    def free(self):
        self.data = None
        self.packed = None


def _type_str(t):
    return f"torch.{t.dtype.c10_name}Tensor"


class Node:
    """A backward function: from the grads of a forward call's outputs to its inputs'."""

    __slots__ = ("next_functions", "seq", "_pre_hooks", "_hooks", "_retain_hooks",
                 "_anomaly", "_metadata", "__weakref__")

    def __init__(self, next_functions=()):
        self.next_functions = next_functions
        self.seq = next(_seq)
        self._pre_hooks = self._hooks = self._retain_hooks = None
        self._anomaly = self._metadata = None

    @property
    def metadata(self):
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    # -- API torch users see --------------------------------------------------------------
    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) -> new grad_inputs or None; runs after the node."""
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return _Handle(self._hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) -> new grad_outputs or None; runs before the node."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(("node", fn))
        return _Handle(self._pre_hooks, ("node", fn))

    def _register_tensor_hook(self, output_nr, fn):
        if self._pre_hooks is None:
            self._pre_hooks = []
        entry = ("tensor", output_nr, fn)
        self._pre_hooks.append(entry)
        return _Handle(self._pre_hooks, entry)

    @property
    def _saved_tensors(self):
        return ()

    # -- engine interface -------------------------------------------------------------------
    num_outputs = 1  # how many forward outputs feed grads into this node

    def apply(self, grads):
        raise NotImplementedError

    def release(self):
        """Free saved tensors (after a backward without retain_graph)."""

    def __call__(self, *grads):
        return self.apply(grads)


class _Handle:
    """RemovableHandle for hooks stored in a list."""

    __slots__ = ("lst", "item")

    def __init__(self, lst, item):
        self.lst = lst
        self.item = item

    def remove(self):
        try:
            self.lst.remove(self.item)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class AccumulateGrad(Node):
    """The sink for a leaf tensor: adds the incoming gradient into ``leaf.grad``."""

    __slots__ = ("variable", "_post_hooks")

    def __init__(self, variable):
        # inlined Node.__init__: one is created per leaf use in every new graph
        self.next_functions = ()
        self.seq = next(_seq)
        self._pre_hooks = self._hooks = self._retain_hooks = None
        self._anomaly = self._metadata = None
        self.variable = variable
        self._post_hooks = None

    def name(self):  # torch reports the C++ class name
        return "torch::autograd::AccumulateGrad"

    def apply(self, grads):  # the engine accumulates (it knows create_graph)
        return ()


NO_EDGE = (None, 0)  # torch's next_functions entry for an input that needs no grad


def edge_of(t):
    """The (node, output_nr) edge for tensor ``t`` or NO_EDGE if it needs no grad."""
    if not t._requires_grad:
        return NO_EDGE
    fn = t.grad_fn
    if fn is not None:
        if t._base is not None:
            v = t.__dict__.get("_vver")
            if v is not None and v != t._vc[0]:
                from .view_nodes import refresh_view_history
                fn = refresh_view_history(t)
        return (fn, t._ag)
    ref = t._ag  # grad_accumulator inlined: this runs for every leaf input of every op
    if ref is not None:
        acc = ref()
        if acc is not None:
            return (acc, 0)
    acc = AccumulateGrad(t)
    t._ag = weakref.ref(acc)
    return (acc, 0)


def grad_accumulator(t):
    """The leaf's AccumulateGrad: shared while a graph holds it, recreated afterwards (the
    leaf keeps only a weak reference, Note [edges])."""
    ref = t._ag
    if ref is not None:
        acc = ref()
        if acc is not None:
            return acc
    acc = AccumulateGrad(t)
    t._ag = weakref.ref(acc)
    return acc
