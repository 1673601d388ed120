"""Test snippets of the seed plan 003 (core tasks 1-6 and 13), adapted per
/work/shared/seeds/README.md: ``t.storage()`` / ``t.stride()`` are methods, values are read
with tolist()/numpy(), ``torch.tensor([1, 2, 3])`` is int64 like PyTorch.  The snippets of
seed plan 000 (storage) live in test_storage.py, with more assertions."""
import pytest

import mindtorch_v2 as torch


def _need(*names):
    return pytest.mark.skipif(not all(hasattr(torch, n) for n in names),
                              reason=f"{names} not implemented yet")


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


@_need("add", "mul", "matmul", "relu", "sum")
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
