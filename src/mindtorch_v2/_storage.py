"""UntypedStorage (bytes on a device) and TypedStorage (a dtype view of them).

CPU storage is a 1-D NumPy uint8 array that may live in ordinary memory, in POSIX shared
memory (``share_memory_``) or in a memory-mapped file (``from_file``).  Meta storage has a
size and no data.  NPU storage (its own issue) holds a device address from the allocator.

Note [storage buffer swap]: ``share_memory_`` and ``resize_`` replace a CPU storage's
buffer.  Tensors cache a NumPy view of their storage, so after a swap every tensor that
references the storage drops its cache (found with ``gc.get_referrers``: swaps are rare,
the hot path stays free of checks).
"""
from __future__ import annotations

import gc
import os
import weakref
from multiprocessing import shared_memory

import numpy as np

from . import _dtype as D
from ._device import CPU, META, as_device

__all__ = ["UntypedStorage", "TypedStorage"]


def _release_shm(shm):
    try:
        shm.close()
    except BufferError:  # a NumPy view is still alive somewhere; the OS frees at exit
        pass
    except Exception:
        pass


class UntypedStorage:
    """Bytes on a device; ``torch.UntypedStorage``."""

    __slots__ = ("device", "_data", "_nbytes", "_filename", "_shm", "_resizable",
                 "_npu", "_shared_file", "__weakref__")

    def __init__(self, *args, device=None):
        dev = as_device(device) if device is not None else CPU
        self.device = dev
        self._filename = None
        self._shm = None
        self._npu = None
        self._resizable = True
        self._shared_file = False
        if len(args) == 0:
            n = 0
            init = None
        elif len(args) == 1 and isinstance(args[0], int):
            n = args[0]
            init = None
        elif len(args) == 1 and isinstance(args[0], (list, tuple, bytes, bytearray)):
            init = np.asarray(bytearray(args[0]) if not isinstance(args[0], (bytes, bytearray))
                              else args[0], dtype=np.uint8)
            n = init.size
        else:
            raise TypeError("UntypedStorage(): expected an int size or a sequence of bytes")
        self._nbytes = n
        if dev.type == "cpu":
            self._data = np.empty(n, dtype=np.uint8) if init is None else init.copy()
        elif dev.type == "meta":
            self._data = None
        else:
            self._data = None
            from ._backends import device_storage
            device_storage.init_storage(self, n, init)

    # -- constructors used by tensors ------------------------------------------------
    @classmethod
    def _wrap_cpu(cls, buf):
        """Wrap a 1-D uint8 NumPy array (no copy)."""
        s = object.__new__(cls)
        s.device = CPU
        s._data = buf
        s._nbytes = buf.size
        s._filename = None
        s._shm = None
        s._npu = None
        s._resizable = True
        s._shared_file = False
        return s

    @classmethod
    def _meta(cls, nbytes):
        s = object.__new__(cls)
        s.device = META
        s._data = None
        s._nbytes = nbytes
        s._filename = None
        s._shm = None
        s._npu = None
        s._resizable = True
        s._shared_file = False
        return s

    # -- queries -------------------------------------------------------------------------
    def nbytes(self):
        return self._nbytes

    def size(self):
        return self._nbytes

    def __len__(self):
        return self._nbytes

    def element_size(self):
        return 1

    @property
    def dtype(self):
        return D.uint8

    @property
    def is_cuda(self):
        return False

    @property
    def is_meta(self):
        return self.device.type == "meta"

    def type(self):
        return "torch.storage.UntypedStorage"

    def data_ptr(self):
        t = self.device.type
        if t == "cpu":
            return self._data.__array_interface__["data"][0] if self._nbytes else 0
        if t == "meta":
            raise RuntimeError("Cannot access data pointer of Tensor (e.g. FakeTensor, "
                               "FunctionalTensor). If you're using torch.compile/export/fx, "
                               "it is likely that we are erroneously tracing into a custom "
                               "kernel. To fix this, please wrap the custom kernel into an "
                               "opaque custom op. Please see the following for details: "
                               "https://pytorch.org/tutorials/advanced/custom_ops_landing_page.html")
        from ._backends import device_storage
        return device_storage.data_ptr(self)

    def tolist(self):
        return self._cpu_bytes().tolist()

    def _cpu_bytes(self):
        """A uint8 NumPy array with this storage's bytes (a view on CPU, a copy otherwise)."""
        t = self.device.type
        if t == "cpu":
            return self._data
        if t == "meta":
            raise NotImplementedError("Cannot copy out of meta tensor; no data!")
        from ._backends import device_storage
        return device_storage.to_host(self)

    def __getitem__(self, idx):
        b = self._cpu_bytes()[idx]
        return int(b) if np.ndim(b) == 0 else UntypedStorage._wrap_cpu(b.copy())

    def __setitem__(self, idx, value):
        if self.device.type != "cpu":
            raise RuntimeError("item assignment is only supported on CPU storages")
        self._data[idx] = value

    def __iter__(self):
        return iter(self.tolist())

    def __repr__(self):
        head = " " + "\n ".join(str(v) for v in self.tolist()) if self.device.type != "meta" else " ..."
        return f"{head}\n[torch.storage.UntypedStorage(device={self.device}) of size {self._nbytes}]"

    def __reduce__(self):
        return (_rebuild_untyped, (bytes(self._cpu_bytes()), str(self.device)))

    def __deepcopy__(self, memo):
        c = self.clone()
        memo[id(self)] = c
        return c

    def __copy__(self):
        return self

    # -- mutation ------------------------------------------------------------------------
    def clone(self):
        t = self.device.type
        if t == "cpu":
            return UntypedStorage._wrap_cpu(self._data.copy())
        if t == "meta":
            return UntypedStorage._meta(self._nbytes)
        new = UntypedStorage(self._nbytes, device=self.device)
        new.copy_(self)
        return new

    def copy_(self, src, non_blocking=False):
        if not isinstance(src, UntypedStorage):
            src = src.untyped_storage()
        if src._nbytes != self._nbytes:
            raise RuntimeError(f"size does not match, self was {self._nbytes} bytes but src "
                               f"was {src._nbytes} bytes")
        if self.device.type == "meta" or src.device.type == "meta":
            return self
        if self.device.type == "cpu":
            self._data[:] = src._cpu_bytes()
            return self
        from ._backends import device_storage
        device_storage.copy_from(self, src)
        return self

    def fill_(self, value):
        if self.device.type == "cpu":
            self._data.fill(value)
        elif self.device.type != "meta":
            from ._backends import device_storage
            device_storage.fill(self, value)
        return self

    def resize_(self, nbytes):
        nbytes = int(nbytes)
        if not self._resizable:
            raise RuntimeError("Trying to resize storage that is not resizable")
        if self.device.type == "meta":
            self._nbytes = nbytes
            return self
        if self.device.type != "cpu":
            from ._backends import device_storage
            device_storage.resize(self, nbytes)
            return self
        if self._filename is not None:
            raise RuntimeError("Trying to resize storage that is not resizable")
        new = np.zeros(nbytes, dtype=np.uint8)
        keep = min(nbytes, self._nbytes)
        new[:keep] = self._data[:keep]
        self._swap_buffer(new)
        return self

    def _swap_buffer(self, buf):
        """Replace the CPU buffer; see Note [storage buffer swap]."""
        self._data = buf
        self._nbytes = buf.size
        for ref in gc.get_referrers(self):
            if hasattr(ref, "_drop_np_cache"):
                ref._drop_np_cache()

    # -- shared memory and files (CPU) ---------------------------------------------------
    def is_shared(self):
        return self._shm is not None or (self._filename is not None and self._shared_file)

    def share_memory_(self):
        """Move this storage into POSIX shared memory (no-op if it is already shared)."""
        if self.device.type == "meta":
            return self
        if self.device.type != "cpu":  # device memory is already visible to other processes
            return self
        if self.is_shared():
            return self
        shm = shared_memory.SharedMemory(create=True, size=max(self._nbytes, 1))
        buf = np.ndarray((self._nbytes,), dtype=np.uint8, buffer=shm.buf)
        buf[:] = self._data
        self._shm = shm
        # unlink when the storage dies; children attach by name before that (pickling)
        weakref.finalize(self, _unlink_shm, shm)
        self._swap_buffer(buf)
        return self

    def is_pinned(self, device="npu"):
        return False

    def pin_memory(self, device="npu"):
        return self

    @property
    def filename(self):
        """The file backing this storage (from_file), else None.

        A str like torch's property; also callable (``st.filename()``) as the seed plan
        uses it."""
        return None if self._filename is None else _FileName(self._filename)

    @classmethod
    def from_file(cls, filename, shared=False, nbytes=0, *, size=None):
        """A storage backed by ``filename`` through np.memmap.

        shared=True maps the file (writes reach it); shared=False maps it copy-on-write.
        ``nbytes`` defaults to the file's size; a larger ``nbytes`` with shared=True grows
        the file like torch does.
        """
        if size is not None:
            nbytes = size
        filename = os.fspath(filename)
        fsize = os.path.getsize(filename) if os.path.exists(filename) else 0
        n = int(nbytes) if nbytes else fsize
        if shared:
            if fsize < n:
                with open(filename, "ab") as f:
                    f.truncate(n)
            arr = np.memmap(filename, dtype=np.uint8, mode="r+", shape=(n,)) if n else \
                np.zeros(0, np.uint8)
        else:
            if fsize < n:
                raise RuntimeError(f"unable to mmap {n} bytes from file <{filename}>: "
                                   f"file is only {fsize} bytes")
            arr = np.memmap(filename, dtype=np.uint8, mode="c", shape=(n,)) if n else \
                np.zeros(0, np.uint8)
        s = cls._wrap_cpu(arr)
        s._filename = filename
        s._shared_file = bool(shared)
        s._resizable = False
        return s

    # -- conversions -----------------------------------------------------------------
    def cpu(self):
        if self.device.type == "cpu":
            return self
        return UntypedStorage._wrap_cpu(self._cpu_bytes().copy())

    def to(self, *, device=None, non_blocking=False):
        dev = as_device(device)
        if dev == self.device:
            return self
        new = UntypedStorage(self._nbytes, device=dev)
        new.copy_(self)
        return new

    def untyped(self):
        return self

    def _typed(self, dtype):
        return TypedStorage(wrap_storage=self, dtype=dtype, _internal=True)

    def float(self):
        return self._typed(D.float32)


class _FileName(str):
    """A file name that can also be called to get itself (``filename()``)."""

    __slots__ = ()

    def __call__(self):
        return self

    def __reduce__(self):
        return (str, (str(self),))


def _unlink_shm(shm):
    try:
        shm.unlink()
    except Exception:
        pass
    _release_shm(shm)


def _rebuild_untyped(data, dev):
    s = UntypedStorage._wrap_cpu(np.frombuffer(bytearray(data), dtype=np.uint8))
    return s if dev == "cpu" else s.to(device=dev)


# Shared storages pickle by shared-memory name so a child process maps the same pages:
# multiprocessing sends the name, the child attaches.  Ordinary pickling copies bytes.
def _reduce_shared(self):
    if self._shm is not None:
        return (_attach_shared, (self._shm.name, self._nbytes))
    if self._filename is not None and self._shared_file:
        return (UntypedStorage.from_file, (self._filename, True, self._nbytes))
    return (_rebuild_untyped, (bytes(self._cpu_bytes()), str(self.device)))


UntypedStorage.__reduce__ = _reduce_shared

_ATTACHED = {}


def _attach_shared(name, nbytes):
    shm = _ATTACHED.get(name)
    if shm is None:
        # track=False: the creating process owns the segment's lifetime
        try:
            shm = shared_memory.SharedMemory(name=name, track=False)
        except TypeError:  # Python < 3.13 has no ``track``
            shm = shared_memory.SharedMemory(name=name)
            try:
                from multiprocessing import resource_tracker
                resource_tracker.unregister(shm._name, "shared_memory")
            except Exception:
                pass
        _ATTACHED[name] = shm
    s = UntypedStorage._wrap_cpu(np.ndarray((nbytes,), dtype=np.uint8, buffer=shm.buf))
    s._shm = shm
    return s


class TypedStorage:  # noqa: D101 -- typed casts are attached below
    """A dtype view over an UntypedStorage; ``torch.TypedStorage`` (what t.storage() gives)."""

    __slots__ = ("_untyped_storage", "dtype")
    is_sparse = False

    def __init__(self, *args, dtype=None, device=None, wrap_storage=None, _internal=False):
        dtype = dtype or D.get_default_dtype()
        self.dtype = dtype
        if wrap_storage is not None:
            if not isinstance(wrap_storage, UntypedStorage):
                raise TypeError("wrap_storage must be an UntypedStorage")
            self._untyped_storage = wrap_storage
            return
        if len(args) == 1 and isinstance(args[0], int):
            self._untyped_storage = UntypedStorage(args[0] * dtype.itemsize, device=device)
        elif len(args) == 1 and isinstance(args[0], (list, tuple)):
            arr = np.asarray(args[0], dtype=dtype.np)
            raw = UntypedStorage._wrap_cpu(arr.reshape(-1).view(np.uint8).copy())
            self._untyped_storage = raw if device is None else raw.to(device=device)
        elif not args:
            self._untyped_storage = UntypedStorage(0, device=device)
        else:
            raise TypeError("TypedStorage(): expected a size or a sequence")

    @property
    def device(self):
        return self._untyped_storage.device

    def untyped(self):
        return self._untyped_storage

    def _untyped(self):
        return self._untyped_storage

    def untyped_storage(self):
        return self._untyped_storage

    def element_size(self):
        return self.dtype.itemsize

    def nbytes(self):
        return self._untyped_storage.nbytes()

    def size(self):
        return self._untyped_storage.nbytes() // self.dtype.itemsize

    __len__ = size

    def data_ptr(self):
        return self._untyped_storage.data_ptr()

    def _np(self):
        raw = self._untyped_storage._cpu_bytes()
        n = self.size()
        return raw[: n * self.dtype.itemsize].view(self.dtype.np)

    def tolist(self):
        vals = self._np().tolist()
        if self.dtype in (D.bfloat16,) or self.dtype._storage_only:
            vals = [float(v) for v in vals]
        return vals

    def __getitem__(self, idx):
        v = self._np()[idx]
        return v.item() if np.ndim(v) == 0 else v.tolist()

    def __setitem__(self, idx, value):
        self._np()[idx] = value

    def __iter__(self):
        return iter(self.tolist())

    def is_shared(self):
        return self._untyped_storage.is_shared()

    def share_memory_(self):
        self._untyped_storage.share_memory_()
        return self

    def is_pinned(self, device="npu"):
        return self._untyped_storage.is_pinned()

    @property
    def filename(self):
        return self._untyped_storage.filename

    @classmethod
    def from_file(cls, filename, shared=False, size=0, *, dtype=None):
        dtype = dtype or D.get_default_dtype()
        u = UntypedStorage.from_file(filename, shared, size * dtype.itemsize)
        return cls(wrap_storage=u, dtype=dtype)

    def resize_(self, size):
        self._untyped_storage.resize_(size * self.dtype.itemsize)
        return self

    def copy_(self, src, non_blocking=False):
        self._untyped_storage.copy_(src._untyped_storage if isinstance(src, TypedStorage)
                                    else src)
        return self

    def fill_(self, value):
        if self.device.type == "cpu":
            self._np()[...] = value
        else:
            from ._tensor import Tensor  # go through a tensor view for device storages
            Tensor._from_storage(self._untyped_storage, (self.size(),), (1,), 0,
                                 self.dtype).fill_(value)
        return self

    def clone(self):
        return TypedStorage(wrap_storage=self._untyped_storage.clone(), dtype=self.dtype)

    def _to(self, dtype):
        """A copy of the elements converted to ``dtype`` (self when dtype matches)."""
        if dtype is self.dtype:
            return self
        if self.device.type == "meta":
            return TypedStorage(self.size(), dtype=dtype, device=self.device)
        src = self._np()
        if dtype.is_complex is False and src.dtype.kind == "c":
            src = src.real
        arr = np.array(src, dtype=dtype.np, copy=True)
        raw = UntypedStorage._wrap_cpu(arr.reshape(-1).view(np.uint8))
        if self.device.type != "cpu":
            raw = raw.to(device=self.device)
        return TypedStorage(wrap_storage=raw, dtype=dtype)

    def cpu(self):
        return TypedStorage(wrap_storage=self._untyped_storage.cpu(), dtype=self.dtype)

    def to(self, *, device=None, non_blocking=False):
        return TypedStorage(wrap_storage=self._untyped_storage.to(device=device),
                            dtype=self.dtype)

    def type(self, dtype=None):
        return f"torch.{self.dtype.c10_name}Storage" if dtype is None else None

    @property
    def is_cuda(self):
        return False

    @property
    def is_meta(self):
        return self.device.type == "meta"

    def __repr__(self):
        body = " ..." if self.device.type == "meta" else \
            " " + "\n ".join(str(v) for v in self.tolist())
        return (f"{body}\n[torch.storage.TypedStorage(dtype={self.dtype}, device={self.device})"
                f" of size {self.size()}]")

    def __reduce__(self):
        return (TypedStorage._rebuild, (self._untyped_storage, self.dtype.name))

    @staticmethod
    def _rebuild(untyped, dtype_name):
        return TypedStorage(wrap_storage=untyped, dtype=D._dtype_by_name(dtype_name))

    def __deepcopy__(self, memo):
        return self.clone()

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__



for _name, _dt in (("float", D.float32), ("double", D.float64), ("half", D.float16),
                   ("bfloat16", D.bfloat16), ("long", D.int64), ("int", D.int32),
                   ("short", D.int16), ("char", D.int8), ("byte", D.uint8), ("bool", D.bool),
                   ("complex_float", D.complex64), ("complex_double", D.complex128)):
    setattr(TypedStorage, _name, (lambda dt: lambda self: self._to(dt))(_dt))
