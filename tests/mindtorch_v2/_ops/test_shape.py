"""Shape / data-movement ops against real torch: values, dtype, shape, strides, errors."""
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, check


def ar(lib, *shape, dtype=None):
    n = 1
    for s in shape:
        n *= s
    x = lib.arange(n).reshape(shape) if shape else lib.tensor(3)
    return x.to(dtype or lib.float32)


def tr(lib, *shape):  # non-contiguous: transposed
    return ar(lib, *shape).transpose(0, -1)


def sl(lib, *shape):  # non-contiguous: every other element of the last dim
    x = ar(lib, *shape)
    return x.as_strided(shape[:-1] + ((shape[-1] + 1) // 2,), x.stride()[:-1] + (2,))


CASES = [
    # cat
    ("cat0", lambda L: L.cat([ar(L, 2, 3), ar(L, 1, 3)])),
    ("cat1", lambda L: L.cat([ar(L, 2, 3), ar(L, 2, 1)], 1)),
    ("cat_neg", lambda L: L.cat([ar(L, 2, 3), ar(L, 2, 2)], -1)),
    ("cat_tuple", lambda L: L.cat((ar(L, 2), ar(L, 3)))),
    ("cat_noncontig", lambda L: L.cat([tr(L, 2, 3), sl(L, 3, 4)], 0)),
    ("cat_promote", lambda L: L.cat([ar(L, 2, dtype=L.int32), ar(L, 2, dtype=L.float64)])),
    ("cat_promote_u8_i8", lambda L: L.cat([ar(L, 2, dtype=L.uint8), ar(L, 2, dtype=L.int8)])),
    ("cat_bool_int", lambda L: L.cat([ar(L, 2, dtype=L.bool), ar(L, 2, dtype=L.int64)])),
    ("cat_complex", lambda L: L.cat([ar(L, 2, dtype=L.complex64), ar(L, 2)])),
    ("cat_legacy_empty", lambda L: L.cat([L.tensor([]), ar(L, 2, 3), L.zeros(0)], 1)),
    ("cat_legacy_empty_dtype", lambda L: L.cat([L.tensor([], dtype=L.float64),
                                               ar(L, 2, 2, dtype=L.int32)])),
    ("cat_all_empty", lambda L: L.cat([L.zeros(0), L.zeros(0)])),
    ("cat_zero_size", lambda L: L.cat([L.zeros(0, 3), ar(L, 2, 3)])),
    ("cat_single", lambda L: L.cat([ar(L, 2, 3)])),
    ("cat_channels_last", lambda L: L.cat([ar(L, 2, 3, 4, 5).to(memory_format=L.channels_last)] * 2, 1)),
    ("cat_cl_mixed", lambda L: L.cat([ar(L, 2, 3, 4, 5).to(memory_format=L.channels_last), ar(L, 2, 3, 4, 5)])),
    ("cat_bf16_f16", lambda L: L.cat([ar(L, 2, dtype=L.bfloat16), ar(L, 2, dtype=L.float16)])),
    ("cat_u8_bf16", lambda L: L.cat([ar(L, 2, dtype=L.uint8), ar(L, 2, dtype=L.bfloat16)])),
    ("stack_complex128", lambda L: L.stack([ar(L, 2, dtype=L.complex128), ar(L, 2, dtype=L.int64)])),
    ("flip_bf16", lambda L: L.flip(ar(L, 2, 3, dtype=L.bfloat16), [1])),
    ("flip_0d_dim", lambda L: L.flip(L.tensor(3.), [0]).reshape(1)),
    ("hstack_out", lambda L: L.hstack([ar(L, 2), ar(L, 3)], out=L.empty(5))),
    ("vstack_out", lambda L: L.vstack([ar(L, 2), ar(L, 2)], out=L.empty(0))),
    ("concat", lambda L: L.concat([ar(L, 2), ar(L, 2)])),
    ("concatenate", lambda L: L.concatenate([ar(L, 2, 1), ar(L, 2, 1)], 1)),
    ("cat_err_empty", lambda L: L.cat([])),
    ("cat_err_0d", lambda L: L.cat([L.tensor(1.), L.tensor(2.)])),
    ("cat_err_ndim", lambda L: L.cat([ar(L, 2, 3), ar(L, 2, 3, 1)])),
    ("cat_err_size", lambda L: L.cat([ar(L, 2, 3), ar(L, 3, 3)], 1)),
    ("cat_err_dim", lambda L: L.cat([ar(L, 2, 3), ar(L, 2, 3)], 2)),
    ("cat_err_type", lambda L: L.cat(ar(L, 2, 3))),
    # stack family
    ("stack0", lambda L: L.stack([ar(L, 2, 3), ar(L, 2, 3) + 1])),
    ("stack_neg", lambda L: L.stack([ar(L, 2, 3), tr(L, 3, 2)], -1)),
    ("stack_mid", lambda L: L.stack([ar(L, 2, 3)] * 3, 1)),
    ("stack_0d", lambda L: L.stack([L.tensor(1), L.tensor(2)])),
    ("stack_promote", lambda L: L.stack([ar(L, 2, dtype=L.int16), ar(L, 2, dtype=L.uint8)])),
    ("stack_err_size", lambda L: L.stack([ar(L, 2, 3), ar(L, 3, 2)])),
    ("stack_err_dim", lambda L: L.stack([ar(L, 2), ar(L, 2)], 3)),
    ("stack_err_empty", lambda L: L.stack([])),
    ("hstack1d", lambda L: L.hstack([ar(L, 2), ar(L, 3)])),
    ("hstack2d", lambda L: L.hstack([ar(L, 2, 2), ar(L, 2, 1)])),
    ("hstack0d", lambda L: L.hstack([L.tensor(1.), ar(L, 2)])),
    ("vstack", lambda L: L.vstack([ar(L, 3), ar(L, 2, 3)])),
    ("row_stack", lambda L: L.row_stack([ar(L, 3), ar(L, 3)])),
    ("dstack", lambda L: L.dstack([ar(L, 3), ar(L, 3)])),
    ("dstack2d", lambda L: L.dstack([ar(L, 2, 3), ar(L, 2, 3, 2)])),
    ("column_stack", lambda L: L.column_stack([ar(L, 3), ar(L, 3, 2), L.tensor([1., 2, 3])])),
    ("column_stack0d", lambda L: L.column_stack([L.tensor(1.), L.tensor(2.)])),
    ("stack_out", lambda L: L.stack([ar(L, 2), ar(L, 2)], out=L.empty(0))),
    ("cat_out", lambda L: L.cat([ar(L, 2), ar(L, 2)], out=L.empty(4, dtype=L.float64))),
    ("cat_out_badcast", lambda L: L.cat([ar(L, 2), ar(L, 2)], out=L.empty(4, dtype=L.int64))),
    # flip / roll / rot90
    ("flip0", lambda L: ar(L, 2, 3, 4).flip(0)),
    ("flip_multi", lambda L: L.flip(ar(L, 2, 3, 4), (0, -1))),
    ("flip_varargs", lambda L: ar(L, 2, 3, 4).flip(1, 2)),
    ("flip_noncontig", lambda L: L.flip(tr(L, 2, 3, 4), [1])),
    ("flip_sliced", lambda L: L.flip(sl(L, 3, 4), [0])),
    ("flip_empty_dims", lambda L: L.flip(ar(L, 2, 3), [])),
    ("flip_0d", lambda L: L.flip(L.tensor(3.), []).reshape(1)),
    ("flip_bool", lambda L: L.flip(ar(L, 4, dtype=L.bool), [0])),
    ("flip_err_dup", lambda L: L.flip(ar(L, 2, 3), [0, 0])),
    ("flip_err_range", lambda L: L.flip(ar(L, 2, 3), [2])),
    ("fliplr", lambda L: L.fliplr(ar(L, 2, 3))),
    ("flipud", lambda L: L.flipud(tr(L, 2, 3))),
    ("fliplr_err", lambda L: L.fliplr(ar(L, 3))),
    ("flipud_err", lambda L: L.flipud(L.tensor(1.))),
    ("roll_flat", lambda L: L.roll(ar(L, 3, 4), 5)),
    ("roll_dim", lambda L: L.roll(ar(L, 3, 4), -1, 1)),
    ("roll_multi", lambda L: L.roll(ar(L, 3, 4), (1, 2), (0, 1))),
    ("roll_noncontig", lambda L: tr(L, 3, 4).roll(1, 0)),
    ("roll_neg_dim", lambda L: ar(L, 3, 4).roll(7, -1)),
    ("roll_empty", lambda L: L.roll(L.zeros(0, 3), 1, 0)),
    ("roll_err_align", lambda L: L.roll(ar(L, 3, 4), (1, 2), (0,))),
    ("roll_err_nodims", lambda L: L.roll(ar(L, 3, 4), (1, 2))),
    ("roll_err_dim", lambda L: L.roll(ar(L, 3, 4), 1, 2)),
    ("rot90_1", lambda L: L.rot90(ar(L, 2, 3))),
    ("rot90_2", lambda L: L.rot90(ar(L, 2, 3), 2)),
    ("rot90_3", lambda L: ar(L, 2, 3, 4).rot90(3, [1, 2])),
    ("rot90_neg", lambda L: L.rot90(ar(L, 2, 3), -1)),
    ("rot90_0", lambda L: L.rot90(tr(L, 2, 3), 4)),
    ("rot90_err_dims", lambda L: L.rot90(ar(L, 2, 3), 1, [0])),
    ("rot90_err_same", lambda L: L.rot90(ar(L, 2, 3), 1, [0, 0])),
    ("rot90_err_1d", lambda L: L.rot90(ar(L, 3))),
    # repeat / tile / repeat_interleave
    ("repeat", lambda L: ar(L, 2, 3).repeat(2, 3)),
    ("repeat_more", lambda L: ar(L, 2, 3).repeat((2, 1, 2))),
    ("repeat_noncontig", lambda L: tr(L, 2, 3).repeat(1, 2)),
    ("repeat_zero", lambda L: ar(L, 2, 3).repeat(0, 2)),
    ("repeat_0d", lambda L: L.tensor(5).repeat(3)),
    ("repeat_err_few", lambda L: ar(L, 2, 3).repeat(2)),
    ("repeat_err_neg", lambda L: ar(L, 2, 3).repeat(2, -1)),
    ("tile", lambda L: L.tile(ar(L, 2, 3), (2,))),
    ("tile_more", lambda L: ar(L, 3).tile((2, 2))),
    ("tile_int", lambda L: L.tile(ar(L, 3), (3,))),
    ("ri_int", lambda L: L.repeat_interleave(ar(L, 2, 3), 2)),
    ("ri_dim", lambda L: ar(L, 2, 3).repeat_interleave(2, dim=1)),
    ("ri_negdim", lambda L: tr(L, 2, 3).repeat_interleave(3, -1)),
    ("ri_tensor", lambda L: L.repeat_interleave(ar(L, 3, 2), L.tensor([1, 0, 2]), dim=0)),
    ("ri_tensor1", lambda L: L.repeat_interleave(ar(L, 3, 2), L.tensor([2]), dim=0)),
    ("ri_tensor_flat", lambda L: L.repeat_interleave(ar(L, 2, 2), L.tensor([1, 2, 0, 1]))),
    ("ri_output_size", lambda L: L.repeat_interleave(ar(L, 3), L.tensor([1, 2, 3]), dim=0,
                                                     output_size=6)),
    ("ri_only_repeats", lambda L: L.repeat_interleave(L.tensor([1, 2, 3]))),
    ("ri_0d", lambda L: L.repeat_interleave(L.tensor(3.), 2)),
    ("ri_err_neg", lambda L: L.repeat_interleave(ar(L, 3), -1)),
    ("ri_err_size", lambda L: L.repeat_interleave(ar(L, 3), L.tensor([1, 2]), dim=0)),
    ("ri_err_dtype", lambda L: L.repeat_interleave(ar(L, 3), L.tensor([1., 2, 3]), dim=0)),
    # tril / triu
    ("tril", lambda L: L.tril(ar(L, 3, 4))),
    ("tril_k", lambda L: ar(L, 3, 4).tril(1)),
    ("tril_negk", lambda L: L.tril(ar(L, 2, 3, 4), -1)),
    ("triu", lambda L: L.triu(ar(L, 4, 3))),
    ("triu_k", lambda L: tr(L, 3, 4).triu(-1)),
    ("triu_big_k", lambda L: L.triu(ar(L, 3, 3), 5)),
    ("triu_int", lambda L: L.triu(ar(L, 3, 3, dtype=L.int64), 1)),
    ("tril_bool", lambda L: L.tril(ar(L, 3, 3, dtype=L.bool))),
    ("tril_empty", lambda L: L.tril(L.zeros(0, 3))),
    ("tril_err", lambda L: L.tril(ar(L, 3))),
    ("triu_out", lambda L: L.triu(ar(L, 3, 3), out=L.empty(3, 3))),
    # diag family
    ("diag1d", lambda L: L.diag(ar(L, 3))),
    ("diag1d_k", lambda L: L.diag(ar(L, 3), 1)),
    ("diag1d_negk", lambda L: ar(L, 3).diag(-2)),
    ("diag2d", lambda L: L.diag(ar(L, 3, 4))),
    ("diag2d_k", lambda L: L.diag(ar(L, 3, 4), 2)),
    ("diag2d_negk", lambda L: L.diag(tr(L, 3, 4), -1)),
    ("diag2d_far", lambda L: L.diag(ar(L, 3, 4), 9)),
    ("diag_empty", lambda L: L.diag(L.zeros(0))),
    ("diag_err", lambda L: L.diag(ar(L, 2, 2, 2))),
    ("diag_err0d", lambda L: L.diag(L.tensor(1.))),
    ("diag_out", lambda L: L.diag(ar(L, 3), out=L.empty(0))),
    ("diag_embed", lambda L: L.diag_embed(ar(L, 2, 3))),
    ("diag_embed_off", lambda L: L.diag_embed(ar(L, 2, 3), 1)),
    ("diag_embed_negoff", lambda L: L.diag_embed(ar(L, 2, 3), -2, 0, 2)),
    ("diag_embed_dims", lambda L: L.diag_embed(ar(L, 2, 3), 0, 1, 0)),
    ("diag_embed_1d", lambda L: ar(L, 3).diag_embed()),
    ("diag_embed_err", lambda L: L.diag_embed(ar(L, 2, 3), 0, 1, 1)),
    ("diagflat", lambda L: L.diagflat(ar(L, 2, 2))),
    ("diagflat_off", lambda L: L.diagflat(tr(L, 2, 3), -1)),
    ("diagflat_0d", lambda L: L.diagflat(L.tensor(2.))),
    ("block_diag", lambda L: L.block_diag(ar(L, 2, 2), ar(L, 3), L.tensor(7.), ar(L, 1, 3))),
    ("block_diag_promote", lambda L: L.block_diag(ar(L, 2, 2, dtype=L.int32),
                                                  ar(L, 1, 1, dtype=L.float64))),
    ("block_diag_empty", lambda L: L.block_diag(L.zeros(0, 2), ar(L, 2, 0))),
    ("block_diag_err", lambda L: L.block_diag(ar(L, 2, 2, 2))),
    # broadcasting & grids
    ("broadcast_tensors", lambda L: L.broadcast_tensors(ar(L, 3, 1), ar(L, 4), L.tensor(1.))),
    ("broadcast_tensors_err", lambda L: L.broadcast_tensors(ar(L, 3), ar(L, 4))),
    ("meshgrid_ij", lambda L: L.meshgrid(ar(L, 2), ar(L, 3), indexing="ij")),
    ("meshgrid_xy", lambda L: L.meshgrid(ar(L, 2), ar(L, 3), ar(L, 4), indexing="xy")),
    ("meshgrid_list", lambda L: L.meshgrid([ar(L, 2), ar(L, 3)], indexing="ij")),
    ("meshgrid_0d", lambda L: L.meshgrid(L.tensor(1.), ar(L, 3), indexing="ij")),
    ("meshgrid_err", lambda L: L.meshgrid(ar(L, 2, 2), indexing="ij")),
    ("meshgrid_bad_idx", lambda L: L.meshgrid(ar(L, 2), indexing="zz")),
    ("atleast_1d", lambda L: L.atleast_1d(L.tensor(1.))),
    ("atleast_1d_many", lambda L: L.atleast_1d(L.tensor(1.), ar(L, 2, 2))),
    ("atleast_2d", lambda L: L.atleast_2d((L.tensor(1.), ar(L, 3), ar(L, 2, 2)))),
    ("atleast_3d", lambda L: L.atleast_3d(L.tensor(1.), ar(L, 3), tr(L, 2, 3), ar(L, 1, 2, 3))),
    ("cartesian_prod", lambda L: L.cartesian_prod(ar(L, 2), ar(L, 3))),
    ("cartesian_prod3", lambda L: L.cartesian_prod(ar(L, 2), ar(L, 1), ar(L, 2))),
    ("cartesian_prod1", lambda L: L.cartesian_prod(ar(L, 3))),
    ("combinations", lambda L: L.combinations(ar(L, 4))),
    ("combinations_r3", lambda L: L.combinations(ar(L, 5), 3)),
    ("combinations_rep", lambda L: L.combinations(ar(L, 3), 2, with_replacement=True)),
    ("combinations_r1", lambda L: L.combinations(ar(L, 3), 1)),
    ("combinations_r0", lambda L: L.combinations(ar(L, 3), 0)),
    ("combinations_big_r", lambda L: L.combinations(ar(L, 2), 3)),
    ("combinations_err", lambda L: L.combinations(ar(L, 2, 2))),
    ("ravel", lambda L: L.ravel(ar(L, 2, 3))),
    ("ravel_noncontig", lambda L: tr(L, 2, 3).ravel()),
    ("ravel_0d", lambda L: L.tensor(2.).ravel()),
    ("block_diag_none", lambda L: L.block_diag()),
    ("hstack_err_empty", lambda L: L.hstack([])),
]


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_shape_ops(name, fn):
    check(fn, check_stride=True)


def test_broadcast_shapes():
    assert M.broadcast_shapes((2, 1), (3,), ()) == T.broadcast_shapes((2, 1), (3,), ())
    assert M.broadcast_shapes(2, (3, 1)) == T.broadcast_shapes(2, (3, 1))
    assert isinstance(M.broadcast_shapes((1,)), M.Size)
    with pytest.raises(RuntimeError):
        M.broadcast_shapes((2,), (3,))


def test_cat_out_resize_and_error_messages():
    out = M.empty(0)
    r = M.cat([M.ones(2), M.zeros(3)], out=out)
    assert r is out and out.shape == (5,)
    with pytest.raises(RuntimeError, match="Sizes of tensors must match except in dimension 1"):
        M.cat([M.ones(2, 3), M.ones(3, 3)], 1)
    with pytest.raises(RuntimeError, match="same number of dimensions: got 2 and 3"):
        M.cat([M.ones(2, 3), M.ones(2, 3, 1)])


def test_results_own_memory():
    x = M.arange(6.).reshape(2, 3)
    for r in (M.cat([x]), M.flip(x, []), x.repeat(1, 1), M.tril(x, 5), M.roll(x, 0),
              M.stack([x])):
        assert r.data_ptr() != x.data_ptr()
        r.fill_(-1)
    assert x.tolist() == [[0., 1., 2.], [3., 4., 5.]]


def test_inplace_tri():
    for name in ("tril_", "triu_"):
        for k in (-1, 0, 2):
            tm, tt = M.arange(12.).reshape(3, 4), T.arange(12.).reshape(3, 4)
            v0 = tm._version
            rm = getattr(tm, name)(k)
            rt = getattr(tt, name)(k)
            assert rm is tm
            assert tm._version > v0
            assert_same(tm, tt)
    # non-contiguous in place writes through to the base
    bm, bt = M.arange(16.).reshape(4, 4), T.arange(16.).reshape(4, 4)
    bm.t().tril_()
    bt.t().tril_()
    assert_same(bm, bt)
    with pytest.raises(RuntimeError):
        M.ones(3).tril_()


def test_meta_device():
    x = M.empty(2, 3, device="meta")
    assert M.cat([x, x], 1).shape == (2, 6)
    assert M.flip(x, [0]).device.type == "meta"
    assert M.repeat_interleave(x, 2, 0).shape == (4, 3)
    assert M.diag_embed(x).shape == (2, 3, 3)
