"""Location tags ("cpu", "meta", "npu:0") and torch.load's ``map_location``."""
from __future__ import annotations

from .._device import device as _device_cls
from .._storage import UntypedStorage

__all__ = ["location_tag", "default_restore_location", "restore_location_fn",
           "is_meta_location"]

_CPU_ONLY_HINT = ("If you are running on a CPU-only machine, please use torch.load with "
                  "map_location=torch.device('cpu') to map your storages to the CPU.")
# device types torch knows but mindtorch has no backend for: loading them needs a map
_FOREIGN_ACCELERATORS = ("cuda", "xpu", "hpu", "mps", "mtia")


def location_tag(storage):
    """The tag torch.save records for a storage's device (``npu:N`` always has an index)."""
    dev = storage.device
    if dev.type in ("cpu", "meta"):
        return dev.type
    return f"{dev.type}:{dev.index or 0}"


def _npu_module():
    import mindtorch_v2 as m
    return getattr(m, "npu", None)


def _to_npu(storage, location):
    npu = _npu_module()
    if npu is None or not npu.is_available():
        raise RuntimeError("Attempting to deserialize object on a NPU device but "
                           "torch.npu.is_available() is False. " + _CPU_ONLY_HINT)
    dev = _device_cls(location)
    index = dev.index or 0
    count = npu.device_count()
    if index >= count:
        raise RuntimeError(f"Attempting to deserialize object on NPU device {index} but "
                           f"torch.npu.device_count() is {count}. Please use torch.load with "
                           "map_location to map your storages to an existing device.")
    return storage.to(device=_device_cls("npu", index))


def default_restore_location(storage, location):
    """Move a loaded CPU ``storage`` to the device named by ``location``."""
    typ = location.partition(":")[0]
    if typ == "cpu":
        return storage.cpu()
    if typ == "meta":
        return UntypedStorage(storage.nbytes(), device="meta")
    if typ == "npu":
        return _to_npu(storage, location)
    if typ in _FOREIGN_ACCELERATORS:
        raise RuntimeError(f"Attempting to deserialize object on a {typ.upper()} device but "
                           f"torch.{typ}.is_available() is False. " + _CPU_ONLY_HINT)
    raise RuntimeError("don't know how to restore data location of "
                       f"torch.storage.UntypedStorage (tagged with {location})")


def _as_str(loc):
    return loc.decode("ascii") if isinstance(loc, bytes) else str(loc)


def restore_location_fn(map_location):
    """``(storage, location) -> storage`` implementing torch.load's ``map_location``."""
    if map_location is None:
        return default_restore_location
    if isinstance(map_location, dict):
        return lambda st, loc: default_restore_location(st, map_location.get(loc, loc))
    if isinstance(map_location, (str, bytes)) or _is_device(map_location):
        target = _as_str(map_location)
        return lambda st, loc: default_restore_location(st, target)

    def restore(st, loc):
        res = map_location(st, loc)
        return default_restore_location(st, loc) if res is None else res
    return restore


def _is_device(obj):
    # mindtorch devices, and real torch.device objects a test may pass
    return isinstance(obj, _device_cls) or type(obj).__name__ == "device"


def is_meta_location(map_location):
    """True when every storage goes to meta: no data needs reading."""
    if isinstance(map_location, (str, bytes)):
        return _as_str(map_location) == "meta"
    if _is_device(map_location):
        return str(map_location) == "meta"
    return False
