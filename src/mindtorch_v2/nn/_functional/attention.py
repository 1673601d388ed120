"""torch.nn.functional: scaled_dot_product_attention (the math path as a composite)."""
from __future__ import annotations

import math

import mindtorch_v2 as torch

__all__ = ["scaled_dot_product_attention"]


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """softmax(q k^T * scale + mask) v over the last two dims.

    ``attn_mask``: bool (True = attend) or float (added to the scores), broadcast to
    (..., L, S); ``is_causal``: attend to key positions <= query position; rows with no
    allowed key give zeros (torch's safe softmax); ``enable_gqa``: key/value heads
    (dim -3) are repeated to match the query's.
    """
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be "
                           "set when is_causal=True")
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError("scaled_dot_product_attention: query, key and value need at "
                           "least 2 dimensions")
    if query.dtype != key.dtype or query.dtype != value.dtype:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got "
                           f"query.dtype: {query.dtype} key.dtype: {key.dtype} and "
                           f"value.dtype: {value.dtype} instead.")
    L, S = query.shape[-2], key.shape[-2]
    e = query.shape[-1]
    sc = 1.0 / math.sqrt(e) if scale is None else scale
    if enable_gqa and query.dim() >= 3 and key.shape[-3] != query.shape[-3]:
        rep = query.shape[-3] // key.shape[-3]
        key = key.repeat_interleave(rep, -3)
        value = value.repeat_interleave(rep, -3)
    scores = torch.matmul(query, key.transpose(-2, -1)) * sc
    allowed = None
    if is_causal:
        allowed = torch.ones((L, S), dtype=torch.bool, device=query.device).tril()
    elif attn_mask is not None:
        if attn_mask.dtype is torch.bool:
            allowed = attn_mask
        else:
            scores = scores + attn_mask
    if allowed is not None:
        scores = scores.masked_fill(~allowed, -math.inf)
    attn = torch.softmax(scores, -1)
    # rows where every score is -inf: softmax gives NaN; torch returns zeros there
    dead = torch.isinf(scores.detach()).all(-1, keepdim=True) & (scores.detach() < 0).all(
        -1, keepdim=True)
    if allowed is not None or attn_mask is not None:
        attn = torch.where(dead, torch.zeros((), dtype=attn.dtype), attn)
    if dropout_p > 0.0:
        from .norm import dropout
        attn = dropout(attn, dropout_p, True)
    return torch.matmul(attn, value)
