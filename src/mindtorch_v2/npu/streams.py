"""torch.npu streams and events (torch.cuda's API over ACL streams and events)."""
from __future__ import annotations

from .._backends.npu import runtime as _rt

__all__ = ["Stream", "Event", "StreamContext", "stream", "current_stream", "default_stream",
           "set_stream", "stream_priority_range"]

Stream = _rt.Stream
Event = _rt.Event
StreamContext = _rt.StreamContext
stream = _rt.stream
current_stream = _rt.current_stream
default_stream = _rt.default_stream
set_stream = _rt.set_stream
stream_priority_range = _rt.stream_priority_range
