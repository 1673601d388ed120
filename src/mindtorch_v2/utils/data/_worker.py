"""What runs inside a DataLoader worker process, and what the main process receives back.

Protocol (Note [DataLoader worker protocol]): the main process puts ``(task_idx, index)``
on a worker's own index queue; the worker answers ``(task_idx, data)`` on the result queue
shared by all workers, where ``data`` is the collated batch, an ``ExceptionWrapper`` or, for
an exhausted iterable dataset, ``_IterableDatasetStopIteration``. ``_ResumeIteration`` (for
persistent workers, at each new epoch) is echoed back once the worker has restarted its
dataset iterator; ``None`` asks the worker to exit. Tensors travel by pickling.
"""
from __future__ import annotations

import os
import queue
import random
import sys
import traceback
from dataclasses import dataclass

import numpy as np

__all__ = ["WorkerInfo", "get_worker_info", "ExceptionWrapper"]

# how often a blocked worker / main process wakes up to check the other side is alive
MP_STATUS_CHECK_INTERVAL = 5.0


class WorkerInfo:
    """Read-only description of the current worker: ``id``, ``num_workers``, ``seed`` and
    ``dataset`` (this worker's copy)."""

    __initialized = False

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self, k, v)
        self.__keys = tuple(kwargs.keys())
        self.__initialized = True

    def __setattr__(self, key, val):
        if self.__initialized:
            raise RuntimeError(f"Cannot assign attributes to {self.__class__.__name__} "
                               "objects")
        return super().__setattr__(key, val)

    def __repr__(self):
        fields = ", ".join(f"{k}={getattr(self, k)}" for k in self.__keys)
        return f"{self.__class__.__name__}({fields})"


_worker_info = None


def get_worker_info():
    """In a DataLoader worker process, its ``WorkerInfo``; ``None`` in the main process."""
    return _worker_info


class ExceptionWrapper:
    """An exception caught in a worker, carried to the main process with its traceback."""

    def __init__(self, exc_info=None, where="in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        """Raise an exception of the original type whose message names the worker and
        holds the worker's traceback."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            # KeyError would repr() its message and mangle the newlines
            raise _KeyErrorMessage(msg)
        try:
            exc = self.exc_type(msg)
        except Exception:  # exception types whose constructor needs other arguments
            raise RuntimeError(msg) from None
        raise exc


class _KeyErrorMessage(KeyError):
    def __str__(self):
        return self.args[0]


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    worker_id: int


@dataclass(frozen=True)
class _ResumeIteration:
    seed: int | None = None


# ----------------------------------------------------------------------------------------
# fetchers: one batch (or one sample when batching is off) for an index request
# ----------------------------------------------------------------------------------------
class _MapDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset, self.auto_collation = dataset, auto_collation
        self.collate_fn, self.drop_last = collate_fn, drop_last

    def fetch(self, index):
        if self.auto_collation:
            getitems = getattr(self.dataset, "__getitems__", None)
            data = getitems(index) if getitems else [self.dataset[i] for i in index]
        else:
            data = self.dataset[index]
        return self.collate_fn(data)


class _IterableDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset, self.auto_collation = dataset, auto_collation
        self.collate_fn, self.drop_last = collate_fn, drop_last
        self.dataset_iter = iter(dataset)
        self.ended = False

    def fetch(self, index):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.dataset_iter))
        data = []
        for _ in index:  # the index is a batch of Nones: only its length matters
            try:
                data.append(next(self.dataset_iter))
            except StopIteration:
                self.ended = True
                break
        if not data or (self.ended and self.drop_last and len(data) < len(index)):
            raise StopIteration
        return self.collate_fn(data)


def create_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last):
    cls = _IterableDatasetFetcher if iterable else _MapDatasetFetcher
    return cls(dataset, auto_collation, collate_fn, drop_last)


# ----------------------------------------------------------------------------------------
# the worker process
# ----------------------------------------------------------------------------------------
def _seed_worker(seed, base_seed, worker_id):
    """Seed Python, mindtorch and NumPy's global RNGs for this worker (torch's rule: the
    torch seed is ``base_seed + worker_id``)."""
    from ..._ops.random import manual_seed
    random.seed(seed)
    manual_seed(seed)
    # NumPy's global RNG takes 32-bit seeds: derive one from both numbers
    np.random.seed(np.random.SeedSequence([worker_id, base_seed]).generate_state(4))


def _worker_loop(iterable, dataset, index_queue, data_queue, done_event, auto_collation,
                 collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers):
    global _worker_info
    try:
        seed = base_seed + worker_id
        _seed_worker(seed, base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                  dataset=dataset)
        init_error = None
        fetcher = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = create_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_error = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")

        parent = os.getppid()
        exhausted = False
        while True:
            try:
                req = index_queue.get(timeout=MP_STATUS_CHECK_INTERVAL)
            except queue.Empty:
                if os.getppid() != parent:  # the main process died: nobody will read
                    break
                continue
            if req is None:
                break
            if isinstance(req, _ResumeIteration):
                data_queue.put((req, None))
                exhausted = False
                if init_error is None:
                    fetcher = create_fetcher(iterable, dataset, auto_collation, collate_fn,
                                             drop_last)
                continue
            if done_event.is_set() or exhausted:
                continue  # shutting down, or nothing left in this worker's stream
            task_idx, index = req
            if init_error is not None:
                data, init_error = init_error, None
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    if not iterable:
                        data = ExceptionWrapper(
                            where=f"in DataLoader worker process {worker_id}")
                    else:
                        data = _IterableDatasetStopIteration(worker_id)
                        exhausted = True
                except Exception:
                    data = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
            data_queue.put((task_idx, data))
            del data, req
    except KeyboardInterrupt:
        pass
    if done_event.is_set():
        # the main process no longer reads: do not block exit on flushing the queue
        data_queue.cancel_join_thread()
        data_queue.close()
