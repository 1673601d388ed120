import helpers


def test_helpers_importable():
    assert helpers.M.tensor([1.0]).dtype is helpers.M.float32
