"""torch.device and the default device (set_default_device, ``with torch.device(...)``)."""
from __future__ import annotations

__all__ = ["device", "get_default_device", "set_default_device"]

DEVICE_TYPES = ("cpu", "npu", "meta")


class device:
    """A device: a type (``cpu``, ``npu``, ``meta``) and an optional index."""

    __slots__ = ("type", "index", "_prev")

    def __new__(cls, type_or_str=None, index=None, *, type=None):  # noqa: A002
        if type is not None:
            type_or_str = type
        if isinstance(type_or_str, device):
            if index is not None:
                raise TypeError("device(): an index cannot be given with a device")
            return type_or_str
        if isinstance(type_or_str, int) and not isinstance(type_or_str, bool):
            # torch.device(0) means the current accelerator: npu here
            if type_or_str < 0:
                raise RuntimeError(f"Device index must not be negative")
            return _get(("npu", type_or_str))
        if not isinstance(type_or_str, str):
            raise TypeError("device() received an invalid combination of arguments - got "
                            f"({type(type_or_str).__name__})")
        key = (type_or_str, index)
        d = _CACHE.get(key)
        if d is not None:
            return d
        s = type_or_str
        typ, _, idx = s.partition(":")
        if typ not in DEVICE_TYPES:
            raise RuntimeError(
                "Expected one of cpu, npu, meta device type at start of device string: " + s)
        if idx:
            if index is not None:
                raise RuntimeError("type (string) must not include an index because index "
                                   "was passed explicitly: " + s)
            if not idx.isdigit():
                raise RuntimeError("Invalid device string: '" + s + "'")
            index = int(idx)
        if index is not None:
            if not isinstance(index, int) or isinstance(index, bool):
                raise TypeError("device(): argument 'index' must be int")
            if index < 0:
                raise RuntimeError(f"Device index must not be negative")
            if typ == "cpu" and index != 0:
                raise RuntimeError(f"CPU device index must be -1 or zero, got {index}")
        d = _get((typ, index))
        _CACHE[key] = d
        return d

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, device):
            return self is other or (self.type == other.type and self.index == other.index)
        return False  # like torch: a device never equals a string

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    # ``with torch.device("meta"):`` sets the default device for factory functions
    def __enter__(self):
        _CTX_STACK.append(_default[0])
        _default[0] = self
        return self

    def __exit__(self, *exc):
        _default[0] = _CTX_STACK.pop()
        return False


_INSTANCES = {}
_CACHE = {}


def _get(key):
    d = _INSTANCES.get(key)
    if d is None:
        d = object.__new__(device)
        d.type, d.index = key
        _INSTANCES[key] = d
    return d


CPU = device("cpu")
META = device("meta")
_default = [CPU]
_CTX_STACK = []


def get_default_device():
    return _default[0]


def set_default_device(dev):
    _default[0] = CPU if dev is None else device(dev)


def as_device(dev):
    """Normalise a ``device=`` argument (None -> the default device)."""
    if dev is None:
        return _default[0]
    if type(dev) is device:
        return dev
    return device(dev)
