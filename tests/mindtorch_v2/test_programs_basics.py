"""Ordinary PyTorch programs run on torch and mindtorch_v2: tensor basics, autograd,
building a network, plus the module-utility, error, interop and autograd-utility programs.

See programs_harness for how the programs are run and compared.
"""
from __future__ import annotations

import copy
import math
import pickle

import numpy as np
from programs_harness import run_both, np_init, arr, _mlp


# ----------------------------------------------------------------------------- tensor basics

def prog_tensor_basics(torch):
    out = {}
    data = [[1, 2], [3, 4]]
    x_data = torch.tensor(data)
    x_np = torch.from_numpy(np.array(data))
    x_ones = torch.ones_like(x_data)
    x_rand = torch.rand_like(x_data, dtype=torch.float)
    out["created"] = [x_data, x_np, x_ones, x_rand.shape, x_rand.dtype,
                      bool(((x_rand >= 0) & (x_rand < 1)).all())]
    shape = (2, 3,)
    out["fill"] = [torch.ones(shape), torch.zeros(shape), torch.full((2, 2), 7.5),
                   torch.eye(3), torch.linspace(0, 1, steps=5), torch.arange(0, 10, 3),
                   torch.empty(2, 3).shape, torch.zeros_like(x_data, dtype=torch.float64)]
    tensor = torch.arange(12.).reshape(3, 4)
    out["attrs"] = [tuple(tensor.shape), tensor.dtype, tensor.device.type, tensor.ndim,
                    tensor.numel(), tensor.size(1), tensor.dim()]
    out["index"] = [tensor[0], tensor[:, 0], tensor[..., -1], tensor[1:, ::2], tensor[-1, -1],
                    tensor[[0, 2]], tensor[tensor > 5], tensor[:, None, 1].shape]
    tensor[:, 1] = 0
    tensor[tensor > 9] = -1
    out["assigned"] = tensor.clone()
    out["join"] = [torch.cat([tensor, tensor, tensor], dim=1), torch.stack([tensor, tensor]).shape,
                   torch.hstack([tensor, tensor]).shape, torch.vstack([tensor, tensor]).shape]
    y1 = tensor @ tensor.T
    y2 = tensor.matmul(tensor.T)
    y3 = torch.rand_like(y1)
    torch.matmul(tensor, tensor.T, out=y3)
    z1 = tensor * tensor
    z3 = torch.rand_like(tensor)
    torch.mul(tensor, tensor, out=z3)
    agg = tensor.sum()
    agg_item = agg.item()
    out["arith"] = [y1, y2, y3, z1, z3, agg, agg_item, type(agg_item).__name__,
                    tensor / 2, tensor // 3, tensor % 3, -tensor, tensor ** 2, 2 ** tensor,
                    1 - tensor, tensor.mean(dim=0), tensor.std(), tensor.max(),
                    tensor.argmax(dim=1)]
    tensor.add_(5)
    tensor.mul_(2).sub_(1)
    out["inplace"] = tensor.clone()
    t = torch.ones(5)
    n = t.numpy()
    t.add_(1)
    out["numpy_shares"] = n.tolist()
    n = np.ones(5)
    t = torch.from_numpy(n)
    np.add(n, 1, out=n)
    out["from_numpy_shares"] = [t, t.dtype]
    x = torch.arange(24).view(2, 3, 4)
    out["shape_ops"] = [x.transpose(0, 1).shape, x.permute(2, 0, 1).shape, x.flatten(1).shape,
                        x.unsqueeze(0).shape, x[None].squeeze().shape, list(x.chunk(2, dim=2)),
                        [c.shape for c in x.split([1, 2], dim=1)], x.reshape(-1, 6).shape,
                        x.t().shape if x.ndim == 2 else None, x.unbind(0)[1]]
    f = torch.tensor([1.5, -2.7, 3.2])
    out["convert"] = [f.long(), f.int(), f.to(torch.float16), f.type(torch.int32), f.double(),
                      f.bool(), f.half().float(), torch.tensor([1, 2]).float() / 3,
                      torch.tensor(3).dtype, torch.tensor(3.).dtype, torch.tensor(True).dtype,
                      (torch.tensor([1, 2]) + 0.5).dtype, (torch.tensor([1, 2]) / 2).dtype]
    out["tolist"] = [x[0].tolist(), f.tolist(), torch.tensor(2.5).tolist(),
                     torch.where(f > 0, f, torch.zeros_like(f))]
    out["numpy"] = [x.numpy().sum().item(), f.numpy().dtype.name, np.asarray(f).shape]
    return out


def test_tensor_basics():
    run_both(prog_tensor_basics)


# ----------------------------------------------------------------------------- autograd

def prog_autograd(torch):
    out = {}
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.tensor(arr(1, 5, 3), requires_grad=True)
    b = torch.tensor(arr(2, 3), requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    out["grad_fn"] = [repr(z.grad_fn).split()[0], z.grad_fn.name(), loss.grad_fn is not None,
                      z.requires_grad, w.is_leaf, z.is_leaf, w.grad is None]
    loss.backward()
    out["grads"] = [w.grad, b.grad, loss]
    with torch.no_grad():
        z = torch.matmul(x, w) + b
    out["no_grad"] = [z.requires_grad, z.grad_fn is None]
    z = torch.matmul(x, w) + b
    z_det = z.detach()
    out["detach"] = [z_det.requires_grad, z_det.is_leaf]
    # vector-Jacobian products and accumulation, as in the tutorial
    inp = torch.eye(4, 5, requires_grad=True)
    o = (inp + 1).pow(2).t()
    o.backward(torch.ones_like(o), retain_graph=True)
    first = inp.grad.clone()
    o.backward(torch.ones_like(o), retain_graph=True)
    second = inp.grad.clone()
    inp.grad.zero_()
    o.backward(torch.ones_like(o), retain_graph=True)
    out["accumulate"] = [first, second, inp.grad]
    # backward twice without retain_graph raises
    q = torch.tensor([1., 2.], requires_grad=True)
    r = (q * q).sum()
    r.backward()
    try:
        r.backward()
        out["twice"] = "no error"
    except RuntimeError:
        out["twice"] = "RuntimeError"
    # autograd.grad, create_graph (second derivative), retain_grad, hooks
    s = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    f = (s ** 3).sum()
    (g,) = torch.autograd.grad(f, s, create_graph=True)
    (g2,) = torch.autograd.grad(g.sum(), s)
    h = torch.tensor([1., 2., 3.], requires_grad=True)
    mid = h * 2
    mid.retain_grad()
    seen = []
    h.register_hook(lambda grad: seen.append(grad.clone()))
    mid.register_hook(lambda grad: grad * 10)
    (mid ** 2).sum().backward()
    out["grad_api"] = [g, g2, mid.grad, h.grad, seen[0]]
    # torch.autograd.functional jacobian / vjp / jvp
    fn = lambda v: torch.stack([v[0] * v[1], v[1].sin(), v.sum() ** 2])
    v0 = torch.tensor([0.3, -0.8])
    jac = torch.autograd.functional.jacobian(fn, v0)
    _, vjp = torch.autograd.functional.vjp(fn, v0, torch.tensor([1., 2., 3.]))
    _, jvp = torch.autograd.functional.jvp(fn, v0, torch.tensor([1., -1.]))
    out["functional"] = [jac, vjp, jvp]
    # requires_grad_ on a leaf, set_grad_enabled, no_grad as a decorator

    @torch.no_grad()
    def predict(a):
        return a * 3

    c = torch.tensor([1., 2.]).requires_grad_()
    with torch.set_grad_enabled(False):
        d = c * 2
    with torch.inference_mode():
        e = c * 2
    out["modes"] = [c.requires_grad, d.requires_grad, predict(c).requires_grad,
                    e.requires_grad, torch.is_grad_enabled()]
    return out


def test_autograd_tutorial():
    run_both(prog_autograd)


def prog_custom_function(torch):
    class LegendrePolynomial3(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    class ScaledClamp(torch.autograd.Function):  # two inputs, a non-tensor argument
        @staticmethod
        def forward(ctx, x, scale, lo):
            ctx.lo = lo
            ctx.save_for_backward(x, scale)
            return (x * scale).clamp(min=lo)

        @staticmethod
        def backward(ctx, grad):
            x, scale = ctx.saved_tensors
            mask = (x * scale > ctx.lo).to(grad.dtype)
            return grad * scale * mask, (grad * x * mask).sum(), None

    # the tutorial's fit of sin(x) with a cubic through the custom function
    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 200, dtype=dtype)
    y = torch.sin(x)
    a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
    c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    d = torch.full((), 0.3, dtype=dtype, requires_grad=True)
    learning_rate = 5e-6
    losses = []
    for t in range(60):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad = None
    xs = torch.tensor([-1., 0.5, 2.], requires_grad=True)
    sc = torch.tensor(1.5, requires_grad=True)
    o = ScaledClamp.apply(xs, sc, 0.0)
    o.sum().backward()
    return {"losses": losses, "params": [a, b, c, d], "clamp": [o, xs.grad, sc.grad],
            "grad_fn": "ScaledClampBackward" in repr(o.grad_fn)}


def test_custom_autograd_function():
    run_both(prog_custom_function, rtol=1e-3)


# ----------------------------------------------------------------------------- build the network

def prog_build_network(torch):
    nn = torch.nn

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))

        def forward(self, x):
            x = self.flatten(x)
            return self.linear_relu_stack(x)

    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = NeuralNetwork().to(device)
    np_init(torch, model, scale=0.05)
    X = torch.tensor(arr(3, 3, 28, 28), device=device)
    logits = model(X)
    pred_probab = nn.Softmax(dim=1)(logits)
    y_pred = pred_probab.argmax(1)
    input_image = torch.tensor(arr(4, 3, 28, 28))
    flat_image = nn.Flatten()(input_image)
    layer1 = nn.Linear(in_features=28 * 28, out_features=20)
    np_init(torch, layer1, 5)
    hidden1 = nn.ReLU()(layer1(flat_image))
    params = [(name, tuple(param.size()), param[:2].shape) for name,
              param in model.named_parameters()]
    return {"repr": str(model), "logits": logits, "probs": pred_probab, "pred": y_pred,
            "flat": flat_image.size(), "hidden": hidden1, "params": params,
            "n_params": sum(p.numel() for p in model.parameters() if p.requires_grad),
            "children": [type(m).__name__ for m in model.children()],
            "modules": [n for n, _ in model.named_modules()],
            "state_keys": list(model.state_dict().keys()),
            "layer1": repr(layer1), "device": next(model.parameters()).device.type}


def test_build_network():
    run_both(prog_build_network)


# ----------------------------------------------------------------------------- more programs (basics)

def prog_module_utilities(torch):
    nn = torch.nn
    m = _mlp(torch)
    d = copy.deepcopy(m)
    m2 = pickle.loads(pickle.dumps(m))
    m64 = copy.deepcopy(m).double()
    h = copy.deepcopy(m).half()
    x = torch.tensor(arr(1, 2, 8))
    class B(nn.Module):
        def __init__(s):
            super().__init__()
            s.register_buffer("a", torch.ones(2))
            s.register_buffer("b", torch.zeros(2), persistent=False)
            s.pd = nn.ParameterDict({"w": nn.Parameter(torch.ones(2))})
            s.md = nn.ModuleDict({"l": nn.Linear(2, 2)})
            s.pl = nn.ParameterList([nn.Parameter(torch.zeros(1))])
            s.register_parameter("nob", None)
        def extra_repr(s): return "hello"
    b = B()
    return [d(x), m2(x), m64(x.double()).dtype, h[0].weight.dtype, list(b.state_dict()), repr(b),
            [n for n, _ in b.named_parameters()], [n for n,
                                                   _ in b.named_buffers()], m[0].weight.data.dtype]


def test_module_copy_pickle_dtype_buffers():
    run_both(prog_module_utilities)


def prog_common_errors(torch):
    res = []
    for f in [lambda: bool(torch.tensor([1, 2])),
              lambda: len(torch.tensor(1.)),
              lambda: torch.tensor([1.], requires_grad=True).numpy(),
              lambda: torch.ones(2, 3) @ torch.ones(2, 3),
              lambda: torch.ones(2) + torch.ones(3),
              lambda: torch.tensor([1, 2]).mean(),
              lambda: torch.nn.Linear(3, 2)(torch.ones(2, 4)),
              lambda: torch.cat([torch.ones(2, 2), torch.ones(3, 3)]),
              lambda: torch.ones(2).view(3),
              lambda: torch.tensor([[1, 2], [3]]),
              lambda: torch.ones(3)[5],
              lambda: torch.nn.functional.cross_entropy(torch.ones(2, 3), torch.tensor([0, 3])),
              lambda: torch.ones(2, requires_grad=True).add_(1), lambda: torch.ones(2).backward(),
              lambda: int(torch.ones(2))]:
        try:
            f()
            res.append("none")
        except Exception as e:
            res.append(type(e).__name__)
    return res


def test_common_errors_same_exception_types():
    run_both(prog_common_errors)


def prog_python_interop(torch):
    a = torch.tensor(arr(2, 3, 2))
    out = [list(a)[1], [r.sum() for r in a], sum([a[0], a[1]]), math.sqrt(a[0, 0].abs()),
           round(a[0, 1].item(), 2),
           max(torch.tensor([3, 1,
                             2])), np.float32(2) * a, a * np.float64(2),
                             torch.tensor([torch.tensor(1.), torch.tensor(2.)]),
           torch.as_tensor(np.arange(3)), torch.tensor(np.float32(2.5)), np.array(a).shape,
           a.new_zeros(2), a.new_tensor([1, 2]),
           a.new_full((2,),
                      3), a.type_as(torch.tensor([1])), a.masked_select(a > 0), a.index_select(0,
                              torch.tensor([2, 0])),
           a.view_as(a.t()), a.sum(dim=(0, 1)), torch.logsumexp(a, 1), torch.tril_indices(3,
                   3), torch.meshgrid(torch.arange(2), torch.arange(3), indexing="ij"),
           torch.cartesian_prod(torch.arange(2),
                                torch.arange(2)), torch.combinations(torch.arange(4),
                                        2), 2 in torch.tensor([1, 2]),
           torch.tensor([1, 2]) @ torch.tensor([3, 4]), a.abs().sqrt().log1p().exp().mean(0)]
    return out


def test_python_and_numpy_interop():
    run_both(prog_python_interop)


def prog_default_dtype(torch):
    torch.set_default_dtype(torch.float64)
    try:
        r = [torch.tensor([1.5]).dtype, torch.ones(2).dtype, torch.nn.Linear(2, 2).weight.dtype,
             torch.arange(3.).dtype, (torch.tensor([1]) / 2).dtype]
    finally:
        torch.set_default_dtype(torch.float32)
    return r


def test_set_default_dtype():
    run_both(prog_default_dtype)


def prog_autograd_utilities(torch):
    nn = torch.nn
    lin = nn.Linear(4, 3)
    np_init(torch, lin)
    wn = nn.utils.weight_norm(nn.Linear(4, 3))
    np_init(torch, wn)
    x = torch.tensor(arr(3, 2, 4))
    gc = torch.autograd.gradcheck(lambda a: (a * a).sum(),
                                  (torch.tensor([1., 2.], dtype=torch.float64,
                                                requires_grad=True),))
    p = nn.Parameter(torch.ones(2))
    seen = []
    p.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.clone()))
    (p * 3).sum().backward()
    params = {k: v.detach() for k, v in lin.named_parameters()}
    fc = torch.func.functional_call(lin, params, (x,))
    return [[n for n, _ in wn.named_parameters()], wn(x), gc, seen, fc,
            torch.vmap(torch.dot)(x, x), torch.func.grad(lambda a: (a ** 2).sum())(x[0])]


def test_weight_norm_gradcheck_func_vmap():
    run_both(prog_autograd_utilities)


def prog_wgan_gp(torch):
    nn, F = torch.nn, torch.nn.functional
    D = nn.Sequential(nn.Linear(6, 16), nn.LeakyReLU(0.2), nn.Linear(16, 16), nn.Tanh(),
                      nn.Linear(16, 1))
    np_init(torch, D)
    opt = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.0, 0.9))
    real = torch.tensor(arr(1, 4, 6))
    fake = torch.tensor(arr(2, 4, 6))
    alpha = torch.tensor(np.random.default_rng(3).uniform(size=(4, 1)).astype(np.float32))
    hist = []
    for _ in range(2):
        interpolates = (alpha * real + ((1 - alpha) * fake)).requires_grad_(True)
        d_interpolates = D(interpolates)
        gradients = torch.autograd.grad(outputs=d_interpolates, inputs=interpolates,
                                        grad_outputs=torch.ones(4, 1),
                                        create_graph=True, retain_graph=True, only_inputs=True)[0]
        gp = ((gradients.norm(2, dim=1) - 1) ** 2).mean()
        loss = D(fake).mean() - D(real).mean() + 10 * gp
        opt.zero_grad()
        loss.backward()
        opt.step()
        hist.append([gp.item(), loss.item()])
    # MAML-style inner step with functional weights
    w, b = torch.tensor(arr(4, 3, 6), requires_grad=True), torch.zeros(3, requires_grad=True)
    x, y = torch.tensor(arr(5, 5, 6)), torch.tensor([0, 1, 2, 1, 0])
    inner = F.cross_entropy(F.linear(x, w, b), y)
    gw, gb = torch.autograd.grad(inner, (w, b), create_graph=True)
    w2, b2 = w - 0.1 * gw, b - 0.1 * gb
    outer = F.cross_entropy(F.linear(x, w2, b2), y)
    outer.backward()
    # Hessian-vector product and unused inputs
    p = torch.tensor([1., 2., 3.], requires_grad=True)
    q = torch.ones(2, requires_grad=True)
    f = (p.sin() * p).sum()
    (g,) = torch.autograd.grad(f, p, create_graph=True)
    hv = torch.autograd.grad(g, p, grad_outputs=torch.tensor([1., 0., -1.]))[0]
    un = torch.autograd.grad((p * 2).sum(), [p, q], allow_unused=True)
    un2 = torch.autograd.grad((p * 2).sum(), [p, q], allow_unused=True, materialize_grads=True)
    a = torch.ones(2, requires_grad=True)
    c = torch.ones(2, requires_grad=True)
    (a * c * 3).sum().backward(inputs=[a])
    torch.autograd.backward([(a * 2).sum(), (c * 5).sum()])
    hess = torch.autograd.functional.hessian(lambda v: (v ** 3).sum(), torch.tensor([1., 2.]))
    return [hist, D[0].weight.grad, w.grad, b.grad, hv, un[1] is None, un2[1], a.grad, c.grad, hess]


def test_gradient_penalty_maml_hvp():
    run_both(prog_wgan_gp)
