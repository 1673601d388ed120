"""torch.nn.functional: linear maps and lookup tables (linear, bilinear, embedding,
embedding_bag, one_hot).

All composites: gradients come from matmul / index_select / index_add.  Embedding's
padding_idx and scale_grad_by_freq only change the gradient, so the looked-up rows are
mixed with their detached copies (same value, gradient scaled by 0 or 1/count).
"""
from __future__ import annotations

import mindtorch_v2 as torch

__all__ = ["linear", "bilinear", "embedding", "embedding_bag", "one_hot"]


def linear(input, weight, bias=None):
    """input @ weight.T + bias."""
    if input.dim() == 2 and bias is not None and weight.dim() == 2:
        return torch.addmm(bias, input, weight.t())
    out = torch.matmul(input, weight.t() if weight.dim() == 2 else weight)
    return out + bias if bias is not None else out


def bilinear(input1, input2, weight, bias=None):
    """out[..., o] = sum_ij input1[..., i] weight[o, i, j] input2[..., j] + bias[o]."""
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got "
                           f"{list(input1.shape[:-1])} and {list(input2.shape[:-1])}")
    if weight.dim() != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-dimensional, got {weight.dim()}")
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{input1.shape[-1]} but expected {weight.shape[1]}")
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{input2.shape[-1]} but expected {weight.shape[2]}")
    lead = input1.shape[:-1]
    a = input1.reshape(-1, input1.shape[-1])
    b = input2.reshape(-1, input2.shape[-1])
    # (B, I) @ (I, O*J) -> (B, O, J), then contract J with input2
    o, i, j = weight.shape
    t = torch.matmul(a, weight.permute(1, 0, 2).reshape(i, o * j)).reshape(-1, o, j)
    out = torch.matmul(t, b.unsqueeze(-1)).squeeze(-1)
    if bias is not None:
        out = out + bias
    return out.reshape(tuple(lead) + (o,))


def _check_indices(input, fn="embedding"):
    if input.dtype not in (torch.int64, torch.int32):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got "
                           f"{_legacy_name(input.dtype)} instead (while checking arguments "
                           f"for {fn})")


def _legacy_name(dt):
    return {torch.float32: "torch.FloatTensor", torch.float64: "torch.DoubleTensor",
            torch.float16: "torch.HalfTensor", torch.bool: "torch.BoolTensor",
            torch.uint8: "torch.ByteTensor", torch.int8: "torch.CharTensor",
            torch.int16: "torch.ShortTensor"}.get(dt, str(dt))


def _padding_idx(padding_idx, n):
    if padding_idx is None:
        return None
    if padding_idx > 0:
        assert padding_idx < n, "Padding_idx must be within num_embeddings"
    elif padding_idx < 0:
        assert padding_idx >= -n, "Padding_idx must be within num_embeddings"
        padding_idx += n
    return padding_idx


def _renorm_(weight, idx, max_norm, norm_type):
    """Scale the looked-up rows whose norm exceeds max_norm down to max_norm, in place."""
    with torch.no_grad():
        rows = torch.unique(idx.reshape(-1))
        w = weight[rows]
        norms = torch.linalg.vector_norm(w, norm_type, -1, keepdim=True)
        scale = torch.where(norms > max_norm, max_norm / (norms + 1e-7),
                            torch.ones((), dtype=norms.dtype))
        weight.index_copy_(0, rows, w * scale)


def _lookup(weight, flat, padding_idx, scale_grad_by_freq):
    rows = weight.index_select(0, flat)
    k = None
    if scale_grad_by_freq and flat.numel():
        counts = torch.bincount(flat, minlength=weight.shape[0])
        k = (1.0 / counts[flat].to(weight.dtype)).unsqueeze(1)
    if padding_idx is not None:
        keep = (flat != padding_idx).to(weight.dtype).unsqueeze(1)
        k = keep if k is None else k * keep
    if k is not None:
        # value unchanged, gradient scaled by k (0 on padding rows)
        rows = rows * k + rows.detach() * (1 - k)
    return rows


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of ``weight`` selected by the integer ``input``: shape input.shape + (D,)."""
    _check_indices(input)
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    padding_idx = _padding_idx(padding_idx, weight.shape[0])
    flat = input.reshape(-1).to(torch.int64)
    if flat.numel() and (int(flat.max()) >= weight.shape[0] or int(flat.min()) < 0):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm_(weight, flat, max_norm, norm_type)
    rows = _lookup(weight, flat, padding_idx, scale_grad_by_freq)
    return rows.reshape(tuple(input.shape) + (weight.shape[1],))


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,
                  scale_grad_by_freq=False, mode="mean", sparse=False,
                  per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """Sum / mean / max of embedding rows per bag (2-D input: one bag per row; 1-D input:
    bags start at ``offsets``).  Rows equal to padding_idx are left out of every bag."""
    _check_indices(input, "embedding_bag")
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max")
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                      f"per_sample_weights is only supported for "
                                      f"mode='sum' (got mode='{mode}'). Please open a "
                                      f"feature request on GitHub.")
        if per_sample_weights.shape != input.shape:
            raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape})"
                             f" is not None, then it must have the same shape as the input "
                             f"({input.shape})")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is "
                             "treated is a mini-batch of fixed length sequences. However, "
                             f"found offsets of type {type(offsets).__name__}")
        nb, ln = input.shape
        bag = torch.arange(nb).repeat_interleave(ln)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
        flat = input.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        offs = offsets.to(torch.int64)
        if include_last_offset:
            nb = offs.numel() - 1
            offs = offs[:-1]
        else:
            nb = offs.numel()
        flat = input
        pos = torch.arange(input.numel())
        bag = torch.searchsorted(offs, pos, right=True) - 1
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    flat = flat.to(torch.int64)
    padding_idx = _padding_idx(padding_idx, weight.shape[0])
    if flat.numel() and (int(flat.max()) >= weight.shape[0] or int(flat.min()) < 0):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm_(weight, flat, max_norm, norm_type)
    rows = _lookup(weight, flat, None, scale_grad_by_freq)
    keep = flat != padding_idx if padding_idx is not None else None
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.unsqueeze(1)
    d = weight.shape[1]
    if keep is not None:
        rows = torch.where(keep.unsqueeze(1), rows, torch.zeros((), dtype=rows.dtype))
    bag = bag.clamp_min(0)
    if mode == "max":
        out = torch.zeros((nb, d), dtype=weight.dtype)
        idx = bag.unsqueeze(1).expand(-1, d)
        src = rows if keep is None else torch.where(
            keep.unsqueeze(1), rows, torch.full((), -float("inf"), dtype=rows.dtype))
        out = out.scatter_reduce(0, idx, src, "amax", include_self=False)
        return torch.where(torch.isinf(out), torch.zeros((), dtype=out.dtype), out)
    out = torch.zeros((nb, d), dtype=weight.dtype).index_add(0, bag, rows)
    if mode == "mean":
        ones = torch.ones(flat.shape, dtype=weight.dtype)
        if keep is not None:
            ones = ones * keep.to(weight.dtype)
        cnt = torch.zeros(nb, dtype=weight.dtype).index_add(0, bag, ones)
        out = out / cnt.clamp_min(1).unsqueeze(1)
    return out


def one_hot(tensor, num_classes=-1):
    """int64 tensor of shape tensor.shape + (num_classes,) with ones at the indices."""
    if tensor.dtype is not torch.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if tensor.numel() == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(tensor.max()) + 1
    elif num_classes < -1:
        raise RuntimeError("num_classes should be positive")
    if tensor.numel():
        if int(tensor.min()) < 0:
            raise RuntimeError("Class values must be non-negative.")
        if int(tensor.max()) >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    classes = torch.arange(num_classes, device=tensor.device)
    return (tensor.unsqueeze(-1) == classes).to(torch.int64)
