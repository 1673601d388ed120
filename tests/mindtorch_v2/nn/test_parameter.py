"""nn.Parameter / nn.Buffer against torch."""
import copy
import pickle

import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, to_mt


def test_parameter_shares_storage_and_is_leaf():
    data = M.ones(2, 3)
    p = M.nn.Parameter(data)
    assert isinstance(p, M.Tensor) and isinstance(p, M.nn.Parameter)
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    assert not data.requires_grad
    data[0, 0] = 5.0            # no copy: the parameter sees the change
    assert p[0, 0].item() == 5.0
    assert p.data_ptr() == data.data_ptr()
    q = M.nn.Parameter(M.ones(2), requires_grad=False)
    assert not q.requires_grad and type(q) is M.nn.Parameter


def test_parameter_default_and_repr():
    pm, pt = M.nn.Parameter(), T.nn.Parameter()
    assert_same(pm.detach(), pt.detach())
    assert repr(M.nn.Parameter(M.arange(3.))) == repr(T.nn.Parameter(T.arange(3.)))
    assert repr(M.nn.Parameter(M.arange(3.), requires_grad=False)) == \
        repr(T.nn.Parameter(T.arange(3.), requires_grad=False))


def test_parameter_int_requires_grad_error():
    with pytest.raises(RuntimeError):
        T.nn.Parameter(T.arange(3))
    with pytest.raises(RuntimeError):
        M.nn.Parameter(M.arange(3))
    assert not M.nn.Parameter(M.arange(3), requires_grad=False).requires_grad


def test_parameter_deepcopy_and_pickle():
    p = M.nn.Parameter(M.arange(4.).reshape(2, 2))
    p.extra = "x"
    for q in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(q) is M.nn.Parameter and q.requires_grad and q.extra == "x"
        assert q.data_ptr() != p.data_ptr()
        assert_same(q.detach(), T.arange(4.).reshape(2, 2))
    q = pickle.loads(pickle.dumps(M.nn.Parameter(M.ones(2), requires_grad=False)))
    assert type(q) is M.nn.Parameter and not q.requires_grad
    q = copy.deepcopy(M.nn.Parameter(M.empty(2, 3, device="meta")))
    assert type(q) is M.nn.Parameter and q.is_meta and q.shape == (2, 3)


def test_parameter_ops_give_tensors():
    p = M.nn.Parameter(to_mt(T.arange(3.)))
    out = (p * 2).detach()
    assert type(out) is M.Tensor
    assert_same(out, T.arange(3.) * 2)
    assert type(p.data) is M.Tensor


def test_buffer():
    b = M.nn.Buffer(M.ones(2))
    assert isinstance(b, M.nn.Buffer) and b.persistent
    assert not isinstance(M.ones(2), M.nn.Buffer)
    b2 = M.nn.Buffer(M.ones(2), persistent=False)
    assert not b2.persistent
    tb = T.nn.Buffer(T.ones(2), persistent=False)
    assert tb.persistent == b2.persistent
