"""torch.nn.utils.rnn: packing variable-length sequences for the recurrent layers.

Note [packed layout]: a PackedSequence stores the time steps one after another, each step
holding only the sequences still running at that step (``batch_sizes[t]`` rows, sequences
sorted by decreasing length).  Packing and unpacking are single ``index_select`` calls
with an index computed in NumPy, so gradients flow through them without Python loops over
elements.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

import mindtorch_v2 as torch

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence",
           "pad_packed_sequence", "pad_sequence", "unpad_sequence", "pack_sequence",
           "unpack_sequence"]

_PackedSequenceBase = namedtuple("PackedSequence_",
                                 ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


def invert_permutation(permutation):
    """The inverse of an index permutation (None stays None)."""
    if permutation is None:
        return None
    perm = np.asarray(permutation.numpy(), dtype=np.int64)
    inv = np.empty_like(perm)
    inv[perm] = np.arange(perm.size, dtype=np.int64)
    return torch.from_numpy(inv)


class PackedSequence(_PackedSequenceBase):
    """Data and batch sizes of a packed batch of variable-length sequences.

    Built by :func:`pack_padded_sequence` / :func:`pack_sequence`; ``batch_sizes`` is an
    int64 CPU tensor, ``sorted_indices`` maps sorted position to original batch index.
    """

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is not None:
            if batch_sizes.device.type != "cpu":
                raise ValueError(
                    "batch_sizes should always be on CPU. Instances of PackedSequence should "
                    "never be created manually. They should be instantiated by functions like "
                    "pack_sequence and pack_padded_sequences in nn.utils.rnn. "
                    "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
            return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)
        # PackedSequence((data, batch_sizes)) form
        return super().__new__(cls, data[0], data[1], sorted_indices, unsorted_indices)

    def _with_data(self, data):
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def to(self, *args, **kwargs):
        """Moves/casts ``data`` (indices follow the device, batch_sizes stay on CPU)."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        dev = data.device
        si = None if self.sorted_indices is None else self.sorted_indices.to(dev)
        ui = None if self.unsorted_indices is None else self.unsorted_indices.to(dev)
        return type(self)(data, self.batch_sizes, si, ui)

    def cpu(self, *args, **kwargs):
        return self.to("cpu")

    def double(self):
        return self.to(dtype=torch.float64)

    def float(self):
        return self.to(dtype=torch.float32)

    def half(self):
        return self.to(dtype=torch.float16)

    def long(self):
        return self.to(dtype=torch.int64)

    def int(self):
        return self.to(dtype=torch.int32)

    @property
    def is_cuda(self):
        return self.data.device.type == "cuda"

    def is_pinned(self):
        return False


# ---------------------------------------------------------------------------------------
# packing
# ---------------------------------------------------------------------------------------

def _lengths_array(lengths):
    if isinstance(lengths, torch.Tensor):
        if lengths.dim() != 1:
            raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got "
                               f"{lengths.dim()}D {lengths.device.type} "
                               f"{str(lengths.dtype).replace('torch.', '')} tensor")
        return np.asarray(lengths.detach().cpu().numpy()).astype(np.int64)
    return np.asarray(lengths, dtype=np.int64).reshape(-1)


def _batch_sizes(lengths):
    """batch_sizes[t] = number of (sorted) sequences longer than t."""
    steps = np.arange(int(lengths[0]) if lengths.size else 0)
    return (lengths[None, :] > steps[:, None]).sum(1).astype(np.int64)


def _packed_rows(batch_sizes, nbatch):
    """Row index into a (T*B, ...) flattened time-major batch for every packed row."""
    t = np.repeat(np.arange(batch_sizes.size), batch_sizes)
    starts = np.concatenate([[0], np.cumsum(batch_sizes)[:-1]])
    b = np.arange(t.size) - np.repeat(starts, batch_sizes)
    return t * nbatch + b


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Packs a padded batch (T x B x * or B x T x *) of sequences of the given lengths."""
    lens = _lengths_array(lengths)
    if enforce_sorted:
        if lens.size > 1 and np.any(lens[:-1] < lens[1:]):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                               "`enforce_sorted` is True. You can pass `enforce_sorted=False` "
                               "to pack_padded_sequence and/or pack_sequence to sidestep this "
                               "requirement if you do not need ONNX exportability.")
        sorted_indices = None
        order = None
    else:
        order = np.argsort(-lens, kind="stable")
        lens = lens[order]
        sorted_indices = torch.from_numpy(order.astype(np.int64))
    nb = input.shape[0] if batch_first else input.shape[1] if input.dim() > 1 else 0
    if lens.size != nb:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{lens.size} (batch_size={nb})")
    if lens.size == 0 or lens[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    seq_len = input.shape[1] if batch_first else input.shape[0]
    if lens[0] > seq_len:
        raise RuntimeError(f"Expected sequence length to be larger than or equal to max "
                           f"length {lens[0]}, but got {seq_len}")
    if sorted_indices is not None:
        input = input.index_select(0 if batch_first else 1, sorted_indices.to(input.device))
    if batch_first:
        input = input.transpose(0, 1)
    bs = _batch_sizes(lens)
    flat = input.reshape((-1,) + tuple(input.shape[2:]))
    rows = torch.from_numpy(_packed_rows(bs, nb)).to(input.device)
    data = flat.index_select(0, rows)
    return PackedSequence(data, torch.from_numpy(bs), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Inverse of :func:`pack_padded_sequence`: returns (padded batch, lengths)."""
    data, batch_sizes = sequence.data, np.asarray(sequence.batch_sizes.numpy(), np.int64)
    max_len = batch_sizes.size
    if total_length is not None:
        if total_length < max_len:
            raise ValueError(f"Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {max_len}")
        max_len = total_length
    nb = int(batch_sizes[0]) if batch_sizes.size else 0
    # gather index: every (t, b) cell reads its packed row, padding cells read one extra
    # row holding padding_value (appended after the data)
    gather = np.full(max_len * nb, data.shape[0], dtype=np.int64)
    gather[_packed_rows(batch_sizes, nb)] = np.arange(data.shape[0])
    gather = gather.reshape(max_len, nb)
    lengths = (np.arange(nb)[None, :] < batch_sizes[:, None]).sum(0).astype(np.int64)
    if sequence.unsorted_indices is not None:
        ui = np.asarray(sequence.unsorted_indices.numpy(), np.int64)
        gather = gather[:, ui]
        lengths = lengths[ui]
    if batch_first:
        gather = gather.T
    pad_row = torch.full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype,
                         device=data.device)
    src = torch.cat([data, pad_row], 0)
    out = src.index_select(0, torch.from_numpy(np.ascontiguousarray(gather).reshape(-1))
                           .to(data.device))
    out = out.reshape(gather.shape + tuple(data.shape[1:]))
    return out, torch.from_numpy(lengths)


# ---------------------------------------------------------------------------------------
# lists of tensors
# ---------------------------------------------------------------------------------------

def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stacks tensors of shape (L_i, *) into (T, B, *) (or (B, T, *)), padded to the
    longest with ``padding_value`` on ``padding_side`` ("right" or "left")."""
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    if isinstance(sequences, torch.Tensor):
        sequences = sequences.unbind(0)
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    max_len = max(s.shape[0] for s in sequences)
    rows = []
    for s in sequences:
        n = max_len - s.shape[0]
        if n:
            pad = torch.full((n,) + tuple(s.shape[1:]), padding_value, dtype=s.dtype,
                             device=s.device)
            s = torch.cat([s, pad] if padding_side == "right" else [pad, s], 0)
        rows.append(s)
    d = 0 if batch_first else 1
    return rows[0].unsqueeze(d) if len(rows) == 1 else torch.stack(rows, d)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Splits a padded batch back into a list of tensors of the given lengths."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    lens = _lengths_array(lengths)
    return [padded_sequences[i, :int(n)] for i, n in enumerate(lens)]


def pack_sequence(sequences, enforce_sorted=True):
    """Packs a list of tensors of shape (L_i, *) (decreasing L_i if ``enforce_sorted``)."""
    lengths = torch.as_tensor([s.shape[0] for s in sequences], dtype=torch.int64)
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """A PackedSequence back into the list of its sequences (original order)."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
