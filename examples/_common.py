"""Shared bits of the examples: choosing the library, quick mode, a progress bar."""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import time

# These models are small: BLAS threads cost more in synchronisation than they win (and on
# a shared machine they spin against each other), so default to one thread.  This must run
# before NumPy is imported, hence examples import this module first.
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")


def parse_args(description, epochs, quick_epochs, extra=None):
    """--lib mindtorch_v2|torch, --epochs N; MINDTORCH_EXAMPLE_QUICK=1 (or --quick) trains
    only ``quick_epochs`` epochs, for smoke tests."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--lib", default="mindtorch_v2", choices=["mindtorch_v2", "torch"],
                    help="run on mindtorch_v2 (default) or real PyTorch, to compare")
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--quick", action="store_true", help="a few epochs only (smoke test)")
    ap.add_argument("--seed", type=int, default=0)
    for args, kwargs in (extra or []):
        ap.add_argument(*args, **kwargs)
    a = ap.parse_args()
    quick = a.quick or os.environ.get("MINDTORCH_EXAMPLE_QUICK", "") not in ("", "0")
    if a.epochs is None:
        a.epochs = quick_epochs if quick else epochs
    a.quick = quick
    return a


def load_lib(name):
    torch = importlib.import_module(name)
    if name == "torch":
        torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    return torch


def progress(iterable, total, desc):
    """tqdm when installed, else a minimal one-line bar on stderr."""
    try:
        from tqdm import tqdm
        return tqdm(iterable, total=total, desc=desc, leave=False, file=sys.stderr,
                    disable=not sys.stderr.isatty())
    except ImportError:
        return _SimpleBar(iterable, total, desc)


class _SimpleBar:
    def __init__(self, iterable, total, desc):
        self.iterable, self.total, self.desc = iterable, total, desc

    def __iter__(self):
        show = sys.stderr.isatty()
        t0 = time.perf_counter()
        for i, x in enumerate(self.iterable, 1):
            yield x
            if show:
                n = 30 * i // max(self.total, 1)
                sys.stderr.write(f"\r{self.desc} [{'#' * n}{'.' * (30 - n)}] {i}/{self.total}"
                                 f" {time.perf_counter() - t0:.1f}s")
                sys.stderr.flush()
        if show:
            sys.stderr.write("\r" + " " * 70 + "\r")
