"""torch.npu: the Ascend NPU device API, mirroring torch.cuda.

This file only re-exports; the functions live in submodules (``device``: availability,
selection, properties, peer access, pinned memory; ``streams``: streams and events;
``memory``: allocator statistics, summary, snapshots, fraction, empty_cache).
"""
from . import memory, streams
from .device import (  # noqa: F401
    _get_device_name, _get_device_capability, can_device_access_peer, current_device, device,
    device_count, device_of, disable_peer_access, enable_peer_access, get_arch_list,
    get_device_capability, get_device_name, get_device_properties, init, is_available,
    is_bf16_supported, is_initialized, is_pinned, pin_memory, set_device, synchronize,
    use_simulator,
)
from .memory import (  # noqa: F401
    OutOfMemoryError, _get_allocator, caching_allocator_alloc, caching_allocator_delete,
    empty_cache, get_per_process_memory_fraction, max_memory_allocated, max_memory_cached,
    max_memory_reserved, mem_get_info, memory_allocated, memory_cached, memory_reserved,
    memory_snapshot, memory_stats, memory_stats_as_nested_dict, memory_summary,
    reset_accumulated_memory_stats, reset_max_memory_allocated, reset_max_memory_cached,
    reset_peak_memory_stats, set_per_process_memory_fraction,
)
from .streams import (  # noqa: F401
    Event, Stream, StreamContext, current_stream, default_stream, set_stream, stream,
    stream_priority_range,
)
