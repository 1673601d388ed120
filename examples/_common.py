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


def digits_data(torch, lib, batch_size, images=False):
    """scikit-learn's bundled 8x8 digits scaled to [0, 1], split 75/25 (stratified):
    (shuffled train DataLoader, test inputs as a NumPy array, test labels).  Inputs are
    N x 1 x 8 x 8 images when ``images``, else flat rows of 64."""
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = importlib.import_module(lib + ".utils.data")
    digits = load_digits()
    x = (digits.images if images else digits.data) / 16.0  # pixel values are 0..16
    x = x.astype(np.float32)
    if images:
        x = x[:, None]
    xtr, xte, ytr, yte = train_test_split(x, digits.target, test_size=0.25,
                                          random_state=0, stratify=digits.target)
    train = data.TensorDataset(torch.from_numpy(xtr), torch.from_numpy(ytr))
    return data.DataLoader(train, batch_size=batch_size, shuffle=True), xte, yte


def train_and_test(torch, lib, model, loader, opt, loss_fn, epochs, xte, yte,
                   clip_norm=None, sched=None):
    """Train for ``epochs`` (printing each epoch's mean loss), then print and return the test
    accuracy.  ``clip_norm`` clips the gradient norm; ``sched`` steps once per epoch."""
    t0 = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        total, n = 0.0, 0
        for xb, yb in progress(loader, len(loader), f"epoch {epoch}"):
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            if clip_norm is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
            opt.step()
            total += loss.item() * len(yb)
            n += len(yb)
        if sched is not None:
            sched.step()
        print(f"epoch {epoch:3d}  train loss {total / n:.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(xte)).argmax(dim=1).numpy()
    acc = float((pred == yte).mean())
    print(f"trained in {time.perf_counter() - t0:.1f}s on {lib}")
    print(f"test accuracy: {acc * 100:.2f}%")
    return acc
