"""A small convolutional network on scikit-learn's bundled 8x8 digits (no download).

    python examples/cnn_digits.py                # mindtorch_v2, full run (~98% test accuracy)
    python examples/cnn_digits.py --lib torch    # the same script on real PyTorch
    MINDTORCH_EXAMPLE_QUICK=1 python examples/cnn_digits.py   # 1 epoch, smoke test
"""
from __future__ import annotations

from _common import digits_data, load_lib, parse_args, train_and_test  # first: BLAS threads


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
    torch.manual_seed(args.seed)
    loader, xte, yte = digits_data(torch, args.lib, batch_size=32, images=True)

    model = build(nn)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
    return train_and_test(torch, args.lib, model, loader, opt, loss_fn, args.epochs, xte, yte,
                          sched=sched)


if __name__ == "__main__":
    main()
