"""Simulated streams and events.

Each stream owns a worker thread that runs its tasks (kernels, async copies, event records and
waits) in submission order. Nothing else waits for a stream: a synchronous aclrtMemcpy reads
memory as it is now, so a missing synchronisation reads stale data, as on hardware. The
``Gate`` lets tests hold every worker to make such races deterministic.
"""
from __future__ import annotations

import collections
import threading
import time

from . import status as st

PRIORITY_GREATEST, PRIORITY_LEAST = 0, 7     # ACL stream priority range: smaller = higher


class Gate:
    """Open by default; while held, workers wait before starting their next task."""

    def __init__(self):
        self._open = threading.Event()
        self._open.set()
        self._depth = 0
        self._lock = threading.Lock()

    def hold(self):
        with self._lock:
            self._depth += 1
            self._open.clear()

    def release(self):
        with self._lock:
            self._depth -= 1
            if self._depth == 0:
                self._open.set()

    def wait(self):
        self._open.wait()


class Stream:
    """A device queue: a worker thread running tasks in order."""

    def __init__(self, device, priority=0, flag=0, gate=None, latency=0.0):
        self.device, self.priority, self.flag = device, priority, flag
        self._gate, self._latency = gate, latency
        self._tasks = collections.deque()
        self._cv = threading.Condition()
        self._submitted = self._done = 0
        self._error = None
        self._closed = False
        self._worker = threading.Thread(target=self._run, daemon=True,
                                        name=f"npu-sim-stream-d{device}")
        self._worker.start()

    def submit(self, fn):
        with self._cv:
            if self._closed:
                raise st.SimError(st.ACL_ERROR_RT_PARAM_INVALID, "stream was destroyed")
            self._submitted += 1
            self._tasks.append(fn)
            self._cv.notify_all()
            return self._submitted

    def _run(self):
        while True:
            with self._cv:
                while not self._tasks and not self._closed:
                    self._cv.wait()
                if not self._tasks:
                    return
                fn = self._tasks[0]
            if self._gate is not None:
                self._gate.wait()
            if self._latency:
                time.sleep(self._latency)
            try:
                fn()
            except st.SimError as e:      # the error surfaces at the next synchronisation
                self._error = self._error or e
            except Exception as e:        # noqa: BLE001 - a kernel bug must not kill the worker
                self._error = self._error or st.SimError(st.ACL_ERROR_RT_AICORE_EXCEPTION,
                                                         f"{type(e).__name__}: {e}")
            with self._cv:
                self._tasks.popleft()
                self._done += 1
                self._cv.notify_all()

    def done(self, ticket=None):
        with self._cv:
            return self._done >= (self._submitted if ticket is None else ticket)

    def synchronize(self, ticket=None, timeout=None):
        with self._cv:
            target = self._submitted if ticket is None else ticket
            if not self._cv.wait_for(lambda: self._done >= target, timeout):
                raise st.SimError(st.ACL_ERROR_RT_INTERNAL_ERROR, "stream synchronize timed out")
        err, self._error = self._error, None
        if err is not None:
            raise err

    def close(self):
        with self._cv:
            self._closed = True
            self._cv.notify_all()


class Event:
    """Event state: the last record's completion and timestamp."""

    def __init__(self, flag, timing):
        self.flag, self.timing = flag, timing
        self._cv = threading.Condition()
        self._recorded = 0        # records submitted
        self._completed = 0       # records reached by their stream
        self.timestamp = None     # perf_counter of the last completed record

    def record(self, stream):
        with self._cv:
            self._recorded += 1
            gen = self._recorded

        def reach():
            with self._cv:
                self.timestamp = time.perf_counter()
                self._completed = max(self._completed, gen)
                self._cv.notify_all()
        stream.submit(reach)

    def complete(self):
        with self._cv:
            return self._completed >= self._recorded

    def wait_task(self):
        """A task that blocks its stream until the record made so far has been reached."""
        with self._cv:
            gen = self._recorded

        def wait():
            with self._cv:
                self._cv.wait_for(lambda: self._completed >= gen)
        return wait

    def synchronize(self):
        with self._cv:
            self._cv.wait_for(lambda: self._completed >= self._recorded)
