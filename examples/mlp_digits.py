"""A multi-layer perceptron on scikit-learn's bundled 8x8 digits (no download).

    python examples/mlp_digits.py                # mindtorch_v2, full run (~97% test accuracy)
    python examples/mlp_digits.py --lib torch    # the same script on real PyTorch
    MINDTORCH_EXAMPLE_QUICK=1 python examples/mlp_digits.py   # 2 epochs, smoke test
"""
from __future__ import annotations

from _common import digits_data, load_lib, parse_args, train_and_test  # first: BLAS threads


def main():
    args = parse_args(__doc__.splitlines()[0], epochs=30, quick_epochs=2)
    torch = load_lib(args.lib)
    nn = torch.nn
    torch.manual_seed(args.seed)
    loader, xte, yte = digits_data(torch, args.lib, batch_size=64)

    model = nn.Sequential(
        nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.1),
        nn.Linear(128, 64), nn.ReLU(),
        nn.Linear(64, 10))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()
    return train_and_test(torch, args.lib, model, loader, opt, loss_fn, args.epochs, xte, yte,
                          clip_norm=5.0)


if __name__ == "__main__":
    main()
