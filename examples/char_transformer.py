"""A character-level transformer language model trained on examples/data/fables.txt
(short fables written for this repository, dedicated to the public domain).

    python examples/char_transformer.py               # mindtorch_v2, full run
    python examples/char_transformer.py --lib torch   # the same script on real PyTorch
    MINDTORCH_EXAMPLE_QUICK=1 python examples/char_transformer.py   # smoke test

Prints the loss per epoch (an epoch is a fixed number of random windows) and a sample.
"""
from __future__ import annotations

import os
import time

from _common import load_lib, parse_args, progress  # first: sets BLAS threads

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def build(torch, vocab, block, d_model=64, heads=4, layers=2):
    nn = torch.nn

    class CharLM(nn.Module):
        """Token + learned position embeddings, pre-LN causal encoder layers, a linear head
        tied to the token embedding."""

        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(vocab, d_model)
            nn.init.normal_(self.tok.weight, std=0.02)  # small: it is also the output head
            self.pos = nn.Parameter(torch.zeros(block, d_model))
            nn.init.normal_(self.pos, std=0.02)
            layer = nn.TransformerEncoderLayer(d_model, heads, 4 * d_model, dropout=0.1,
                                               batch_first=True, norm_first=True)
            self.blocks = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
            self.norm = nn.LayerNorm(d_model)
            self.head = nn.Linear(d_model, vocab, bias=False)
            self.head.weight = self.tok.weight
            self.register_buffer(
                "mask", nn.Transformer.generate_square_subsequent_mask(block), persistent=False)

        def forward(self, idx):
            t = idx.shape[1]
            x = self.tok(idx) + self.pos[:t]
            x = self.blocks(x, mask=self.mask[:t, :t], is_causal=True)
            return self.head(self.norm(x))

    return CharLM()


def main():
    args = parse_args(__doc__.splitlines()[0], epochs=5, quick_epochs=1,
                      extra=[(("--steps",), {"type": int, "default": None,
                                             "help": "optimizer steps per epoch"})])
    torch = load_lib(args.lib)
    F = torch.nn.functional
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    steps = args.steps or (5 if args.quick else 50)
    block, batch = 64, 16

    with open(os.path.join(HERE, "data", "fables.txt"), encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    data = np.array([stoi[c] for c in text], dtype=np.int64)
    split = int(len(data) * 0.9)
    train, val = data[:split], data[split:]
    print(f"{len(text)} characters, vocabulary {len(chars)}")

    def windows(src, n):
        starts = rng.integers(0, len(src) - block - 1, n)
        x = np.stack([src[s:s + block] for s in starts])
        y = np.stack([src[s + 1:s + block + 1] for s in starts])
        return torch.from_numpy(x), torch.from_numpy(y)

    model = build(torch, len(chars), block)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model: {n_params} parameters")
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    total_steps = args.epochs * steps
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=total_steps,
                                                pct_start=0.1)

    t0 = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        total = 0.0
        for _ in progress(range(steps), steps, f"epoch {epoch}"):
            x, y = windows(train, batch)
            logits = model(x)
            loss = F.cross_entropy(logits.reshape(-1, len(chars)), y.reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += loss.item()
        model.eval()
        with torch.no_grad():
            xv, yv = windows(val, 16)
            vloss = F.cross_entropy(model(xv).reshape(-1, len(chars)), yv.reshape(-1)).item()
        print(f"epoch {epoch:3d}  train loss {total / steps:.4f}  val loss {vloss:.4f}")
    print(f"trained in {time.perf_counter() - t0:.1f}s on {args.lib}")

    # sampling: temperature 0.8, context cropped to the block size
    model.eval()
    idx = torch.tensor([[stoi[c] for c in "THE "]])
    with torch.no_grad():
        for _ in range(40 if args.quick else 200):
            logits = model(idx[:, -block:])[:, -1] / 0.8
            probs = F.softmax(logits, dim=-1)
            nxt = torch.multinomial(probs, 1)
            idx = torch.cat([idx, nxt], dim=1)
    sample = "".join(chars[i] for i in idx[0].tolist())
    print("sample:\n" + sample)
    return total / steps


if __name__ == "__main__":
    main()
