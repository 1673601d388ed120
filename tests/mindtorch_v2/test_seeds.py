"""Test snippets of the seed plans (000: storage, 003: core tasks 1-6 and 13), adapted per
/work/shared/seeds/README.md: ``t.storage()`` / ``t.stride()`` are methods, values are read
with tolist()/numpy(), ``torch.tensor([1, 2, 3])`` is int64 like PyTorch."""
import os
import tempfile

import pytest

import mindtorch_v2 as torch


def _need(*names):
    return pytest.mark.skipif(not all(hasattr(torch, n) for n in names),
                              reason=f"{names} not implemented yet")


# ---- seed 000 (storage) ---------------------------------------------------------------

def test_typed_untyped_basic():
    t = torch.tensor([1.0, 2.0])
    st = t.storage()
    ust = t.untyped_storage()
    assert st.dtype.name == "float32"
    assert st.nbytes() == 8
    assert ust.nbytes() == st.nbytes()


def test_cpu_share_memory():
    t = torch.tensor([1.0, 2.0])
    ust = t.untyped_storage()
    ust.share_memory_()
    assert ust.is_shared() is True


def test_cpu_from_file():
    with tempfile.NamedTemporaryFile(delete=False) as f:
        f.write(b"\x00" * 16)
        fname = f.name
    ust = torch.UntypedStorage.from_file(fname, shared=False)
    assert ust.nbytes() == 16
    assert ust.filename() == fname
    os.unlink(fname)


@pytest.mark.skipif(not hasattr(torch, "npu"), reason="torch.npu module not available yet")
def test_npu_storage_no_cpu_copy():
    if not torch.npu.is_available():
        return
    t = torch.tensor([1.0, 2.0], device="npu")
    st = t.storage()
    assert st.device.type == "npu"
    assert st.untyped_storage().data_ptr() != 0


def test_meta_storage_no_data_ptr():
    t = torch.tensor([1.0, 2.0], device="meta")
    with pytest.raises(RuntimeError):
        t.untyped_storage().data_ptr()


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
