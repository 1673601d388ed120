import mindtorch_v2 as torch


def test_import_has_tensor():
    assert hasattr(torch, "tensor")


def test_public_api():
    assert hasattr(torch, "Tensor")


def test_version_compares_like_torch():
    import torch as T
    v = torch.__version__
    for other in ("1.10", "2.0.1", "2.13", "2.13.0", "2.14"):
        assert (v >= other) == (T.__version__ >= other)
        assert (v < other) == (T.__version__ < other)
    assert torch.version.cuda is None
    assert torch.version.mindtorch in v
