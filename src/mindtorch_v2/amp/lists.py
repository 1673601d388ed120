"""Autocast cast policies per device type: op name -> policy.

Policies (as in torch's autocast):

- ``LOWER``:   cast floating inputs to the autocast dtype (matmul-like ops, convolutions);
- ``FP32``:    cast floating inputs to float32 (ops that lose too much accuracy in 16 bits);
- ``PROMOTE``: cast floating inputs to the widest floating dtype among them (cat, stack).

Only float16 / bfloat16 / float32 tensors of the autocast device are cast (float64 never).
The ``cpu`` table is torch's CPU list; ``npu`` follows torch's CUDA list (which torch_npu
adopts), where reductions and softmax also run in float32.  Names are torch's; a name only
has an effect when an op of that name is registered, so torch's names of composites that
we lower to other ops (conv2d -> convolution, nll_loss -> nll_loss_nd) list both.
"""
from __future__ import annotations

LOWER, FP32, PROMOTE = "lower", "fp32", "promote"

_CPU_LOWER = """
conv1d conv2d conv3d convolution _convolution conv_tbc conv_transpose1d conv_transpose2d
conv_transpose3d bmm mm linalg_vecdot baddbmm addmm addbmm linear matmul prelu
scaled_dot_product_attention _native_multi_head_attention mkldnn_rnn_layer
"""
_CPU_FP32 = """
avg_pool3d binary_cross_entropy grid_sampler polar prod quantile nanquantile stft cdist
grid_sampler_2d grid_sampler_3d trace view_as_complex cholesky cholesky_inverse
cholesky_solve inverse lu_solve orgqr ormqr pinverse max_pool3d max_unpool2d max_unpool3d
adaptive_avg_pool3d reflection_pad1d reflection_pad2d replication_pad1d replication_pad2d
replication_pad3d mse_loss cosine_embedding_loss nll_loss nll_loss2d nll_loss_nd
hinge_embedding_loss poisson_nll_loss smooth_l1_loss cross_entropy_loss l1_loss huber_loss
margin_ranking_loss soft_margin_loss triplet_margin_loss multi_margin_loss ctc_loss kl_div
multilabel_margin_loss binary_cross_entropy_with_logits fft_fft fft_ifft fft_fft2 fft_ifft2
fft_fftn fft_ifftn fft_rfft fft_irfft fft_rfft2 fft_irfft2 fft_rfftn fft_irfftn fft_hfft
fft_ihfft linalg_cond linalg_matrix_rank linalg_solve linalg_cholesky linalg_svdvals
linalg_eigvals linalg_eigvalsh linalg_inv linalg_householder_product linalg_tensorinv
linalg_tensorsolve fake_quantize_per_tensor_affine geqrf _lu_with_info qr svd
triangular_solve fractional_max_pool2d fractional_max_pool3d adaptive_max_pool3d
multilabel_margin_loss_forward linalg_qr linalg_cholesky_ex linalg_svd linalg_eig
linalg_eigh linalg_lstsq linalg_inv_ex linalg_pinv
"""
_CPU_PROMOTE = "stack cat index_copy"

_GPU_LOWER = """
_convolution conv1d conv2d conv3d conv_tbc conv_transpose1d conv_transpose2d conv_transpose3d
convolution prelu addmm addmv addr matmul einsum mm mv linalg_vecdot linear addbmm baddbmm
bmm chain_matmul linalg_multi_dot lstm_cell gru_cell rnn_tanh_cell rnn_relu_cell
scaled_dot_product_attention
"""
_GPU_FP32 = """
acos asin cosh erfinv exp expm1 log log10 log2 log1p reciprocal rsqrt sinh tan pow softplus
layer_norm native_layer_norm group_norm frobenius_norm nuclear_norm cosine_similarity
poisson_nll_loss cosine_embedding_loss nll_loss nll_loss2d nll_loss_nd hinge_embedding_loss
kl_div l1_loss smooth_l1_loss huber_loss mse_loss margin_ranking_loss multilabel_margin_loss
soft_margin_loss triplet_margin_loss multi_margin_loss binary_cross_entropy_with_logits dist
pdist cdist renorm logsumexp upsample_nearest1d upsample_nearest2d upsample_nearest3d
upsample_linear1d upsample_bilinear2d upsample_trilinear3d upsample_bicubic2d
prod softmax log_softmax cumprod cumsum linalg_vector_norm linalg_matrix_norm sum norm
nansum
"""
_GPU_PROMOTE = """
addcdiv addcmul atan2 bilinear cross linalg_cross dot vdot grid_sampler index_put
scatter_add tensordot stack cat index_copy
"""


def _table(lower, fp32, promote):
    t = {}
    for policy, names in ((LOWER, lower), (FP32, fp32), (PROMOTE, promote)):
        for n in names.split():
            t[n] = policy
    return t


_GPU = _table(_GPU_LOWER, _GPU_FP32, _GPU_PROMOTE)
# device type -> {op name -> policy}
POLICIES = {
    "cpu": _table(_CPU_LOWER, _CPU_FP32, _CPU_PROMOTE),
    "npu": _GPU,
    "cuda": _GPU,
}
