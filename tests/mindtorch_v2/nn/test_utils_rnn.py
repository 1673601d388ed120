"""nn.utils.rnn (packing / padding of variable-length sequences) against torch."""
import pytest
import torch as T
import torch.nn.utils.rnn as TR

import mindtorch_v2 as M
import mindtorch_v2.nn.utils.rnn as MR
from helpers import assert_same, raises_like, to_mt


def packed_parts(p):
    return [p.data, p.batch_sizes] + [x for x in (p.sorted_indices, p.unsorted_indices)
                                      if x is not None]


def assert_packed(pm, pt):
    assert isinstance(pm, MR.PackedSequence)
    assert (pm.sorted_indices is None) == (pt.sorted_indices is None)
    assert_same(packed_parts(pm), packed_parts(pt))


CASES = [  # (padded shape (T, B, *feat), lengths, enforce_sorted)
    ((5, 3, 2), [5, 3, 1], True),
    ((5, 3, 2), [2, 5, 3], False),
    ((4, 4), [4, 4, 2, 1], True),
    ((4, 1, 3, 2), [3], True),
    ((6, 4, 2), [1, 6, 6, 3], False),
]


@pytest.mark.parametrize("shape,lengths,enforce_sorted", CASES)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lengths_as", [list, T.tensor])
def test_pack_pad_roundtrip_and_grad(shape, lengths, enforce_sorted, batch_first, lengths_as):
    x = T.randn(shape, dtype=T.float64)
    if batch_first:
        x = x.transpose(0, 1)  # non-contiguous batch-first input
    xm = to_mt(x.contiguous()).requires_grad_()
    xt = x.detach().clone().requires_grad_()
    lm = lengths if lengths_as is list else M.tensor(lengths)
    pm = MR.pack_padded_sequence(xm, lm, batch_first=batch_first,
                                 enforce_sorted=enforce_sorted)
    pt = TR.pack_padded_sequence(xt, lengths_as(lengths), batch_first=batch_first,
                                 enforce_sorted=enforce_sorted)
    assert_packed(pm, pt)
    for total in (None, max(lengths) + 2):
        outm = MR.pad_packed_sequence(pm, batch_first=batch_first, padding_value=-1.5,
                                      total_length=total)
        outt = TR.pad_packed_sequence(pt, batch_first=batch_first, padding_value=-1.5,
                                      total_length=total)
        assert_same(outm, outt)
    w = T.randn(outt[0].shape, dtype=T.float64)
    (outt[0] * w).sum().backward()
    (outm[0] * to_mt(w)).sum().backward()
    assert_same(xm.grad, xt.grad)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
@pytest.mark.parametrize("lens", [[3, 1, 4], [2], [0, 2]])
def test_pad_sequence(batch_first, padding_side, lens):
    seqs = [T.randn(n, 2, dtype=T.float64) for n in lens]
    sm = [to_mt(s).requires_grad_() for s in seqs]
    st = [s.clone().requires_grad_() for s in seqs]
    om = MR.pad_sequence(sm, batch_first=batch_first, padding_value=7.0,
                         padding_side=padding_side)
    ot = TR.pad_sequence(st, batch_first=batch_first, padding_value=7.0,
                         padding_side=padding_side)
    assert_same(om, ot)
    w = T.randn(ot.shape, dtype=T.float64)
    (ot * w).sum().backward()
    (om * to_mt(w)).sum().backward()
    for a, b in zip(sm, st):
        assert_same(a.grad, b.grad)


def test_pad_sequence_default_and_int():
    seqs = [T.arange(3), T.arange(5)]
    assert_same(MR.pad_sequence([to_mt(s) for s in seqs]), TR.pad_sequence(seqs))


@pytest.mark.parametrize("enforce_sorted,lens", [(True, [4, 2, 1]), (False, [1, 4, 2])])
def test_pack_unpack_sequence(enforce_sorted, lens):
    seqs = [T.randn(n, 3, dtype=T.float64) for n in lens]
    pm = MR.pack_sequence([to_mt(s) for s in seqs], enforce_sorted=enforce_sorted)
    pt = TR.pack_sequence(seqs, enforce_sorted=enforce_sorted)
    assert_packed(pm, pt)
    assert_same(MR.unpack_sequence(pm), TR.unpack_sequence(pt))
    padded = TR.pad_sequence(seqs, batch_first=True)
    assert_same(MR.unpad_sequence(to_mt(padded), M.tensor(lens), batch_first=True),
                TR.unpad_sequence(padded, T.tensor(lens), batch_first=True))
    assert_same(MR.unpad_sequence(to_mt(padded.transpose(0, 1)), M.tensor(lens)),
                TR.unpad_sequence(padded.transpose(0, 1), T.tensor(lens)))


def test_packed_sequence_methods():
    pm = MR.pack_sequence([M.ones(3, 2), M.ones(1, 2)])
    assert pm.double().data.dtype is M.float64
    assert pm.to(M.float64).data.dtype is M.float64
    assert pm.to("cpu") is pm
    assert not pm.is_cuda and not pm.is_pinned()
    data, bs, si, ui = pm  # a namedtuple, like torch
    assert si is None and ui is None
    assert_same(bs, T.tensor([2, 1, 1]))
    # PackedSequence(data, batch_sizes, sorted_indices) fills unsorted_indices
    p = MR.PackedSequence(data, bs, M.tensor([1, 0]))
    assert_same(p.unsorted_indices, T.tensor([1, 0]))
    assert MR.PackedSequence is M.nn.utils.PackedSequence
    assert M.nn.utils.rnn.pad_sequence is M.nn.utils.pad_sequence


@pytest.mark.parametrize("call", [
    lambda R, lib: R.pack_padded_sequence(lib.zeros(3, 2, 1), [3, 0]),
    lambda R, lib: R.pack_padded_sequence(lib.zeros(3, 2, 1), [2, 3]),
    lambda R, lib: R.pack_padded_sequence(lib.zeros(3, 2, 1), [3, 2, 1]),
    lambda R, lib: R.pad_packed_sequence(R.pack_padded_sequence(lib.zeros(3, 2, 1), [3, 1]),
                                         total_length=2),
    lambda R, lib: R.pad_sequence([]),
    lambda R, lib: R.pad_sequence([lib.zeros(2)], padding_side="middle"),
])
def test_errors(call):
    raises_like(lambda: call(MR, M), lambda: call(TR, T))
