"""torch.return_types: the named tuples returned by multi-output ops (``max(values, indices)``)."""
from __future__ import annotations

__all__ = ["max", "min", "aminmax", "sort", "topk", "kthvalue", "median", "nanmedian", "mode",
           "cummax", "cummin", "return_type"]


class _ReturnType(tuple):
    """Base of the named tuples: a tuple with named fields, printed like torch."""
    __slots__ = ()
    _fields: tuple = ()

    def __new__(cls, *args):
        if len(args) == 1 and len(cls._fields) != 1:
            args = tuple(args[0])
        if len(args) != len(cls._fields):
            raise TypeError(f"torch.return_types.{cls.__name__} takes a sequence of length "
                            f"{len(cls._fields)}, got {len(args)}")
        return tuple.__new__(cls, args)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"torch.return_types.{type(self).__name__}(\n{body})"

    def __reduce__(self):
        return (type(self), (tuple(self),))


def _make(name, fields):
    ns = {"__slots__": (), "_fields": tuple(fields)}
    for i, f in enumerate(fields):
        ns[f] = property(lambda self, i=i: tuple.__getitem__(self, i))
    cls = type(name, (_ReturnType,), ns)
    cls.__module__ = "torch.return_types"
    cls.__qualname__ = name
    return cls


_VI = ("values", "indices")
max = _make("max", _VI)  # noqa: A001
min = _make("min", _VI)  # noqa: A001
sort = _make("sort", _VI)
topk = _make("topk", _VI)
kthvalue = _make("kthvalue", _VI)
median = _make("median", _VI)
nanmedian = _make("nanmedian", _VI)
mode = _make("mode", _VI)
cummax = _make("cummax", _VI)
cummin = _make("cummin", _VI)
aminmax = _make("aminmax", ("min", "max"))


def return_type(name, values):
    """``torch.return_types.<name>`` built from a tuple of results."""
    return globals()[name](values)
