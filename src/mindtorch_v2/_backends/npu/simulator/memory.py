"""Simulated device memory: per-device address spaces, capacity, pinned host memory.

Device addresses are virtual: each device owns a disjoint 1 TiB range and allocations are
placed by a bump pointer (addresses are never reused, so a stale pointer never aliases a new
block). Bytes live in a NumPy uint8 array created at allocation time (calloc: pages are only
touched on use), so a 16 GiB capacity costs nothing until written.
"""
from __future__ import annotations

import bisect
import ctypes
import threading

import numpy as np

from . import status as st

# aclrtMalloc returns 64-byte aligned addresses (runtime docs); we keep a coarser 512 bytes,
# which satisfies that and matches the granularity caching allocators round to.
ALIGNMENT = 512
_SPACE = 1 << 40
_BASE = 0x1000_0000_0000


def round_up(n, a=ALIGNMENT):
    return (n + a - 1) // a * a


class Allocation:
    __slots__ = ("base", "size", "reserved", "buf", "device")

    def __init__(self, device, base, size, reserved):
        self.device, self.base, self.size, self.reserved = device, base, size, reserved
        self.buf = np.zeros(max(size, 1), dtype=np.uint8)


class DeviceMemory:
    """One device's memory: allocation table, capacity accounting, address resolution."""

    def __init__(self, index, capacity):
        self.index = index
        self.capacity = int(capacity)
        self.used = 0
        self._next = _BASE + index * _SPACE
        self._bases = []            # sorted allocation bases
        self._allocs = {}           # base -> Allocation
        self._lock = threading.Lock()

    def malloc(self, size):
        if size <= 0:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID, "aclrtMalloc: size must be > 0")
        reserved = round_up(size)
        with self._lock:
            if self.used + reserved > self.capacity:
                raise st.SimError(st.ACL_ERROR_RT_MEMORY_ALLOCATION,
                                  f"device {self.index} out of memory: requested {size} bytes, "
                                  f"{self.capacity - self.used} of {self.capacity} free")
            base = self._next
            self._next += reserved + ALIGNMENT      # a gap: off-by-one overruns don't alias
            a = Allocation(self.index, base, size, reserved)
            self._allocs[base] = a
            bisect.insort(self._bases, base)
            self.used += reserved
        return base

    def free(self, addr):
        with self._lock:
            a = self._allocs.pop(addr, None)
            if a is None:
                raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID,
                                  f"aclrtFree: {addr:#x} is not an allocation base on device "
                                  f"{self.index}")
            self._bases.remove(addr)
            self.used -= a.reserved

    def find(self, addr):
        """The allocation containing ``addr`` (base <= addr < base + size), or None."""
        with self._lock:
            i = bisect.bisect_right(self._bases, addr) - 1
            if i < 0:
                return None
            a = self._allocs[self._bases[i]]
        return a if addr < a.base + max(a.size, 1) else None

    def owns(self, addr):
        return self.index * _SPACE + _BASE <= addr < (self.index + 1) * _SPACE + _BASE


class HostMemory:
    """Pinned host memory from aclrtMallocHost: real process memory (host code writes it)."""

    def __init__(self):
        self._blocks = {}
        self._lock = threading.Lock()

    def malloc(self, size):
        if size <= 0:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID, "aclrtMallocHost: size must be > 0")
        buf = np.zeros(round_up(size, 64) + 64, dtype=np.uint8)
        addr = buf.ctypes.data
        addr += (-addr) % 64
        with self._lock:
            self._blocks[addr] = buf
        return addr

    def free(self, addr):
        with self._lock:
            if self._blocks.pop(addr, None) is None:
                raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID,
                                  f"aclrtFreeHost: {addr:#x} was not returned by aclrtMallocHost")

    def is_pinned(self, addr):
        with self._lock:
            return addr in self._blocks


class Memory:
    """All devices' memory plus host helpers used by copies and kernels."""

    def __init__(self, devices, capacity):
        self.devices = [DeviceMemory(i, capacity) for i in range(devices)]
        self.host = HostMemory()

    def device_of(self, addr):
        """Index of the device whose address range holds ``addr`` (None for host addresses)."""
        if addr is None or addr < _BASE:
            return None
        i = (addr - _BASE) // _SPACE
        return i if i < len(self.devices) else None

    def device_view(self, addr, nbytes):
        """A writable uint8 NumPy view of device bytes [addr, addr + nbytes)."""
        dev = self.device_of(addr)
        a = self.devices[dev].find(addr) if dev is not None else None
        if a is None:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID,
                              f"address {addr:#x} is not inside a live device allocation")
        off = addr - a.base
        if off + nbytes > a.size:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID,
                              f"{nbytes} bytes at {addr:#x} overrun the allocation of {a.size} "
                              f"bytes at {a.base:#x}")
        return a.buf[off:off + nbytes]

    @staticmethod
    def host_view(addr, nbytes):
        """A writable uint8 NumPy view of process memory at ``addr`` (caller owns validity)."""
        if not addr:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID, "null host pointer")
        return np.ctypeslib.as_array((ctypes.c_uint8 * nbytes).from_address(addr)) \
            if nbytes else np.empty(0, np.uint8)

    def view(self, addr, nbytes):
        return self.host_view(addr, nbytes) if self.device_of(addr) is None \
            else self.device_view(addr, nbytes)
