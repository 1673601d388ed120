"""Ordinary PyTorch programs run on torch and mindtorch_v2: small models (CNN, LSTM,
transformer, char-RNN, VAE, GAN, ResNet, seq2seq, autoencoders, graph and audio/vision
layers).

See programs_harness for how the programs are run and compared.
"""
from __future__ import annotations

import math

import numpy as np
import torch as T

import mindtorch_v2 as M
from helpers import assert_same
from programs_harness import run_both, np_init, arr, ints, tryall


# ----------------------------------------------------------------------------- models

def prog_cnn(torch, p_drop=0.0):
    nn, F = torch.nn, torch.nn.functional

    class SmallCNN(nn.Module):
        def __init__(self, num_classes=4):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 8, kernel_size=3, padding=1)
            self.bn1 = nn.BatchNorm2d(8)
            self.conv2 = nn.Conv2d(8, 16, 3, stride=1, padding="same", bias=False)
            self.bn2 = nn.BatchNorm2d(16)
            self.pool = nn.MaxPool2d(2, 2)
            self.dropout = nn.Dropout(p_drop)
            self.gap = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(16, num_classes)

        def forward(self, x):
            x = self.pool(F.relu(self.bn1(self.conv1(x))))
            x = self.pool(F.relu(self.bn2(self.conv2(x))))
            x = self.dropout(x)
            x = torch.flatten(self.gap(x), 1)
            return self.fc(x)

    model = SmallCNN()
    np_init(torch, model, scale=0.2)
    images = torch.tensor(arr(80, 8, 3, 16, 16))
    labels = torch.tensor(ints(81, 4, 8))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    criterion = nn.CrossEntropyLoss()
    losses = []
    for epoch in range(3):
        model.train()
        optimizer.zero_grad()
        outputs = model(images)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        losses.append(round(loss.item(), 4))
    model.eval()
    with torch.no_grad():
        outputs = model(images)
        _, predicted = torch.max(outputs.data, 1)
        correct = (predicted == labels).sum().item()
    return {"losses": losses, "eval": outputs, "correct": correct,
            "bn_mean": model.bn2.running_mean,
            "bn_var": model.bn2.running_var, "conv_grad": model.conv1.weight.grad,
            "repr": repr(model)}


def test_small_cnn():
    run_both(prog_cnn, rtol=1e-3, atol=1e-4)


def test_small_cnn_with_dropout_reproducible():
    """With real dropout the values depend on the generator: compare mindtorch with itself."""
    M.manual_seed(3)
    a = prog_cnn(M, 0.5)
    M.manual_seed(3)
    b = prog_cnn(M, 0.5)
    assert a["losses"] == b["losses"] and all(math.isfinite(v) for v in a["losses"])
    assert_same(a["eval"], to_t(b["eval"]))


def to_t(x):
    return T.from_numpy(x.detach().numpy().copy())


def prog_lstm_classifier(torch):
    nn = torch.nn
    pack_padded_sequence = nn.utils.rnn.pack_padded_sequence
    pad_packed_sequence = nn.utils.rnn.pad_packed_sequence
    pad_sequence = nn.utils.rnn.pad_sequence

    class LSTMClassifier(nn.Module):
        def __init__(self, vocab_size, embed_dim, hidden_dim, num_classes):
            super().__init__()
            self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
            self.lstm = nn.LSTM(embed_dim, hidden_dim, num_layers=2, batch_first=True,
                                bidirectional=True)
            self.fc = nn.Linear(hidden_dim * 2, num_classes)

        def forward(self, text, lengths):
            embedded = self.embedding(text)
            packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True,
                                          enforce_sorted=False)
            packed_out, (hidden, cell) = self.lstm(packed)
            output, out_lengths = pad_packed_sequence(packed_out, batch_first=True)
            hidden = torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1)
            return self.fc(hidden), output, out_lengths

    seqs = [torch.tensor(ints(90 + i, 19, n) + 1) for i, n in enumerate([5, 3, 7, 2])]
    lengths = torch.tensor([len(s) for s in seqs])
    text = pad_sequence(seqs, batch_first=True, padding_value=0)
    labels = torch.tensor([1, 0, 1, 0])
    model = LSTMClassifier(20, 6, 5, 2)
    np_init(torch, model)
    with torch.no_grad():
        model.embedding.weight[0].fill_(0)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(3):
        optimizer.zero_grad()
        logits, output, out_lengths = model(text, lengths)
        loss = nn.functional.cross_entropy(logits, labels)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
    return {"text": text, "losses": losses, "logits": logits, "output": output, "lens": out_lengths,
            "emb_pad_grad": model.embedding.weight.grad[0],
            "lstm_grad": model.lstm.weight_hh_l1_reverse.grad,
            "names": [n for n, _ in model.lstm.named_parameters()], "repr": repr(model)}


def test_lstm_classifier_packed():
    run_both(prog_lstm_classifier, rtol=1e-3, atol=1e-5)


def prog_transformer_classifier(torch):
    nn = torch.nn

    class PositionalEncoding(nn.Module):
        def __init__(self, d_model, max_len=50):
            super().__init__()
            position = torch.arange(max_len).unsqueeze(1)
            div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
            pe = torch.zeros(max_len, 1, d_model)
            pe[:, 0, 0::2] = torch.sin(position * div_term)
            pe[:, 0, 1::2] = torch.cos(position * div_term)
            self.register_buffer("pe", pe)

        def forward(self, x):  # x: (batch, seq, d)
            return x + self.pe[:x.size(1)].transpose(0, 1)

    class TextClassifier(nn.Module):
        def __init__(self, vocab, d_model=16, nhead=2, num_classes=3):
            super().__init__()
            self.emb = nn.Embedding(vocab, d_model, padding_idx=0)
            self.pos = PositionalEncoding(d_model)
            layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=32, dropout=0.0,
                                               batch_first=True, norm_first=False)
            self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
            self.cls = nn.Linear(d_model, num_classes)

        def forward(self, tokens):
            pad_mask = tokens == 0
            h = self.encoder(self.pos(self.emb(tokens) * math.sqrt(16)),
                             src_key_padding_mask=pad_mask)
            h = h.masked_fill(pad_mask.unsqueeze(-1), 0.0)
            pooled = h.sum(1) / (~pad_mask).sum(1, keepdim=True).clamp(min=1)
            return self.cls(pooled)

    tokens = torch.tensor(ints(100, 29, 4, 7) + 1)
    tokens[0, 5:] = 0
    tokens[2, 3:] = 0
    labels = torch.tensor([0, 2, 1, 2])
    model = TextClassifier(30)
    np_init(torch, model, scale=0.2)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    losses = []
    model.train()
    for _ in range(2):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(tokens), labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    causal = nn.Transformer.generate_square_subsequent_mask(4)
    return {"losses": losses, "logits": model(tokens),
            "pe": model.pe[:3] if hasattr(model, "pe") else model.pos.pe[:3],
            "buffers": [n for n, _ in model.named_buffers()], "causal": causal,
            "n_params": sum(p.numel() for p in model.parameters())}


def test_transformer_encoder_classifier():
    run_both(prog_transformer_classifier, rtol=1e-3, atol=1e-5)


def prog_char_rnn(torch):
    nn = torch.nn
    text = "hello world, hello torch. "
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    itos = {i: c for c, i in stoi.items()}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)

    class CharRNN(nn.Module):
        def __init__(self, vocab, hidden=24):
            super().__init__()
            self.embed = nn.Embedding(vocab, 12)
            self.rnn = nn.GRU(12, hidden, batch_first=True)
            self.head = nn.Linear(hidden, vocab)

        def forward(self, x, h=None):
            out, h = self.rnn(self.embed(x), h)
            return self.head(out), h

    model = CharRNN(len(chars))
    np_init(torch, model, scale=0.3)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    seq_len = 8
    inputs = torch.stack([data[i:i + seq_len] for i in range(0, len(data) - seq_len - 1, 4)])
    targets = torch.stack([data[i + 1:i + seq_len + 1] for i in range(0, len(data) - seq_len - 1,
            4)])
    losses = []
    for _ in range(15):
        logits, _ = model(inputs)
        loss = nn.functional.cross_entropy(logits.view(-1, len(chars)), targets.view(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())

    def generate(start="h", n=20, sample=True, temperature=0.8):
        model.eval()
        idx = torch.tensor([[stoi[start]]])
        h, out = None, start
        with torch.no_grad():
            for _ in range(n):
                logits, h = model(idx, h)
                probs = torch.softmax(logits[:, -1] / temperature, dim=-1)
                nxt = torch.multinomial(probs, num_samples=1) if sample else probs.argmax(-1,
                        keepdim=True)
                out += itos[nxt.item()]
                idx = nxt
        return out

    greedy = generate(sample=False)
    torch.manual_seed(123)
    s1 = generate()
    torch.manual_seed(123)
    s2 = generate()
    g = torch.Generator().manual_seed(5)
    draws = torch.multinomial(torch.tensor([0.0, 0.2, 0.8]), 50, replacement=True, generator=g)
    return {"losses": losses, "greedy": greedy, "sample_repro": s1 == s2, "sample_len": len(s1),
            "sample_vocab": set(s1) <= set(chars), "never_zero": bool((draws != 0).all()),
            "draws": [draws.shape,
                      draws.dtype], "nr": sorted(torch.multinomial(torch.ones(5), 5).tolist())}


def test_char_rnn_generation():
    run_both(prog_char_rnn, rtol=1e-3, atol=1e-4)


def prog_vae(torch):
    nn, F = torch.nn, torch.nn.functional

    class VAE(nn.Module):
        def __init__(self, d_in=12, d_h=8, d_z=2):
            super().__init__()
            self.fc1 = nn.Linear(d_in, d_h)
            self.fc_mu = nn.Linear(d_h, d_z)
            self.fc_logvar = nn.Linear(d_h, d_z)
            self.fc3 = nn.Linear(d_z, d_h)
            self.fc4 = nn.Linear(d_h, d_in)

        def encode(self, x):
            h = F.relu(self.fc1(x))
            return self.fc_mu(h), self.fc_logvar(h)

        def reparameterize(self, mu, logvar):
            if not self.training:
                return mu
            std = torch.exp(0.5 * logvar)
            eps = torch.randn_like(std)
            return mu + eps * std

        def decode(self, z):
            return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

        def forward(self, x):
            mu, logvar = self.encode(x.view(-1, 12))
            z = self.reparameterize(mu, logvar)
            return self.decode(z), mu, logvar

    def loss_function(recon_x, x, mu, logvar):
        BCE = F.binary_cross_entropy(recon_x, x.view(-1, 12), reduction="sum")
        KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return BCE + KLD, KLD

    x = torch.tensor(np.random.default_rng(110).uniform(0, 1, (6, 3, 4)).astype(np.float32))
    model = VAE()
    np_init(torch, model)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.eval()  # deterministic: z = mu
    eval_losses = []
    for _ in range(3):
        opt.zero_grad()
        recon, mu, logvar = model(x)
        loss, kld = loss_function(recon, x, mu, logvar)
        loss.backward()
        opt.step()
        eval_losses.append((loss.item(), kld.item()))
    model.train()  # sampled: only shapes and finiteness comparable
    recon, mu, logvar = model(x)
    loss, _ = loss_function(recon, x, mu, logvar)
    loss.backward()
    with torch.no_grad():
        sample = model.decode(torch.zeros(4, 2))
    return {"eval_losses": eval_losses, "mu": mu, "train_finite": math.isfinite(loss.item()),
            "recon": [recon.shape, bool(((recon > 0) & (recon < 1)).all())], "sample": sample,
            "randn_like": [torch.randn_like(mu).shape, torch.randn_like(mu.double()).dtype]}


def test_vae():
    run_both(prog_vae, rtol=1e-3, atol=1e-4)


def prog_gan(torch):
    nn = torch.nn
    G = nn.Sequential(nn.Linear(4, 16), nn.LeakyReLU(0.2), nn.Linear(16, 6), nn.Tanh())
    D = nn.Sequential(nn.Linear(6, 16), nn.LeakyReLU(0.2, inplace=True), nn.Linear(16, 1),
                      nn.Sigmoid())
    np_init(torch, G, 1)
    np_init(torch, D, 2)
    criterion = nn.BCELoss()
    optD = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
    optG = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
    real = torch.tensor(arr(120, 8, 6, scale=0.5))
    hist = []
    for it in range(4):
        noise = torch.tensor(arr(121 + it, 8, 4))
        real_label = torch.full((8, 1), 1.0)
        fake_label = torch.zeros(8, 1)
        D.zero_grad()
        errD_real = criterion(D(real), real_label)
        errD_real.backward()
        fake = G(noise)
        output = D(fake.detach())
        errD_fake = criterion(output, fake_label)
        errD_fake.backward()
        D_G_z1 = output.mean().item()
        optD.step()
        G.zero_grad()
        output = D(fake)
        errG = criterion(output, real_label)
        errG.backward()
        optG.step()
        hist.append([(errD_real + errD_fake).item(), errG.item(), D_G_z1, output.mean().item()])
    return {"hist": hist, "G": list(G.parameters()), "D_last_grad": D[2].weight.grad}


def test_gan_two_optimizers():
    run_both(prog_gan, rtol=1e-3, atol=1e-5)


# ----------------------------------------------------------------------------- more programs (models)

def prog_resnet_blocks(torch):
    nn = torch.nn
    class BasicBlock(nn.Module):
        expansion = 1
        def __init__(self, inplanes, planes, stride=1, downsample=None):
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.downsample = downsample
        def forward(self, x):
            identity = x
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            if self.downsample is not None:
                identity = self.downsample(x)
            out += identity
            out = self.relu(out)
            return out
    down = nn.Sequential(nn.Conv2d(4, 8, 1, 2, bias=False), nn.BatchNorm2d(8))
    net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4),
                        nn.ReLU(inplace=True), BasicBlock(4, 4), BasicBlock(4, 8, 2, down),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 3))
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.constant_(m.weight, 0.05)
        elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
            nn.init.constant_(m.weight, 1)
            nn.init.constant_(m.bias, 0)
    nn.init.zeros_(net[-1].bias)
    nn.init.zeros_(net[-1].weight)
    nn.init.eye_(net[-1].weight[:, :3])
    x = torch.tensor(arr(1, 2, 3, 8, 8))
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    ls = []
    for _ in range(2):
        loss = nn.functional.cross_entropy(net(x), torch.tensor([0, 2]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        ls.append(loss.item())
    return [ls, net[0].weight.grad, net[3].bn2.running_var]


def test_resnet_blocks_inplace_relu_after_batchnorm():
    run_both(prog_resnet_blocks, rtol=1e-3, atol=1e-5)


def prog_seq2seq_attention(torch):
    nn, F = torch.nn, torch.nn.functional
    enc = nn.GRU(5, 6, batch_first=True, bidirectional=True)
    dec = nn.GRUCell(5 + 12, 6)
    attn = nn.Linear(6 + 12, 1)
    emb = nn.Embedding(10, 5)
    out = nn.Linear(6, 10)
    for mod in (enc, dec, attn, emb, out): np_init(torch, mod)
    src = torch.tensor(ints(6, 10, 2, 4))
    tgt = torch.tensor(ints(7, 10, 2, 3))
    enc_out, h = enc(emb(src))
    hid = torch.tanh(h[0] + h[1])
    loss = 0
    weights = []
    inp = torch.zeros(2, dtype=torch.long)
    for t in range(3):
        e = attn(torch.cat([hid.unsqueeze(1).repeat(1, 4, 1), enc_out], dim=2)).squeeze(2)
        a = F.softmax(e, dim=1)
        weights.append(a)
        context = torch.bmm(a.unsqueeze(1), enc_out).squeeze(1)
        hid = dec(torch.cat([emb(inp), context], 1), hid)
        logit = out(hid)
        loss = loss + F.cross_entropy(logit, tgt[:, t])
        inp = tgt[:, t]  # teacher forcing
    loss.backward()
    return [loss, torch.stack(weights, 1), emb.weight.grad, enc.weight_ih_l0_reverse.grad]


def test_seq2seq_gru_attention():
    run_both(prog_seq2seq_attention)


def prog_conv_autoencoder(torch):
    nn = torch.nn
    ae = nn.Sequential(nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU(),
                       nn.Conv2d(4, 8, 3, stride=2, padding=1), nn.ReLU(),
                       nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1,
                                          output_padding=1), nn.ReLU(),
                       nn.ConvTranspose2d(4, 1, 3, stride=2, padding=1,
                                          output_padding=1), nn.Sigmoid())
    np_init(torch, ae)
    x = torch.tensor(np.random.default_rng(8).uniform(size=(3, 1, 8, 8)).astype(np.float32))
    opt = torch.optim.Adam(ae.parameters(), lr=1e-3, weight_decay=1e-5)
    ls = []
    for _ in range(3):
        l = nn.functional.mse_loss(ae(x), x)
        opt.zero_grad()
        l.backward()
        opt.step()
        ls.append(l.item())
    return [ls, ae(x)]


def test_conv_autoencoder():
    run_both(prog_conv_autoencoder)


def prog_dcgan_style_layers(torch):
    nn, F = torch.nn, torch.nn.functional
    g = nn.Sequential(nn.ConvTranspose2d(4, 3, 4, 2, 1, bias=False), nn.BatchNorm2d(3),
                      nn.ReLU(True), nn.Upsample(scale_factor=2, mode="nearest"),
                      nn.Conv2d(3, 4, 3, padding=1), nn.GroupNorm(2,
                              4), nn.PixelShuffle(2), nn.InstanceNorm2d(1), nn.AvgPool2d(2),
                              nn.Conv1d(1, 1, 1) if False else nn.Identity())
    np_init(torch, g)
    x = torch.tensor(arr(3, 2, 4, 3, 3), )
    y = g(x)
    y.sum().backward()
    t = nn.Conv1d(5, 3, kernel_size=2)(torch.ones(2, 5, 7)).shape
    return [y, g[0].weight.grad, t,
            F.interpolate(x, size=(5, 5), mode="bilinear", align_corners=False),
            F.pad(x, (1, 2), value=-1.).shape, F.unfold(x, 2).shape, F.normalize(x,
                    dim=1), F.cosine_similarity(x[0], x[1], dim=0),
            torch.cdist(x[0, 0], x[1, 0]), F.one_hot(torch.tensor([0, 2]),
                                                     4), F.adaptive_max_pool2d(x, 1)]


def test_dcgan_style_layers():
    run_both(prog_dcgan_style_layers)


def prog_embedding_bag(torch):
    nn = torch.nn
    class TextClassificationModel(nn.Module):
        def __init__(self, vocab_size, embed_dim, num_class):
            super().__init__()
            self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
            self.fc = nn.Linear(embed_dim, num_class)
            initrange = 0.5
            self.embedding.weight.data.uniform_(-initrange, initrange)
            self.fc.weight.data.uniform_(-initrange, initrange)
            self.fc.bias.data.zero_()
        def forward(self, text, offsets):
            return self.fc(self.embedding(text, offsets))
    m = TextClassificationModel(20, 4, 3)
    np_init(torch, m)
    text = torch.tensor([1, 5, 7, 2, 3, 9, 9, 4])
    offsets = torch.tensor([0, 3, 5])
    out = m(text, offsets)
    out.sum().backward()
    return [out, m.embedding.weight.grad,
            torch.nn.functional.embedding_bag(text, m.embedding.weight, offsets, mode="max")]


def test_embedding_bag_text_classifier():
    run_both(prog_embedding_bag)


def prog_transformer_seq2seq_cells(torch):
    nn = torch.nn
    tr = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                        dim_feedforward=16, dropout=0.0, batch_first=True)
    np_init(torch, tr)
    src = torch.tensor(arr(6, 2, 5, 8))
    tgt = torch.tensor(arr(7, 2, 4, 8))
    tm = tr.generate_square_subsequent_mask(4)
    o = tr(src, tgt, tgt_mask=tm,
           src_key_padding_mask=torch.tensor([[False]*5, [False]*3 + [True]*2]), tgt_is_causal=True)
    o.sum().backward()
    cell = nn.LSTMCell(3, 4)
    np_init(torch, cell)
    h = c = torch.zeros(2, 4)
    xs = torch.tensor(arr(8, 5, 2, 3))
    outs = []
    for t in range(5):
        h, c = cell(xs[t], (h, c))
        outs.append(h)
    gcell = nn.GRUCell(3, 4)
    np_init(torch, gcell)
    return [o, tr.encoder.layers[0].linear1.weight.grad, torch.stack(outs), gcell(xs[0])]


def test_transformer_seq2seq_and_cells():
    run_both(prog_transformer_seq2seq_cells, rtol=1e-3, atol=1e-5)


def prog_more_layers(torch):
    nn, F = torch.nn, torch.nn.functional
    mods = [nn.Unflatten(1, (2, 3)), nn.PReLU(), nn.SiLU(), nn.Mish(), nn.Hardswish(),
            nn.Softplus(beta=2), nn.ELU(), nn.SELU(),
            nn.LeakyReLU(0.1), nn.Tanhshrink(), nn.LogSoftmax(dim=1), nn.Softmin(1), nn.GLU(),
            nn.Hardtanh(-0.5, 0.5), nn.Threshold(0.1, 20.)]
    x = torch.tensor(arr(1, 4, 6), requires_grad=True)
    outs = [m(x) for m in mods]
    sum(o.sum() for o in outs).backward()
    bil = nn.Bilinear(6, 6, 2)
    np_init(torch, bil)
    rnn = nn.RNN(6, 3, nonlinearity="relu", num_layers=2, dropout=0.0)
    np_init(torch, rnn)
    ctc = nn.CTCLoss()(F.log_softmax(torch.tensor(arr(2, 7, 2, 5)), 2),
                       torch.tensor([[1, 2, 2], [3, 1, 4]]), torch.tensor([7, 6]), torch.tensor([3,
                               2]))
    return outs + [x.grad, bil(x, x), rnn(x.unsqueeze(1))[0], ctc]


def prog_dcgan_weights_init(torch):
    nn = torch.nn
    def weights_init(m):
        classname = m.__class__.__name__
        if classname.find('Conv') != -1:
            nn.init.normal_(m.weight.data, 0.0, 0.02)
        elif classname.find('BatchNorm') != -1:
            nn.init.normal_(m.weight.data, 1.0, 0.02)
            nn.init.constant_(m.bias.data, 0)
    netG = nn.Sequential(nn.ConvTranspose2d(8, 16, 4, 1, 0, bias=False), nn.BatchNorm2d(16),
                         nn.ReLU(True),
                         nn.ConvTranspose2d(16, 3, 4, 2, 1, bias=False), nn.Tanh())
    netG.apply(weights_init)
    w = netG[0].weight
    fixed_noise = torch.randn(4, 8, 1, 1)
    out = netG(fixed_noise)
    return [round(w.std().item(), 2), round(netG[1].weight.mean().item(), 1), netG[1].bias,
            out.shape, bool((out.abs() <= 1).all())]


def test_more_layers_and_ctc():
    run_both(prog_more_layers)


def test_dcgan_weights_init():
    run_both(prog_dcgan_weights_init)


def prog_audio_spatial_attention(torch):
    nn, F = torch.nn, torch.nn.functional
    wav = torch.tensor(np.sin(np.linspace(0, 60, 400)).astype(np.float32) + arr(1, 400, scale=0.1))
    win = torch.hann_window(64)
    def stft():
        spec = torch.stft(wav, n_fft=64, hop_length=16, win_length=64, window=win,
                          return_complex=True)
        mag = spec.abs() ** 2
        back = torch.istft(spec, n_fft=64, hop_length=16, window=win, length=400)
        return [mag, back, spec.shape, spec.dtype, torch.log(mag + 1e-6).mean()]
    def ffts():
        return [torch.fft.rfft(wav).abs()[:5], torch.fft.irfft(torch.fft.rfft(wav), n=400)[:5],
                torch.fft.fftfreq(8), torch.fft.fftshift(torch.arange(6))]
    def stn():
        theta = torch.tensor([[[0.9, 0.1, 0.05], [-0.1, 0.8, 0.0]]]).repeat(2, 1,
                1).requires_grad_()
        img = torch.tensor(arr(2, 2, 3, 6, 6), requires_grad=True)
        grid = F.affine_grid(theta, img.size(), align_corners=False)
        out = F.grid_sample(img, grid, align_corners=False)
        out.sum().backward()
        return [grid, out, theta.grad, img.grad]
    def interp():
        x = torch.tensor(arr(3, 1, 2, 4, 4))
        return [F.interpolate(x, scale_factor=2, mode="bicubic", align_corners=False),
                nn.Upsample(scale_factor=1.5, mode="bilinear", align_corners=True)(x),
                F.interpolate(x[:, :, 0], size=7, mode="linear"), F.avg_pool1d(x[:, :, 0],
                        2), F.interpolate(x, size=(3, 5), mode="area")]
    def attn_masks():
        q = torch.tensor(arr(4, 2, 3, 5, 4))
        bm = torch.tensor(ints(5, 2, 5, 5)).bool() | torch.eye(5).bool()
        fm = torch.tensor(arr(6, 5, 5))
        mha = nn.MultiheadAttention(4, 2, batch_first=True)
        np_init(torch, mha)
        x = q[:, 0]
        return [F.scaled_dot_product_attention(q, q, q, attn_mask=bm),
                F.scaled_dot_product_attention(q, q, q, attn_mask=fm, scale=0.3),
                mha(x, x, x, attn_mask=fm, need_weights=True, average_attn_weights=False), mha(x,
                        x, x, attn_mask=~bm, need_weights=False)[0]]
    def dist_samples():
        torch.manual_seed(0)
        n = torch.distributions.Normal(torch.zeros(3), torch.ones(3))
        return [n.sample((5,)).shape, n.rsample((2, 4)).shape,
                torch.distributions.Categorical(probs=torch.ones(2, 4)).sample((3,)).shape,
                torch.distributions.Uniform(0.,
                                            2.).sample((4,)).shape, torch.distributions.Beta(2.,
                                                    3.).mean]
    return tryall(torch, [stft, ffts, stn, interp, attn_masks, dist_samples])


def test_audio_spatial_transformer_attention_masks():
    run_both(prog_audio_spatial_attention)


def prog_graph_message_passing(torch):
    nn, F = torch.nn, torch.nn.functional
    edge_index = torch.tensor([[0, 1, 1, 2, 3, 0], [1, 0, 2, 1, 0, 3]])
    x = torch.tensor(arr(1, 4, 3))
    lin = nn.Linear(3, 2)
    np_init(torch, lin)
    def mp():
        h = lin(x)
        src, dst = edge_index
        deg = torch.zeros(4).index_add_(0, dst, torch.ones(6))
        norm = deg[src].rsqrt() * deg[dst].rsqrt()
        out = torch.zeros(4, 2).index_add_(0, dst, h[src] * norm.unsqueeze(1))
        agg = torch.zeros(4, 2).scatter_reduce(0, dst.unsqueeze(1).expand(-1, 2), h[src],
                                               reduce="mean", include_self=False)
        out.sum().backward()
        return [out, agg, lin.weight.grad]
    def adj():
        a = torch.zeros(4, 4)
        a[edge_index[0], edge_index[1]] = 1
        dinv = a.sum(1).pow(-0.5)
        dinv[torch.isinf(dinv)] = 0
        return [torch.diag(dinv) @ a @ torch.diag(dinv), torch.matrix_power(a, 2),
                torch.linalg.eigh(a + a.T).eigenvalues]
    return tryall(torch, [mp, adj])


def test_graph_message_passing():
    run_both(prog_graph_message_passing)
