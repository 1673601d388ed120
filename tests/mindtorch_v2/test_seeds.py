"""Test snippets of the seed plan 003 (tasks 1-10 and 13; the NPU tasks 11-12 are in
_backends/npu/test_ops_npu.py) and seed 002's layout shim, adapted per
/work/shared/seeds/README.md: ``t.storage()`` / ``t.stride()`` are methods, values are read
with tolist()/numpy(), ``torch.tensor([1, 2, 3])`` is int64 like PyTorch.  The snippets of
seed plan 000 (storage) live in test_storage.py, with more assertions."""
import mindtorch_v2 as torch
from mindtorch_v2 import nn, optim


# ---- seed 003 tasks 1-6, 13 -----------------------------------------------------------

def test_import_has_tensor():
    assert hasattr(torch, "tensor")


def test_default_dtype_and_device():
    x = torch.tensor([1, 2, 3])
    assert x.dtype == torch.int64  # PyTorch: integer data gives int64
    assert x.device.type == "cpu"
    assert torch.tensor([1.0, 2.0]).dtype == torch.float32


def test_view_reshape_transpose_share_storage():
    x = torch.tensor([[1, 2, 3], [4, 5, 6]])
    y = x.reshape((3, 2))
    z = x.transpose(0, 1)
    assert y.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
    assert z.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
    assert y.shape == (3, 2)
    assert z.shape == (3, 2)
    # offset/stride sanity
    assert x.stride() != z.stride()


def test_creation_ops():
    x = torch.zeros((2, 3))
    y = torch.ones((2, 3))
    assert x.shape == (2, 3)
    assert y.shape == (2, 3)
    assert sum(x.storage().tolist()) == 0
    assert sum(y.storage().tolist()) == 6


def test_add_mul_matmul_relu_sum():
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    b = torch.tensor([[2.0, 0.5], [1.0, -1.0]])
    c = torch.add(a, b)
    d = torch.mul(a, b)
    e = torch.matmul(a, b)
    f = torch.relu(torch.tensor([-1.0, 2.0]))
    s = torch.sum(a, dim=1, keepdim=True)
    assert c.shape == (2, 2)
    assert d.shape == (2, 2)
    assert e.shape == (2, 2)
    assert f.shape == (2,)
    assert s.shape == (2, 1)


def test_broadcast_add_mul():
    a = torch.tensor([[1.0, 2.0, 3.0]])
    b = torch.tensor([[1.0], [2.0]])
    c = torch.add(a, b)
    d = torch.mul(a, b)
    assert c.shape == (2, 3)
    assert d.shape == (2, 3)
    assert c.tolist() == [[2.0, 3.0, 4.0], [3.0, 4.0, 5.0]]
    assert d.tolist() == [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]]


def test_public_api():
    assert hasattr(torch, "Tensor")
    assert hasattr(torch, "nn")
    assert hasattr(torch, "optim")


# ---- seed 003 tasks 7-10: autograd, nn, optim ------------------------------------------

def test_autograd_add_mul():
    x = torch.tensor([1.0, 2.0])
    y = torch.tensor([3.0, 4.0])
    x.requires_grad = True
    y.requires_grad = True
    z = torch.mul(torch.add(x, y), x)
    z.sum().backward()
    assert x.grad is not None
    assert y.grad is not None
    assert x.grad.tolist() == [5.0, 8.0]  # d/dx (x + y) x = 2x + y
    assert y.grad.tolist() == [1.0, 2.0]


def test_broadcast_backward():
    a = torch.tensor([[1.0, 2.0, 3.0]])
    b = torch.tensor([[1.0], [2.0]])
    a.requires_grad = True
    b.requires_grad = True
    c = torch.add(a, b)
    c.sum().backward()
    assert a.grad.shape == (1, 3)
    assert b.grad.shape == (2, 1)
    assert a.grad.tolist() == [[2.0, 2.0, 2.0]]
    assert b.grad.tolist() == [[3.0], [3.0]]


def test_linear_forward_backward():
    layer = nn.Linear(2, 3)
    x = torch.tensor([[1.0, 2.0]])
    y = layer(x)
    y.sum().backward()
    assert layer.weight.grad is not None
    assert layer.bias.grad is not None
    assert layer.weight.grad.tolist() == [[1.0, 2.0]] * 3


def test_sgd_step():
    layer = nn.Linear(2, 1)
    opt = optim.SGD(layer.parameters(), lr=0.1)
    before = layer.weight.detach().clone()
    x = torch.tensor([[1.0, 2.0]])
    y = layer(x)
    y.sum().backward()
    opt.step()
    assert layer.weight.grad is not None
    assert torch.allclose(layer.weight, before - 0.1 * torch.tensor([[1.0, 2.0]]))


# ---- seed 002: backend layout with the compatibility shim ---------------------------------

def test_backend_shim_imports():
    import mindtorch_v2._backends.ascend as ascend
    import mindtorch_v2._backends.npu as npu
    assert ascend.is_available is npu.is_available
