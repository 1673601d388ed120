"""A small convolutional network on scikit-learn's bundled 8x8 digits (no download).

    python examples/cnn_digits.py                # mindtorch_v2, full run (~98% test accuracy)
    python examples/cnn_digits.py --lib torch    # the same script on real PyTorch
    MINDTORCH_EXAMPLE_QUICK=1 python examples/cnn_digits.py   # 1 epoch, smoke test
"""
from __future__ import annotations

import time
from importlib import import_module

from _common import load_lib, parse_args, progress  # first: sets BLAS threads

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def build(nn):
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        nn.MaxPool2d(2),                                    # 16 x 4 x 4
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
        nn.MaxPool2d(2),                                    # 32 x 2 x 2
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(32 * 2 * 2, 64), nn.ReLU(),
        nn.Linear(64, 10))


def main():
    args = parse_args(__doc__.splitlines()[0], epochs=15, quick_epochs=1)
    torch = load_lib(args.lib)
    nn = torch.nn
    data = import_module(args.lib + ".utils.data")
    torch.manual_seed(args.seed)

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]  # N x 1 x 8 x 8
    xtr, xte, ytr, yte = train_test_split(x, digits.target, test_size=0.25,
                                          random_state=0, stratify=digits.target)
    train = data.TensorDataset(torch.from_numpy(xtr), torch.from_numpy(ytr))
    loader = data.DataLoader(train, batch_size=32, shuffle=True)

    model = build(nn)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)

    t0 = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        total, n = 0.0, 0
        for xb, yb in progress(loader, len(loader), f"epoch {epoch}"):
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
            n += len(yb)
        sched.step()
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
