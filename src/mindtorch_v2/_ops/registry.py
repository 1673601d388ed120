"""The op registry: one ``Op`` per operator, declared once by its family module.

An Op holds what every layer needs: its name (torch's), its meta function (output shapes,
dtypes and strides from the inputs, used by the meta device, by NPU output allocation and
by the CPU/meta agreement test), its kernels per device type, and tags:

- ``view``: the op returns views of its first input (functionalize and autograd treat
  these specially; the kernel is the same on every device: it only computes metadata);
- ``inplace``: the op mutates its first input (version counter bump);
- ``nondiff``: the op has no gradient (comparisons, integer ops, indices).

The backward formula (issue 3) is attached to the same Op by the autograd layer.
"""
from __future__ import annotations

__all__ = ["Op", "Spec", "OPS", "register", "get"]


class Spec:
    """What a meta function returns for one output: shape, dtype and (optional) strides."""

    __slots__ = ("shape", "dtype", "stride")

    def __init__(self, shape, dtype, stride=None):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.stride = stride

    def __repr__(self):
        return f"Spec({self.shape}, {self.dtype}, {self.stride})"


class Op:
    __slots__ = ("name", "meta", "kernels", "view", "inplace", "nondiff", "backward",
                 "family", "extra")

    def __init__(self, name, meta=None, *, view=False, inplace=False, nondiff=False,
                 family=None):
        self.name = name
        self.meta = meta
        self.kernels = {}
        self.view = view
        self.inplace = inplace
        self.nondiff = nondiff
        self.backward = None
        self.family = family
        self.extra = {}

    def __repr__(self):
        return f"<op {self.name}>"

    def kernel(self, device_type):
        """Decorator: register ``fn`` as this op's kernel for ``device_type``."""
        def deco(fn):
            self.kernels[device_type] = fn
            return fn
        return deco


OPS: dict[str, Op] = {}


def register(name, meta=None, **tags):
    """Declare an op (once); returns the Op so kernels can be attached to it."""
    if name in OPS:
        raise RuntimeError(f"op {name} declared twice")
    op = Op(name, meta, **tags)
    OPS[name] = op
    return op


def get(name):
    return OPS[name]
