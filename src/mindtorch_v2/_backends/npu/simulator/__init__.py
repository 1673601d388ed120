"""The software Ascend device: ACL runtime, nnopbase and ACLNN functions implemented in Python.

Note [simulated libraries]
--------------------------
``Simulator().rt / .nnopbase / .opapi`` are library objects whose attributes are real ctypes
function pointers (CFUNCTYPE callbacks built from ``acl.SIGNATURES``). ``acl.py`` declares
argtypes/restype on them and calls them exactly like CDLL functions, so the whole binding layer
is exercised: out-parameters are written through the pointers, statuses are CANN's codes and
errors are readable with ``aclGetRecentErrMsg``. ``const char*`` results are returned by the
callbacks as ``void*`` to a buffer the simulator keeps alive (same ABI as the declared
``c_char_p``).

Simulator knobs (``use_simulator(...)`` keywords): ``devices``, ``memory`` (bytes per device),
``soc_name``, ``latency`` (seconds each stream task waits before running). ``hold_streams()`` is
a context manager that stops every stream worker, to make missing-synchronisation bugs
deterministic in tests.
"""
from __future__ import annotations

import contextlib
import ctypes
import threading
import traceback

import numpy as np

from .. import acl
from . import kernels
from . import status as st
from .descriptors import (Handles, IntArrayDesc, NP_DTYPES, ScalarDesc, TensorDesc,
                          TensorListDesc, np_dtype)
from .memory import Memory
from .streams import PRIORITY_GREATEST, PRIORITY_LEAST, Event, Gate, Stream

_HBM_ATTRS = frozenset((1, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17))   # HBM and generic MEM_*


class _Dangling:
    """A non-null handle the simulator does not know (destroyed or never created)."""


class _Context:
    def __init__(self, device):
        self.device = device


class _Executor:
    __slots__ = ("op", "plan", "repeatable", "device")

    def __init__(self, op, plan):
        self.op, self.plan, self.repeatable, self.device = op, plan, False, None


class _Library:
    """Holds CFUNCTYPE pointers as attributes (what ``ctypes.CDLL`` gives for real)."""

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return f"<simulated {self._name}>"


def _entry(sim, name, method, pointer_result):
    """Wrap a simulator method as a C entry point: statuses for errors, messages recorded."""
    restype, argtypes = acl.prototype(name)
    cb_restype = ctypes.c_void_p if restype is ctypes.c_char_p else restype
    fail = 0 if pointer_result or cb_restype is ctypes.c_void_p else None

    def entry(*args):
        try:
            res = method(*args)
            return 0 if res is None else res
        except st.SimError as e:
            sim.set_error(e.msg)
            return fail if fail is not None else e.status
        except Exception as e:   # noqa: BLE001 - a Python error must not cross the C boundary
            sim.set_error(f"simulator internal error in {name}: {e!r}\n"
                          + traceback.format_exc())
            if fail is not None:
                return fail
            return st.ACLNN_ERR_INNER if name.startswith("aclnn") or acl.SIGNATURES[name][0] \
                == "nnopbase" else st.ACL_ERROR_RT_INTERNAL_ERROR
    return ctypes.CFUNCTYPE(cb_restype, *argtypes)(entry)


class Simulator:
    """A software Ascend machine with ``devices`` NPUs of ``memory`` bytes each."""

    def __init__(self, devices=2, memory=16 << 30, soc_name="Ascend910B1", latency=0.0):
        if devices < 1:
            raise ValueError("the simulator needs at least one device")
        self.num_devices = devices
        self.memory = Memory(devices, memory)
        self.soc_name = soc_name
        self.gate = Gate()
        self.latency = latency
        self._tls = threading.local()
        self._keep = {}                    # bytes buffers returned as const char*
        self.streams = Handles(0x5000_0000)
        self.events = Handles(0x6000_0000)
        self.contexts = Handles(0x7000_0000)
        self.objects = Handles(0x8000_0000)   # aclTensor, aclScalar, arrays, lists, executors
        self._default_streams = {}
        self._peer = set()                 # (from device, to device) with access enabled
        self._lock = threading.Lock()
        self.initialized = self.aclnn_initialized = False
        self.rt, self.nnopbase, self.opapi = (_Library(n) for n in (
            "libascendcl.so", "libnnopbase.so", "libopapi.so"))
        for name, (lib, ret, _params) in acl.SIGNATURES.items():
            method = getattr(self, name, None)
            if method is None and lib == "opapi":
                method = self._launcher(name) if not name.endswith("GetWorkspaceSize") \
                    else self._planner(name[:-len("GetWorkspaceSize")])
            if method is not None:
                setattr(getattr(self, lib), name, _entry(self, name, method, ret.endswith("*")))

    # ----------------------------------------------------------------------- helpers

    def set_error(self, msg):
        self._tls.err = msg

    def _cstr(self, key, text):
        buf = self._keep.get((key, text))
        if buf is None:
            buf = self._keep[(key, text)] = ctypes.create_string_buffer(text.encode())
        return ctypes.addressof(buf)

    def current_device(self):
        dev = getattr(self._tls, "device", None)
        if dev is None:
            raise st.SimError(st.ACL_ERROR_RT_CONTEXT_NULL,
                              "no current device: call aclrtSetDevice first")
        return dev

    def _check_device(self, dev):
        if not 0 <= dev < self.num_devices:
            raise st.SimError(st.ACL_ERROR_RT_INVALID_DEVICEID,
                              f"device id {dev} is invalid; {self.num_devices} devices present")

    def default_stream(self, dev):
        with self._lock:
            s = self._default_streams.get(dev)
            if s is None:
                s = self._default_streams[dev] = Stream(dev, 0, 0, self.gate, self.latency)
        return s

    def stream(self, handle):
        if not handle:
            return self.default_stream(self.current_device())
        s = self.streams.get(handle, Stream)
        if s is None:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID, f"invalid stream {handle:#x}")
        return s

    def event(self, handle):
        e = self.events.get(handle, Event)
        if e is None:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID, f"invalid event {handle or 0:#x}")
        return e

    def all_streams(self, dev=None):
        streams = list(self._default_streams.values()) + [
            s for s in list(self.streams._objs.values()) if isinstance(s, Stream)]
        return [s for s in streams if dev is None or s.device == dev]

    def can_touch(self, dev, addr_dev):
        return addr_dev is None or addr_dev == dev or (dev, addr_dev) in self._peer \
            or (addr_dev, dev) in self._peer

    @contextlib.contextmanager
    def hold_streams(self):
        """Stop all stream workers (tasks queue up) until the block exits."""
        self.gate.hold()
        try:
            yield
        finally:
            self.gate.release()

    def shutdown(self):
        for s in self.all_streams():
            s.close()

    @staticmethod
    def _out(ptr, value):
        if not ptr:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID, "output pointer is NULL")
        ptr[0] = value

    # ----------------------------------------------------------------------- init, devices

    def aclInit(self, config):
        if self.initialized:
            raise st.SimError(st.ACL_ERROR_REPEAT_INITIALIZE, "aclInit was already called")
        self.initialized = True

    def aclFinalize(self):
        if not self.initialized:
            raise st.SimError(st.ACL_ERROR_REPEAT_FINALIZE, "aclFinalize without aclInit")
        for s in self.all_streams():
            s.synchronize()
        self.initialized = False

    def aclrtSetDevice(self, dev):
        self._check_device(dev)
        self._tls.device = dev

    def aclrtResetDevice(self, dev):
        self._check_device(dev)
        for s in self.all_streams(dev):
            s.synchronize()
        if getattr(self._tls, "device", None) == dev:
            self._tls.device = None

    def aclrtGetDevice(self, p):
        self._out(p, self.current_device())

    def aclrtGetDeviceCount(self, p):
        self._out(p, self.num_devices)

    def aclrtCreateContext(self, p, dev):
        self._check_device(dev)
        h = self.contexts.add(_Context(dev))
        self._out(p, h)
        self._tls.device, self._tls.context = dev, h

    def aclrtDestroyContext(self, h):
        if self.contexts.pop(h) is None:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID, "invalid context")

    def aclrtSetCurrentContext(self, h):
        ctx = self.contexts.get(h, _Context)
        if ctx is None:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID, "invalid context")
        self._tls.device, self._tls.context = ctx.device, h

    def aclrtGetCurrentContext(self, p):
        dev = self.current_device()
        h = getattr(self._tls, "context", None)
        if h is None:          # the device's default context, created by aclrtSetDevice
            h = self._tls.context = self.contexts.add(_Context(dev))
        self._out(p, h)

    def aclrtGetSocName(self):
        return self._cstr("soc", self.soc_name)

    def aclGetRecentErrMsg(self):
        msg, self._tls.err = getattr(self._tls, "err", ""), ""
        return self._cstr("err", msg)

    # ----------------------------------------------------------------------- streams

    def aclrtCreateStream(self, p):
        self.aclrtCreateStreamWithConfig(p, 0, 0)

    def aclrtCreateStreamWithConfig(self, p, priority, flag):
        dev = self.current_device()
        if not PRIORITY_GREATEST <= priority <= PRIORITY_LEAST:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID,
                              f"stream priority {priority} outside {PRIORITY_GREATEST}.."
                              f"{PRIORITY_LEAST}")
        self._out(p, self.streams.add(Stream(dev, priority, flag, self.gate, self.latency)))

    def aclrtDestroyStream(self, h):
        s = self.stream(h) if h else None
        if s is None:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID, "cannot destroy the default stream")
        s.synchronize()
        s.close()
        self.streams.pop(h)

    def aclrtSynchronizeStream(self, h):
        self.stream(h).synchronize()

    def aclrtStreamQuery(self, h, p):
        self._out(p, acl.ACL_STREAM_STATUS_COMPLETE if self.stream(h).done()
                  else acl.ACL_STREAM_STATUS_NOT_READY)

    def aclrtStreamGetPriority(self, h, p):
        self._out(p, self.stream(h).priority)

    def aclrtDeviceGetStreamPriorityRange(self, least, greatest):
        self._out(least, PRIORITY_LEAST)
        self._out(greatest, PRIORITY_GREATEST)

    def aclrtSynchronizeDevice(self):
        for s in self.all_streams(self.current_device()):
            s.synchronize()

    def aclrtStreamWaitEvent(self, h, e):
        ev = self.event(e)
        if ev.flag is not None and ev.ex and not ev.flag & acl.ACL_EVENT_SYNC:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID,
                              "an aclrtCreateEventExWithFlag event without ACL_EVENT_SYNC cannot "
                              "be waited on by a stream")
        self.stream(h).submit(ev.wait_task())

    # ----------------------------------------------------------------------- events

    def _new_event(self, p, flag, ex):
        ev = Event(flag, timing=flag is None or bool(flag & acl.ACL_EVENT_TIME_LINE))
        ev.ex = ex
        self._out(p, self.events.add(ev))

    def aclrtCreateEvent(self, p):
        self._new_event(p, None, False)

    def aclrtCreateEventWithFlag(self, p, flag):
        self._new_event(p, flag, False)

    def aclrtCreateEventExWithFlag(self, p, flag):
        self._new_event(p, flag, True)

    def aclrtDestroyEvent(self, h):
        self.event(h)
        self.events.pop(h)

    def aclrtRecordEvent(self, e, s):
        self.event(e).record(self.stream(s))

    def aclrtSynchronizeEvent(self, e):
        self.event(e).synchronize()

    def aclrtQueryEventStatus(self, e, p):
        self._out(p, acl.ACL_EVENT_RECORDED_STATUS_COMPLETE if self.event(e).complete()
                  else acl.ACL_EVENT_RECORDED_STATUS_NOT_READY)

    def aclrtEventElapsedTime(self, p, start, end):
        a, b = self.event(start), self.event(end)
        if not (a.timing and b.timing):
            raise st.SimError(st.ACL_ERROR_RT_EVENT_TIMESTAMP_INVALID,
                              "events must be created with ACL_EVENT_TIME_LINE to be timed")
        if not (a.complete() and b.complete()):
            raise st.SimError(st.ACL_ERROR_RT_EVENT_NOT_COMPLETE, "event not yet completed")
        if a.timestamp is None or b.timestamp is None:
            raise st.SimError(st.ACL_ERROR_RT_EVENT_TIMESTAMP_INVALID, "event was never recorded")
        self._out(p, (b.timestamp - a.timestamp) * 1000.0)

    # ----------------------------------------------------------------------- memory

    def aclrtMalloc(self, p, size, policy):
        if not p:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID, "devPtr is NULL")
        self._out(p, self.memory.devices[self.current_device()].malloc(size))

    def aclrtFree(self, addr):
        dev = self.memory.device_of(addr)
        if dev is None:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID, f"{addr or 0:#x} is not device memory")
        self.memory.devices[dev].free(addr)

    def aclrtMallocHost(self, p, size):
        self._out(p, self.memory.host.malloc(size))

    def aclrtFreeHost(self, addr):
        self.memory.host.free(addr or 0)

    def aclrtGetMemInfo(self, attr, free, total):
        d = self.memory.devices[self.current_device()]
        cap = d.capacity if attr in _HBM_ATTRS else 0   # an HBM device: DDR queries give 0
        self._out(free, cap - d.used if cap else 0)
        self._out(total, cap)

    _KINDS = {acl.ACL_MEMCPY_HOST_TO_HOST: (False, False), acl.ACL_MEMCPY_HOST_TO_DEVICE:
              (False, True), acl.ACL_MEMCPY_DEVICE_TO_HOST: (True, False),
              acl.ACL_MEMCPY_DEVICE_TO_DEVICE: (True, True)}

    def _copy_task(self, dst, dest_max, src, count, kind, dev):
        """Validate a copy now; return the function that performs it."""
        if count > dest_max:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID,
                              f"count {count} exceeds destMax {dest_max}")
        if count == 0:
            return lambda: None
        if not dst or not src:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID, "NULL copy address")
        sd, dd = self.memory.device_of(src), self.memory.device_of(dst)
        if kind != acl.ACL_MEMCPY_DEFAULT:
            want = self._KINDS.get(kind)
            if want is None:
                raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID, f"unsupported copy kind {kind}")
            if want != (sd is not None, dd is not None):
                raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID,
                                  f"copy kind {kind} does not match the addresses "
                                  f"(src on {'device' if sd is not None else 'host'}, dst on "
                                  f"{'device' if dd is not None else 'host'})")
        if sd is not None and dd is not None and sd != dd and not self.can_touch(sd, dd):
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID,
                              f"copy between device {sd} and {dd} needs peer access "
                              f"(aclrtDeviceEnablePeerAccess)")
        for a, d in ((src, sd), (dst, dd)):   # validate device ranges now
            if d is not None:
                self.memory.device_view(a, count)
        mem = self.memory

        def copy():
            data = mem.view(src, count).copy()
            mem.view(dst, count)[:] = data
        return copy

    def aclrtMemcpy(self, dst, dest_max, src, count, kind):
        # Synchronous, but it does not wait for pending stream work (Note in streams.py).
        self._copy_task(dst, dest_max, src, count, kind, None)()

    def aclrtMemcpyAsync(self, dst, dest_max, src, count, kind, s):
        self.stream(s).submit(self._copy_task(dst, dest_max, src, count, kind, None))

    def _memset_task(self, addr, max_count, value, count):
        if count > max_count:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID,
                              f"count {count} exceeds maxCount {max_count}")
        view = self.memory.view(addr, count) if count else None

        def fill():
            if view is not None:
                view[:] = value & 0xFF
        return fill

    def aclrtMemset(self, addr, max_count, value, count):
        self._memset_task(addr, max_count, value, count)()

    def aclrtMemsetAsync(self, addr, max_count, value, count, s):
        self.stream(s).submit(self._memset_task(addr, max_count, value, count))

    # ----------------------------------------------------------------------- peer access

    def aclrtDeviceCanAccessPeer(self, p, dev, peer):
        self._check_device(dev)
        self._check_device(peer)
        self._out(p, int(dev != peer))

    def aclrtDeviceEnablePeerAccess(self, peer, flags):
        dev = self.current_device()
        self._check_device(peer)
        if flags != 0:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID, "flags is reserved and must be 0")
        if peer == dev:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID,
                              "peerDeviceId must differ from the current device")
        self._peer.add((dev, peer))

    def aclrtDeviceDisablePeerAccess(self, peer):
        dev = self.current_device()
        self._check_device(peer)
        if (dev, peer) not in self._peer:
            raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID,
                              f"peer access {dev} -> {peer} is not enabled")
        self._peer.discard((dev, peer))

    # ----------------------------------------------------------------------- nnopbase objects

    def aclnnInit(self, config):
        self.aclnn_initialized = True

    def aclnnFinalize(self):
        self.aclnn_initialized = False

    def aclCreateTensor(self, dims, ndim, dtype, strides, offset, fmt, sdims, sndim, data):
        if ndim and (not dims or not strides):
            raise st.SimError(st.ACLNN_ERR_PARAM_NULLPTR, "viewDims or stride is NULL")
        if sndim and not sdims:
            raise st.SimError(st.ACLNN_ERR_PARAM_NULLPTR, "storageDims is NULL")
        desc = TensorDesc([dims[i] for i in range(ndim)], [strides[i] for i in range(ndim)],
                          offset, dtype, fmt, [sdims[i] for i in range(sndim)], data or 0)
        return self.objects.add(desc)

    def aclCreateScalar(self, value, dtype):
        if not value:
            raise st.SimError(st.ACLNN_ERR_PARAM_NULLPTR, "value is NULL")
        dt = np_dtype(dtype)
        raw = np.frombuffer(ctypes.string_at(value, dt.itemsize), dtype=dt)[0]
        v = raw.item() if dt.kind != "V" else float(raw)
        return self.objects.add(ScalarDesc(v, dtype))

    def aclCreateIntArray(self, values, size):
        if size and not values:
            raise st.SimError(st.ACLNN_ERR_PARAM_NULLPTR, "value is NULL")
        return self.objects.add(IntArrayDesc(values[i] for i in range(size)))

    def aclCreateTensorList(self, values, size):
        if size and not values:
            raise st.SimError(st.ACLNN_ERR_PARAM_NULLPTR, "value is NULL")
        items = [self.objects.get(values[i], TensorDesc) for i in range(size)]
        if any(t is None for t in items):
            raise st.SimError(st.ACLNN_ERR_PARAM_INVALID, "tensor list holds an invalid aclTensor")
        lst = TensorListDesc(items)
        h = self.objects.add(lst)
        self._list_members = getattr(self, "_list_members", {})
        self._list_members[h] = [values[i] for i in range(size)]
        return h

    def _destroy(self, h, kind, what):
        if not h:
            return
        if self.objects.get(h, kind) is None:
            raise st.SimError(st.ACLNN_ERR_PARAM_INVALID, f"{h:#x} is not a live {what}")
        self.objects.pop(h)

    def aclDestroyTensor(self, h):
        self._destroy(h, TensorDesc, "aclTensor")

    def aclDestroyScalar(self, h):
        self._destroy(h, ScalarDesc, "aclScalar")

    def aclDestroyIntArray(self, h):
        self._destroy(h, IntArrayDesc, "aclIntArray")

    def aclDestroyTensorList(self, h):
        self._destroy(h, TensorListDesc, "aclTensorList")
        for t in getattr(self, "_list_members", {}).pop(h, ()):   # the list owns its tensors
            self.objects.pop(t)

    def _executor(self, h):
        if not h:
            raise st.SimError(st.ACLNN_ERR_INNER_NULLPTR, "executor is NULL")
        ex = self.objects.get(h, _Executor)
        if ex is None:
            raise st.SimError(st.ACLNN_ERR_PARAM_INVALID,
                              f"executor {h:#x} is not live (single-use executors are freed "
                              f"when their kernel is launched)")
        return ex

    def aclSetAclOpExecutorRepeatable(self, h):
        self._executor(h).repeatable = True

    def aclDestroyAclOpExecutor(self, h):
        if not self._executor(h).repeatable:
            raise st.SimError(st.ACLNN_ERR_PARAM_INVALID,
                              "aclDestroyAclOpExecutor needs a repeatable executor "
                              "(aclSetAclOpExecutorRepeatable); others are freed at launch")
        self.objects.pop(h)

    # ----------------------------------------------------------------------- ACLNN two phases

    def _resolve(self, c_type, value):
        if "aclScalarList" in c_type or not any(
                k in c_type for k in ("aclTensor", "aclScalar", "aclIntArray")):
            return value
        if not value:
            return None
        obj = self.objects.get(value)
        return _Dangling() if obj is None or isinstance(obj, _Executor) else obj

    def _planner(self, op):
        planner = kernels.PLANNERS[op]
        params = acl.SIGNATURES[op + "GetWorkspaceSize"][2][:-2]

        def get_workspace_size(*args):
            *ins, ws_ptr, ex_ptr = args
            if not ws_ptr or not ex_ptr:
                raise st.SimError(st.ACLNN_ERR_PARAM_NULLPTR,
                                  f"{op}GetWorkspaceSize: workspaceSize or executor is NULL")
            plan = planner(op, *(self._resolve(c, v) for c, v in zip(params, ins)))
            ws_ptr[0] = plan.workspace
            ex_ptr[0] = self.objects.add(_Executor(op, plan))
        return get_workspace_size

    def _launcher(self, op):
        def launch(workspace, workspace_size, h, s):
            ex = self._executor(h)
            if ex.op != op:
                raise st.SimError(st.ACLNN_ERR_PARAM_INVALID,
                                  f"{op}: executor was created by {ex.op}GetWorkspaceSize")
            plan = ex.plan
            if plan.workspace:
                if workspace_size < plan.workspace or not workspace:
                    raise st.SimError(st.ACLNN_ERR_PARAM_INVALID,
                                      f"{op}: needs a workspace of {plan.workspace} bytes, got "
                                      f"{workspace_size} at {workspace or 0:#x}")
                self.memory.device_view(workspace, plan.workspace)
            stream = self.stream(s)
            for t in plan.tensors:
                d = self.memory.device_of(t.data) if t.data else stream.device
                if d is None or not self.can_touch(stream.device, d):
                    raise st.SimError(st.ACLNN_ERR_PARAM_INVALID,
                                      f"{op}: {t!r} is not memory of device {stream.device}")
            if not ex.repeatable:
                self.objects.pop(h)
            stream.submit(lambda: plan.run(self.memory))
        return launch


__all__ = ["Simulator", "NP_DTYPES"]
