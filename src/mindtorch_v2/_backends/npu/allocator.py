"""NpuAllocator: a caching allocator for NPU device memory.

It follows the design of PyTorch's CUDA caching allocator (the ideas, not the code):

- requests are rounded up to 512 bytes; requests of at most 1 MiB are served from the *small*
  pool, whose segments are 2 MiB; larger ones from the *large* pool, whose segments are 20 MiB
  for requests under 10 MiB and the request rounded up to 2 MiB otherwise;
- a free block is found by best fit (smallest cached block of the same stream that is big
  enough); a block larger than needed is split, and a freed block is merged with free
  neighbours of its segment, so a segment goes back to one block when all its parts are free;
- blocks belong to the stream they were allocated on; ``record_stream`` notes other streams
  that use a block, and freeing such a block records an event on each of them: the block is
  reused only once those events complete (Note [stream-ordered reuse]);
- when the device is out of memory, cached segments are released and the request retried
  before :class:`OutOfMemoryError` is raised;
- statistics use ``torch.cuda.memory_stats``'s key names, and ``snapshot()`` has the layout of
  ``torch.cuda.memory._snapshot()``.

The device is reached only through injected callables (``raw_malloc``, ``raw_free``,
``mem_get_info`` and the event functions), so the allocator runs on a fake device in tests;
left as ``None`` they resolve lazily to the NPU runtime through :func:`_default_backend`.

Note [stream-ordered reuse]: a block freed while other streams may still read it is kept in
the ``active_pending_free`` state with one event per using stream. Pending blocks are looked at
on every ``malloc``; those whose events all completed are freed. When memory runs out, the
allocator synchronises all pending events (``num_sync_all_streams``) before releasing the cache.
"""
from __future__ import annotations

import bisect
import collections
import sys
import time

__all__ = ["NpuAllocator", "OutOfMemoryError"]

# ---- sizes (bytes) -----------------------------------------------------------------------
MIN_BLOCK_SIZE = 512              # every block size is a multiple of this
SMALL_SIZE = 1 << 20              # requests up to 1 MiB go to the small pool
SMALL_BUFFER = 2 << 20            # segment size of the small pool
LARGE_BUFFER = 20 << 20           # segment size for large requests below MIN_LARGE_ALLOC
MIN_LARGE_ALLOC = 10 << 20
ROUND_LARGE = 2 << 20             # larger requests get their own segment, rounded to 2 MiB

POOLS = ("small_pool", "large_pool")
_POOL_STATS = ("allocation", "segment", "active", "inactive_split", "allocated_bytes",
               "reserved_bytes", "active_bytes", "inactive_split_bytes", "requested_bytes")
_PLAIN_STATS = ("oversize_allocations", "oversize_segments")
_COUNTERS = ("num_alloc_retries", "num_ooms", "num_sync_all_streams", "num_device_alloc",
             "num_device_free", "num_oom_rejections")
_METRICS = ("current", "peak", "allocated", "freed")


class OutOfMemoryError(RuntimeError):
    """Raised when the NPU allocator cannot obtain device memory (``torch.npu.OutOfMemoryError``)."""


def _default_backend(device_id):
    """The NPU runtime's device functions for ``device_id``: an object with ``malloc(nbytes)``,
    ``free(ptr)``, ``mem_get_info()``, ``record_event(stream)``, ``query_event(event)`` and
    ``synchronize_event(event)`` (aclrtMalloc / aclrtFree / aclrtGetMemInfo / ACL events)."""
    from .runtime import AllocatorBackend
    return AllocatorBackend(device_id)


def round_size(size):
    """A request rounded up to the 512-byte block granularity."""
    if size < MIN_BLOCK_SIZE:
        return MIN_BLOCK_SIZE
    return -(-size // MIN_BLOCK_SIZE) * MIN_BLOCK_SIZE


def allocation_size(size):
    """The size of the segment obtained from the device for a (rounded) request."""
    if size <= SMALL_SIZE:
        return SMALL_BUFFER
    if size < MIN_LARGE_ALLOC:
        return LARGE_BUFFER
    return -(-size // ROUND_LARGE) * ROUND_LARGE


def format_size(n):
    """Byte counts as torch's OOM message prints them."""
    if n <= 1024:
        return f"{n} bytes"
    if n <= 1 << 20:
        return f"{n / 1024:.2f} KiB"
    if n <= 1 << 30:
        return f"{n / (1 << 20):.2f} MiB"
    return f"{n / (1 << 30):.2f} GiB"


def _stream_id(stream):
    """An integer naming a stream: 0 for the default (None), ints as is, else the handle."""
    if stream is None:
        return 0
    if isinstance(stream, int):
        return stream
    for attr in ("stream_id", "_as_parameter_", "handle"):
        v = getattr(stream, attr, None)
        if isinstance(v, int):
            return v
    return id(stream)


class Block:
    """A piece of a segment: allocated, free (cached) or pending free."""
    __slots__ = ("address", "size", "requested_size", "stream", "stream_id", "pool",
                 "segment", "prev", "next", "allocated", "stream_uses", "events", "frames")

    def __init__(self, address, size, stream, pool, segment):
        self.address = address
        self.size = size
        self.requested_size = 0
        self.stream = stream
        self.stream_id = _stream_id(stream)
        self.pool = pool                # "small_pool" / "large_pool"
        self.segment = segment          # address of the segment's first byte
        self.prev = self.next = None    # neighbours inside the segment
        self.allocated = False
        self.stream_uses = {}           # stream id -> stream, from record_stream
        self.events = []                # pending events while active_pending_free
        self.frames = []

    @property
    def is_split(self):
        return self.prev is not None or self.next is not None

    def key(self):
        return (self.stream_id, self.size, self.address)


class NpuAllocator:
    """Caching allocator of one NPU device (see the module docstring).

    Args:
        device_id: the device index reported in stats, snapshots and messages.
        raw_malloc: ``f(nbytes) -> address``; returns 0/None or raises MemoryError when the
            device has no room.
        raw_free: ``f(address)``.
        mem_get_info: ``f() -> (free_bytes, total_bytes)``.
        record_event / query_event / synchronize_event: stream events used by
            ``record_stream``; ``record_event(stream)`` returns an event object,
            ``query_event(event)`` is True once the work queued before it completed.
        max_split_size: blocks of at least this size are never split (None: no limit).
    """

    def __init__(self, device_id=0, *, raw_malloc=None, raw_free=None, mem_get_info=None,
                 record_event=None, query_event=None, synchronize_event=None,
                 max_split_size=None):
        self.device_id = device_id
        self._hooks = {"malloc": raw_malloc, "free": raw_free, "mem_get_info": mem_get_info,
                       "record_event": record_event, "query_event": query_event,
                       "synchronize_event": synchronize_event}
        self._backend = None
        self.max_split_size = max_split_size
        self._free = {p: [] for p in POOLS}         # sorted keys of cached blocks per pool
        self._free_blocks = {}                      # key -> Block
        self._active = {}                           # address -> allocated Block
        self._pending = []                          # blocks waiting for stream events
        self._segments = {}                         # segment address -> first Block
        self._fraction = None
        self._allowed = None                        # bytes allowed by the fraction
        self._stats = {}
        self.reset_stats()
        self._history = None                        # None: recording off
        self._record_context = None
        self._trace = collections.deque()

    # ---- device access ---------------------------------------------------------------
    def _hook(self, name):
        fn = self._hooks[name]
        if fn is None:
            if self._backend is None:
                self._backend = _default_backend(self.device_id)
            fn = self._hooks[name] = getattr(self._backend, name)
        return fn

    def _mem_get_info(self):
        """(free, total) bytes of the device."""
        return tuple(self._hook("mem_get_info")())

    def _raw_malloc(self, nbytes):
        try:
            ptr = self._hook("malloc")(nbytes)
        except MemoryError:
            return None
        return ptr or None

    # ---- statistics ----------------------------------------------------------------------
    def reset_stats(self):
        """All statistics back to zero (used at construction)."""
        s = self._stats
        s.clear()
        for name in _POOL_STATS:
            for pool in ("all",) + POOLS:
                for m in _METRICS:
                    s[f"{name}.{pool}.{m}"] = 0
        for name in _PLAIN_STATS:
            for m in _METRICS:
                s[f"{name}.{m}"] = 0
        for name in _COUNTERS:
            s[name] = 0

    def _update(self, prefixes, delta):
        s = self._stats
        for p in prefixes:
            cur = s[p + ".current"] + delta
            s[p + ".current"] = cur
            if delta > 0:
                s[p + ".allocated"] += delta
                if cur > s[p + ".peak"]:
                    s[p + ".peak"] = cur
            else:
                s[p + ".freed"] -= delta

    def _stat(self, name, pool, delta):
        if delta:
            self._update((f"{name}.all", f"{name}.{pool}"), delta)

    def _oversize(self, size):
        return self.max_split_size is not None and size >= self.max_split_size

    def memory_stats(self):
        """A flat dict with ``torch.cuda.memory_stats``'s keys."""
        out = dict(self._stats)
        out["max_split_size"] = -1 if self.max_split_size is None else self.max_split_size
        return out

    def reset_peak_stats(self):
        """Every ``peak`` back to its ``current`` value."""
        s = self._stats
        for k in s:
            if k.endswith(".peak"):
                s[k] = s[k[:-5] + ".current"]

    def reset_accumulated_stats(self):
        """Every ``allocated``/``freed`` total and event counter back to zero."""
        s = self._stats
        for k in s:
            if k.endswith((".allocated", ".freed")) or k in _COUNTERS:
                s[k] = 0

    # ---- free-list helpers ---------------------------------------------------------------
    def _insert_free(self, block):
        k = block.key()
        bisect.insort(self._free[block.pool], k)
        self._free_blocks[k] = block

    def _remove_free(self, block):
        k = block.key()
        lst = self._free[block.pool]
        del lst[bisect.bisect_left(lst, k)]
        del self._free_blocks[k]

    def _find_free(self, pool, stream_id, size):
        """Best fit: the smallest cached block of ``stream_id`` with at least ``size`` bytes."""
        lst = self._free[pool]
        i = bisect.bisect_left(lst, (stream_id, size, -1))
        while i < len(lst):
            sid, bsize, _ = k = lst[i]
            if sid != stream_id:
                return None
            if self.max_split_size is not None:
                # An oversize block serves only oversize requests of nearly its size, so
                # large cached blocks are not cut down for small tensors (fragmentation).
                if size < self.max_split_size <= bsize:
                    return None
                if size >= self.max_split_size and bsize >= size + LARGE_BUFFER:
                    return None
            return self._free_blocks[k]
        return None

    def _should_split(self, block, size):
        remaining = block.size - size
        if block.pool == "small_pool":
            return remaining >= MIN_BLOCK_SIZE
        return remaining > SMALL_SIZE and not self._oversize(size)

    # ---- allocation ---------------------------------------------------------------------
    def malloc(self, size, stream=None):
        """Device memory for ``size`` bytes used on ``stream``; returns its address."""
        if size < 0:
            raise ValueError(f"negative allocation size {size}")
        if size == 0:
            return 0
        self._process_events()
        rounded = round_size(size)
        pool = "small_pool" if rounded <= SMALL_SIZE else "large_pool"
        sid = _stream_id(stream)
        block = self._find_free(pool, sid, rounded)
        if block is not None:
            self._remove_free(block)
            if block.is_split:
                self._stat("inactive_split", pool, -1)
                self._stat("inactive_split_bytes", pool, -block.size)
        else:
            block = self._new_segment(allocation_size(rounded), rounded, pool, stream, size)
        if self._should_split(block, rounded):
            rest = Block(block.address + rounded, block.size - rounded, block.stream, pool,
                         block.segment)
            rest.prev, rest.next = block, block.next
            if block.next is not None:
                block.next.prev = rest
            block.next = rest
            block.size = rounded
            self._insert_free(rest)
            self._stat("inactive_split", pool, 1)
            self._stat("inactive_split_bytes", pool, rest.size)
        block.allocated = True
        block.requested_size = size
        block.frames = self._frames() if self._history is not None else []
        self._active[block.address] = block
        for name, delta in (("allocation", 1), ("allocated_bytes", block.size), ("active", 1),
                            ("active_bytes", block.size), ("requested_bytes", size)):
            self._stat(name, pool, delta)
        if self._oversize(block.size):
            self._update(("oversize_allocations",), 1)
        self._trace_event("alloc", block.address, block.size, block.stream_id, block.frames)
        return block.address

    def _new_segment(self, seg_size, rounded, pool, stream, requested):
        """Obtain a segment from the device, releasing the cache and retrying on failure."""
        ptr = self._try_device_alloc(seg_size)
        if ptr is None:
            self._stats["num_alloc_retries"] += 1
            self._release_cache()
            ptr = self._try_device_alloc(seg_size)
        if ptr is None:
            self._raise_oom(seg_size, stream)
        self._stats["num_device_alloc"] += 1
        block = Block(ptr, seg_size, stream, pool, ptr)
        self._segments[ptr] = block
        self._stat("segment", pool, 1)
        self._stat("reserved_bytes", pool, seg_size)
        if self._oversize(seg_size):
            self._update(("oversize_segments",), 1)
        self._trace_event("segment_alloc", ptr, seg_size, block.stream_id, self._frames())
        return block

    def _try_device_alloc(self, nbytes):
        try:
            self._enforce_memory_fraction(nbytes)
        except OutOfMemoryError:
            return None
        return self._raw_malloc(nbytes)

    def _enforce_memory_fraction(self, nbytes):
        """Raise OutOfMemoryError if reserving ``nbytes`` more would exceed the fraction."""
        if self._allowed is not None and \
                self._stats["reserved_bytes.all.current"] + nbytes > self._allowed:
            self._stats["num_oom_rejections"] += 1
            raise OutOfMemoryError(self._oom_message(nbytes, self._allowed))

    def _raise_oom(self, nbytes, stream):
        self._stats["num_ooms"] += 1
        try:
            free = self._mem_get_info()[0]
        except RuntimeError:
            free = 0
        self._trace_event("oom", 0, nbytes, _stream_id(stream), self._frames(), device_free=free)
        raise OutOfMemoryError(self._oom_message(nbytes, self._allowed))

    def _oom_message(self, nbytes, allowed):
        try:
            free, total = self._mem_get_info()
        except RuntimeError:
            free = total = 0
        allocated = self._stats["allocated_bytes.all.current"]
        reserved = self._stats["reserved_bytes.all.current"]
        allowed_info = f"{format_size(allowed)} allowed; " if allowed is not None else ""
        return (f"NPU out of memory. Tried to allocate {format_size(nbytes)}. NPU "
                f"{self.device_id} has a total capacity of {format_size(total)} of which "
                f"{format_size(free)} is free. {allowed_info}Of the allocated memory "
                f"{format_size(allocated)} is allocated by PyTorch, and "
                f"{format_size(reserved - allocated)} is reserved by PyTorch but unallocated. "
                "If reserved but unallocated memory is large, call torch.npu.empty_cache() or "
                "reduce fragmentation.")

    def set_memory_fraction(self, fraction):
        """Limit reserved memory to ``fraction`` of the device's total memory."""
        self._fraction = float(fraction)
        self._allowed = int(self._fraction * self._mem_get_info()[1])

    def get_memory_fraction(self):
        """The fraction set by :meth:`set_memory_fraction` (1.0 when unset)."""
        return 1.0 if self._fraction is None else self._fraction

    # ---- freeing -----------------------------------------------------------------------
    def record_stream(self, ptr, stream):
        """Mark the block at ``ptr`` as used by ``stream`` (``Tensor.record_stream``)."""
        block = self._active.get(ptr)
        if block is None:
            raise RuntimeError(f"record_stream: {ptr:#x} is not an allocated NPU address")
        sid = _stream_id(stream)
        if sid != block.stream_id:
            block.stream_uses[sid] = stream

    def free(self, ptr):
        """Give the block at ``ptr`` back to the cache (after other streams are done with it)."""
        if ptr == 0:
            return
        block = self._active.pop(ptr, None)
        if block is None:
            raise RuntimeError(f"invalid device pointer: {ptr:#x}")
        block.allocated = False
        pool = block.pool
        self._stat("allocation", pool, -1)
        self._stat("allocated_bytes", pool, -block.size)
        if self._oversize(block.size):
            self._update(("oversize_allocations",), -1)
        self._trace_event("free_requested", ptr, block.size, block.stream_id,
                          block.frames if self._record_context == "all" else [])
        if block.stream_uses:
            record = self._hook("record_event")
            block.events = [record(s) for s in block.stream_uses.values()]
            block.stream_uses = {}
            self._pending.append(block)
        else:
            self._free_block(block)

    def _free_block(self, block):
        """Return an inactive block to its pool, merged with its free neighbours."""
        pool = block.pool
        self._stat("active", pool, -1)
        self._stat("active_bytes", pool, -block.size)
        self._stat("requested_bytes", pool, -block.requested_size)
        self._trace_event("free_completed", block.address, block.size, block.stream_id,
                          block.frames if self._record_context == "all" else [])
        block.requested_size = 0
        block.frames = []
        for nb in (block.prev, block.next):
            if nb is not None and not nb.allocated and not nb.events:
                self._remove_free(nb)
                self._stat("inactive_split", pool, -1)
                self._stat("inactive_split_bytes", pool, -nb.size)
                if nb is block.prev:
                    block.address, block.prev = nb.address, nb.prev
                    if nb.prev is not None:
                        nb.prev.next = block
                    else:
                        self._segments[block.segment] = block
                else:
                    block.next = nb.next
                    if nb.next is not None:
                        nb.next.prev = block
                block.size += nb.size
        if block.is_split:
            self._stat("inactive_split", pool, 1)
            self._stat("inactive_split_bytes", pool, block.size)
        self._insert_free(block)

    def _process_events(self):
        if not self._pending:
            return
        query = self._hook("query_event")
        still = []
        for block in self._pending:
            block.events = [e for e in block.events if not query(e)]
            if block.events:
                still.append(block)
            else:
                self._free_block(block)
        self._pending = still

    def _synchronize_and_free_events(self):
        if not self._pending:
            return
        self._stats["num_sync_all_streams"] += 1
        sync = self._hook("synchronize_event")
        for block in self._pending:
            for e in block.events:
                sync(e)
            block.events = []
            self._free_block(block)
        self._pending = []

    def _release_cache(self):
        """Give every fully free segment back to the device."""
        self._synchronize_and_free_events()
        raw_free = self._hook("free")
        for pool in POOLS:
            for k in list(self._free[pool]):
                block = self._free_blocks[k]
                if block.is_split:
                    continue
                self._remove_free(block)
                del self._segments[block.address]
                raw_free(block.address)
                self._stats["num_device_free"] += 1
                self._stat("segment", pool, -1)
                self._stat("reserved_bytes", pool, -block.size)
                if self._oversize(block.size):
                    self._update(("oversize_segments",), -1)
                self._trace_event("segment_free", block.address, block.size, block.stream_id, [])

    def empty_cache(self):
        """Release all unused cached segments to the device (``torch.npu.empty_cache``)."""
        self._release_cache()

    # ---- history and snapshot ----------------------------------------------------------
    def record_memory_history(self, enabled="all", context="all", stacks="all",
                              max_entries=sys.maxsize, clear_history=False):
        """Record Python stack traces per allocation (and alloc/free events if ``enabled='all'``).

        ``enabled``: None (off), ``'state'`` (frames of live blocks) or ``'all'`` (also a
        history of events, the last ``max_entries`` kept); ``context``: which events carry
        frames (None, ``'state'``, ``'alloc'``, ``'all'``); ``stacks``: ``'python'`` or
        ``'all'`` (the same here: there are no C++ frames to add).
        """
        if enabled not in (None, "state", "all"):
            raise ValueError(f"enabled must be None, 'state' or 'all', got {enabled!r}")
        if context not in (None, "state", "alloc", "all"):
            raise ValueError(f"context must be None, 'state', 'alloc' or 'all', got {context!r}")
        if stacks not in ("python", "all"):
            raise ValueError(f"stacks must be 'python' or 'all', got {stacks!r}")
        self._history = enabled
        self._record_context = context if enabled is not None else None
        if clear_history or enabled is None:
            self._trace = collections.deque(maxlen=max_entries)
        else:
            self._trace = collections.deque(self._trace, maxlen=max_entries)

    def _frames(self):
        """The caller's Python stack, innermost first, without this module's frames."""
        if self._record_context is None:
            return []
        frames = []
        f = sys._getframe(1)
        while f is not None:
            code = f.f_code
            if code.co_filename != __file__:
                frames.append({"filename": code.co_filename, "line": f.f_lineno,
                               "name": code.co_name})
            f = f.f_back
        return frames

    def _trace_event(self, action, addr, size, stream_id, frames, **extra):
        if self._history != "all":
            return
        if self._record_context in (None, "state"):
            frames = []
        entry = {"action": action, "addr": addr, "size": size, "stream": stream_id,
                 "frames": frames, "time_us": time.time_ns() // 1000, **extra}
        if action == "oom":
            del entry["addr"]
        self._trace.append(entry)

    def _block_state(self, b):
        if b.allocated:
            return "active_allocated"
        return "active_pending_free" if b.events else "inactive"

    def snapshot(self):
        """The allocator state in ``torch.cuda.memory._snapshot()``'s layout."""
        segments = []
        for addr in sorted(self._segments):
            b = self._segments[addr]
            head, blocks, total, alloc, active = b, [], 0, 0, 0
            while b is not None:
                state = self._block_state(b)
                blocks.append({"address": b.address, "size": b.size,
                               "requested_size": b.requested_size, "state": state,
                               "frames": list(b.frames)})
                total += b.size
                alloc += b.size if b.allocated else 0
                active += b.size if state != "inactive" else 0
                b = b.next
            segments.append({"device": self.device_id, "address": head.address,
                             "total_size": total, "allocated_size": alloc,
                             "active_size": active, "requested_size":
                                 sum(x["requested_size"] for x in blocks),
                             "stream": head.stream_id,
                             "segment_type": head.pool.split("_")[0],
                             "segment_pool_id": (0, 0), "is_expandable": False,
                             "blocks": blocks})
        self._trace_event("snapshot", 0, 0, 0, [])
        traces = [[] for _ in range(self.device_id)] + [list(self._trace)]
        return {"segments": segments, "device_traces": traces, "device": self.device_id,
                "allocator": "npu",
                "allocator_settings": {"max_split_size": self.memory_stats()["max_split_size"],
                                       "per_process_memory_fraction":
                                           self.get_memory_fraction()}}
