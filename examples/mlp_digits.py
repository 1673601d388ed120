"""A multi-layer perceptron on scikit-learn's bundled 8x8 digits (no download).

    python examples/mlp_digits.py                # mindtorch_v2, full run (~97% test accuracy)
    python examples/mlp_digits.py --lib torch    # the same script on real PyTorch
    MINDTORCH_EXAMPLE_QUICK=1 python examples/mlp_digits.py   # 2 epochs, smoke test
"""
from __future__ import annotations

import time

from _common import load_lib, parse_args, progress  # first: sets BLAS threads

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def main():
    args = parse_args(__doc__.splitlines()[0], epochs=30, quick_epochs=2)
    torch = load_lib(args.lib)
    nn = torch.nn
    from importlib import import_module
    data = import_module(args.lib + ".utils.data")
    torch.manual_seed(args.seed)

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)  # pixel values are 0..16
    xtr, xte, ytr, yte = train_test_split(x, digits.target, test_size=0.25,
                                          random_state=0, stratify=digits.target)
    train = data.TensorDataset(torch.from_numpy(xtr), torch.from_numpy(ytr))
    loader = data.DataLoader(train, batch_size=64, shuffle=True)

    model = nn.Sequential(
        nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.1),
        nn.Linear(128, 64), nn.ReLU(),
        nn.Linear(64, 10))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()

    t0 = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        total, n = 0.0, 0
        for xb, yb in progress(loader, len(loader), f"epoch {epoch}"):
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            total += loss.item() * len(yb)
            n += len(yb)
        print(f"epoch {epoch:3d}  train loss {total / n:.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(xte)).argmax(dim=1).numpy()
    acc = float((pred == yte).mean())
    print(f"trained in {time.perf_counter() - t0:.1f}s on {args.lib}")
    print(f"test accuracy: {acc * 100:.2f}%")
    return acc


if __name__ == "__main__":
    main()
