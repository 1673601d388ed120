"""Recurrent layers: RNN (tanh / relu), LSTM (optional projection), GRU and their cells.

Note [recurrence layout]: every layer and direction projects the whole input sequence with
one matmul (``x @ W_ih^T + b_ih``), then loops over time steps only, each step one
``addmm`` with ``W_hh`` plus the gate arithmetic.  Padded input is handled as a packed
sequence whose batch sizes are all B, so one code path serves both: at step t only the
first ``batch_sizes[t]`` rows (sequences still running) are updated.  Everything is
mindtorch ops, so autograd comes for free.

Gate orders follow torch so state dicts load unchanged: LSTM (i, f, g, o), GRU (r, z, n)
with ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))`` and ``h' = (1 - z) * n + z * h``.
"""
from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

import mindtorch_v2 as torch
from ...autograd.function import Function
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


# ---------------------------------------------------------------------------------------
# one time step per mode: (gi, h, c, W_hh^T, b_hh, W_hr^T) -> (h, c)
#
# Note [folded bias]: except for GRU, b_hh is added to the input projection of the whole
# sequence once (gi = x W_ih^T + b_ih + b_hh), so a step is one addmm(gi_t, h, W_hh^T)
# and b_hh arrives here as None.  GRU needs W_hn h + b_hn on its own (it is scaled by r).
# Weights arrive transposed once per layer, not per step.
# ---------------------------------------------------------------------------------------

def _step_tanh(gi, h, c, w_hh_t, b_hh, w_hr_t):
    return torch.tanh(torch.addmm(gi, h, w_hh_t)), None


def _step_relu(gi, h, c, w_hh_t, b_hh, w_hr_t):
    return torch.relu(torch.addmm(gi, h, w_hh_t)), None


def _step_lstm(gi, h, c, w_hh_t, b_hh, w_hr_t):
    gates = torch.addmm(gi, h, w_hh_t)
    n = gates.shape[1] // 4
    i, f, g, o = _split(gates, [n, n, n, n], 1)
    c = torch.addcmul(torch.sigmoid(f) * c, torch.sigmoid(i), torch.tanh(g))
    h = torch.sigmoid(o) * torch.tanh(c)
    if w_hr_t is not None:
        h = torch.matmul(h, w_hr_t)
    return h, c


def _step_gru(gi, h, c, w_hh_t, b_hh, w_hr_t):
    gh = torch.matmul(h, w_hh_t) if b_hh is None else torch.addmm(b_hh, h, w_hh_t)
    k = gh.shape[1] // 3
    gi_rz, gi_n = _split(gi, [2 * k, k], 1)
    gh_rz, gh_n = _split(gh, [2 * k, k], 1)
    r, z = _split(torch.sigmoid(gi_rz + gh_rz), [k, k], 1)
    n = torch.tanh(torch.addcmul(gi_n, r, gh_n))
    return torch.addcmul(n, z, h - n), None


_STEPS = {"LSTM": _step_lstm, "GRU": _step_gru, "RNN_TANH": _step_tanh,
          "RNN_RELU": _step_relu}


def _input_proj(x, w_ih, b_ih, b_hh, step):
    """x W_ih^T + biases (b_hh folded in except for GRU, see Note [folded bias])."""
    if step is not _step_gru and b_hh is not None:
        b_ih = b_ih + b_hh
        b_hh = None
    gi = torch.matmul(x, w_ih.t()) if b_ih is None else torch.addmm(b_ih, x, w_ih.t())
    return gi, b_hh


class _Split(Function):
    """``x.split(sizes, dim)`` whose backward is one cat.

    Note [split backward]: each narrow's own backward writes its gradient into a zero
    tensor of the full input's size, so slicing T time steps out of the sequence-wide
    projection would cost O(T^2); one node for all pieces keeps it O(T)."""

    @staticmethod
    def forward(ctx, x, sizes, dim):
        ctx.dim = dim
        return tuple(x.split(sizes, dim))

    @staticmethod
    def backward(ctx, *grads):
        return _cat(list(grads), ctx.dim), None, None


def _split(x, sizes, dim):
    if len(sizes) == 1:
        return (x,)
    if not (torch.is_grad_enabled() and x.requires_grad):
        return x.split(sizes, dim)
    return _Split.apply(x, sizes, dim)


def _cat(ts, dim):
    # a single piece needs no copy (cat/stack of one tensor also trips the autograd
    # engine at the time of writing)
    return ts[0] if len(ts) == 1 else torch.cat(ts, dim)


def _stack(ts, dim):
    return ts[0].unsqueeze(dim) if len(ts) == 1 else torch.stack(ts, dim)


def _run_direction(step, data, batch_sizes, h0, c0, weights, reverse):
    """One layer, one direction over packed ``data`` (N, I).

    Returns (outputs (N, H_out), final h (B, H_out), final c or None)."""
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    gi_all, b_hh = _input_proj(data, w_ih, b_ih, b_hh, step)
    w_hh, w_hr = w_hh.t(), None if w_hr is None else w_hr.t()
    gis = _split(gi_all, [int(b) for b in batch_sizes], 0) if len(batch_sizes) else ()
    steps = range(len(batch_sizes))
    outs = [None] * len(batch_sizes)
    if not reverse:
        h, c = h0, c0
        done_h, done_c = [], []
        for t in steps:
            bs = int(batch_sizes[t])
            if bs < h.shape[0]:  # sequences that ended: their state is final
                done_h.append(h[bs:])
                h = h[:bs]
                if c is not None:
                    done_c.append(c[bs:])
                    c = c[:bs]
            h, c = step(gis[t], h, c, w_hh, b_hh, w_hr)
            outs[t] = h
        h_n = torch.cat([h] + done_h[::-1], 0) if done_h else h
        c_n = None if c is None else (torch.cat([c] + done_c[::-1], 0) if done_c else c)
    else:
        # backwards in time the batch grows: new rows start from their initial state
        h, c = h0[:int(batch_sizes[-1])] if len(batch_sizes) else h0, None
        if c0 is not None:
            c = c0[:h.shape[0]]
        for t in reversed(steps):
            bs = int(batch_sizes[t])
            if bs > h.shape[0]:
                h = torch.cat([h, h0[h.shape[0]:bs]], 0)
                if c is not None:
                    c = torch.cat([c, c0[c.shape[0]:bs]], 0)
            h, c = step(gis[t], h, c, w_hh, b_hh, w_hr)
            outs[t] = h
        if h.shape[0] < h0.shape[0]:  # batch of zero-length steps (empty sequence)
            h = torch.cat([h, h0[h.shape[0]:]], 0)
            if c is not None:
                c = torch.cat([c, c0[c.shape[0]:]], 0)
        h_n, c_n = h, c
    out = _cat(outs, 0) if outs else torch.zeros((0, h0.shape[1]), dtype=data.dtype,
                                                         device=data.device)
    return out, h_n, c_n


# ---------------------------------------------------------------------------------------
# multi-layer modules
# ---------------------------------------------------------------------------------------

class RNNBase(Module):
    """Shared parameters and loop of RNN, LSTM and GRU.

    Parameters are named like torch's (``weight_ih_l{k}[_reverse]``, ``weight_hh_l{k}``,
    ``bias_ih_l{k}``, ``bias_hh_l{k}``, ``weight_hr_l{k}`` with ``proj_size``), so state
    dicts move between the two libraries.
    """

    __constants__ = ["mode", "input_size", "hidden_size", "num_layers", "bias",
                     "batch_first", "dropout", "bidirectional", "proj_size"]

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None):
        super().__init__()
        if mode not in _GATES:
            raise ValueError(f"Unrecognized RNN mode: {mode}")
        if (not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1
                or isinstance(dropout, bool)):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, "
                          f"so non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: "
                            f"{type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        ndir = 2 if bidirectional else 1
        kw = {"device": device, "dtype": dtype}
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for d in range(ndir):
                in_size = input_size if layer == 0 else real_hidden * ndir
                sfx = f"_l{layer}" + ("_reverse" if d == 1 else "")
                shapes = [("weight_ih", (gate_size, in_size)),
                          ("weight_hh", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                names = []
                for base, shape in shapes:
                    setattr(self, base + sfx, Parameter(torch.empty(shape, **kw)))
                    names.append(base + sfx)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self):
        """U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) for every weight, like torch."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -stdv, stdv)

    def flatten_parameters(self):
        """No-op (torch compacts weights for cuDNN)."""

    @property
    def _flat_weights(self):
        return [getattr(self, n, None) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def _layer_weights(self, layer, d):
        sfx = f"_l{layer}" + ("_reverse" if d == 1 else "")
        g = lambda base: getattr(self, base + sfx, None)  # noqa: E731
        return (g("weight_ih"), g("weight_hh"), g("bias_ih") if self.bias else None,
                g("bias_hh") if self.bias else None,
                g("weight_hr") if self.proj_size > 0 else None)

    # -- checks ----------------------------------------------------------------------
    @staticmethod
    def _check_hidden(hx, expected, msg="Expected hidden size {}, got {}"):
        if tuple(hx.shape) != tuple(expected):
            raise RuntimeError(msg.format(tuple(expected), list(hx.shape)))

    # -- forward ---------------------------------------------------------------------
    def _prepare(self, input, hx):
        """Normalises the input to packed form; returns (data, batch_sizes, info, hx)."""
        orig_packed = isinstance(input, PackedSequence)
        if orig_packed:
            data, bs_t, sorted_idx, unsorted_idx = input
            batch_sizes = np.asarray(bs_t.numpy(), np.int64)
            batched = True
        else:
            name = type(self).__name__
            if input.dim() not in (2, 3):
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got "
                                 f"{input.dim()}D tensor instead")
            batched = input.dim() == 3
            sorted_idx = unsorted_idx = None
            if not batched:
                input = input.unsqueeze(1)
            elif self.batch_first:
                input = input.transpose(0, 1)
            t_len, nb = input.shape[0], input.shape[1]
            batch_sizes = np.full(t_len if nb else 0, nb, np.int64)
            data = input.reshape((t_len * nb,) + tuple(input.shape[2:]))
            if hx is not None:
                hs = hx if isinstance(hx, tuple) else (hx,)
                for h in hs:
                    if batched and h.dim() != 3:
                        raise RuntimeError(f"For batched 3-D input, hx and cx should also be "
                                           f"3-D but got ({', '.join(f'{x.dim()}-D' for x in hs)}"
                                           f") tensors" if isinstance(hx, tuple) else
                                           f"For batched 3-D input, hx should also be 3-D but "
                                           f"got {h.dim()}-D tensor")
                    if not batched and h.dim() != 2:
                        raise RuntimeError(f"For unbatched 2-D input, hx and cx should also be "
                                           f"2-D but got ({', '.join(f'{x.dim()}-D' for x in hs)}"
                                           f") tensors" if isinstance(hx, tuple) else
                                           f"For unbatched 2-D input, hx should also be 2-D "
                                           f"but got {h.dim()}-D tensor")
                if not batched:
                    hx = tuple(h.unsqueeze(1) for h in hs) if isinstance(hx, tuple) \
                        else hx.unsqueeze(1)
        if self.input_size != data.shape[-1]:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {data.shape[-1]}")
        return data, batch_sizes, (orig_packed, batched, sorted_idx, unsorted_idx,
                                   None if orig_packed else input.shape[:2]), hx

    def _run(self, data, batch_sizes, h0, c0):
        """All layers and directions; returns (output data, h_n, c_n or None)."""
        step = _STEPS[self.mode]
        ndir = 2 if self.bidirectional else 1
        if h0.shape[1] == 0:  # empty batch: nothing to run (and no views of empty states)
            z = lambda *s: torch.zeros(s, dtype=data.dtype, device=data.device)  # noqa: E731
            return (z(0, h0.shape[2] * ndir), z(*h0.shape),
                    None if c0 is None else z(*c0.shape))
        hs, cs = [], []
        x = data
        for layer in range(self.num_layers):
            outs = []
            for d in range(ndir):
                k = layer * ndir + d
                out, h, c = _run_direction(step, x, batch_sizes, h0[k],
                                           None if c0 is None else c0[k],
                                           self._layer_weights(layer, d), d == 1)
                outs.append(out)
                hs.append(h)
                cs.append(c)
            x = outs[0] if ndir == 1 else torch.cat(outs, 1)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                x = torch.nn.functional.dropout(x, self.dropout, True)
        h_n = _stack(hs, 0)
        c_n = _stack(cs, 0) if c0 is not None else None
        return x, h_n, c_n

    def _finish(self, out, info, input, h_n):
        """Output back in the input's layout (packed / padded / unbatched)."""
        orig_packed, batched, sorted_idx, unsorted_idx, tb = info
        if orig_packed:
            return input._with_data(out)
        out = out.reshape(tuple(tb) + (out.shape[-1],))
        if not batched:
            return out.squeeze(1)
        return out.transpose(0, 1) if self.batch_first else out

    def _zeros(self, shape, like):
        return torch.zeros(shape, dtype=like.dtype, device=like.device)

    def forward(self, input, hx=None):
        data, batch_sizes, info, hx = self._prepare(input, hx)
        w_dtype = self.weight_ih_l0.dtype
        if data.dtype != w_dtype and data.dtype.is_floating_point:
            raise ValueError(f"RNN input dtype ({data.dtype}) does not match weight dtype "
                             f"({w_dtype}). Convert input: input.to({w_dtype}), or convert "
                             f"model: model.to({data.dtype})")
        sorted_idx, unsorted_idx, batched = info[2], info[3], info[1]
        nb = int(batch_sizes[0]) if info[0] else info[4][1]
        exp_h = (self.num_layers * (2 if self.bidirectional else 1), nb,
                 self.proj_size or self.hidden_size)
        lstm = self.mode == "LSTM"
        if hx is None:
            h0 = self._zeros(exp_h, data)
            c0 = self._zeros(exp_h[:2] + (self.hidden_size,), data) if lstm else None
        else:
            if lstm:
                h0, c0 = hx[0], hx[1]  # (a lone tensor is indexed, as torch does)
            else:
                h0, c0 = hx, None
            if sorted_idx is not None:  # user state is in original batch order
                h0 = h0.index_select(1, sorted_idx)
                c0 = None if c0 is None else c0.index_select(1, sorted_idx)
            self._check_hidden(h0, exp_h, "Expected hidden[0] size {}, got {}" if lstm
                               else "Expected hidden size {}, got {}")
            if lstm:
                self._check_hidden(c0, exp_h[:2] + (self.hidden_size,),
                                   "Expected hidden[1] size {}, got {}")
        out, h_n, c_n = self._run(data, batch_sizes, h0, c0)
        if unsorted_idx is not None:
            h_n = h_n.index_select(1, unsorted_idx)
            c_n = None if c_n is None else c_n.index_select(1, unsorted_idx)
        if not batched:
            h_n = h_n.squeeze(1)
            c_n = None if c_n is None else c_n.squeeze(1)
        output = self._finish(out, info, input, h_n)
        return output, ((h_n, c_n) if lstm else h_n)

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)


_NONLIN = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}


class RNN(RNNBase):
    """Elman RNN: ``h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``, act tanh or relu.

    ``RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None)``
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self_nl = args[3]
            args = args[:3] + args[4:]
        else:
            self_nl = kwargs.pop("nonlinearity", "tanh")
        if self_nl not in _NONLIN:
            raise ValueError(f"Unknown nonlinearity '{self_nl}'. Select from 'tanh' or "
                             f"'relu'.")
        super().__init__(_NONLIN[self_nl], *args, **kwargs)
        self.nonlinearity = self_nl  # (torch's repr does not show it)


class LSTM(RNNBase):
    """Long short-term memory; returns ``output, (h_n, c_n)``.  With ``proj_size > 0`` the
    hidden state is projected by ``weight_hr_l{k}`` to ``proj_size`` features."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit (gates r, z, n as in torch)."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)


# ---------------------------------------------------------------------------------------
# cells
# ---------------------------------------------------------------------------------------

class RNNCellBase(Module):
    """Parameters ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh`` of one cell."""

    __constants__ = ["input_size", "hidden_size", "bias"]

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        kw = {"device": device, "dtype": dtype}
        self.weight_ih = Parameter(torch.empty((num_chunks * hidden_size, input_size), **kw))
        self.weight_hh = Parameter(torch.empty((num_chunks * hidden_size, hidden_size), **kw))
        if bias:
            self.bias_ih = Parameter(torch.empty(num_chunks * hidden_size, **kw))
            self.bias_hh = Parameter(torch.empty(num_chunks * hidden_size, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -stdv, stdv)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _cell(self, step, input, hx, n_state):
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D "
                             f"instead")
        states = hx if isinstance(hx, tuple) else (() if hx is None else (hx,))
        for h in states:
            if h.dim() not in (1, 2):
                raise ValueError(f"{name}: Expected hidden to be 1D or 2D, got {h.dim()}D "
                                 f"instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[-1]} "
                               f"expected {self.input_size}")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if hx is None:
            z = torch.zeros((input.shape[0], self.hidden_size), dtype=input.dtype,
                            device=input.device)
            states = (z,) * n_state
        elif not batched:
            states = tuple(h.unsqueeze(0) for h in states)
        for h in states:
            if h.shape[0] != input.shape[0]:
                raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden0 "
                                   f"batch size {h.shape[0]}")
            if h.shape[1] != self.hidden_size:
                raise RuntimeError(f"hidden0 has inconsistent hidden_size: got {h.shape[1]}, "
                                   f"expected {self.hidden_size}")
        gi, b_hh = _input_proj(input, self.weight_ih, self.bias_ih, self.bias_hh, step)
        h, c = step(gi, states[0], states[1] if n_state == 2 else None, self.weight_hh.t(),
                    b_hh, None)
        if not batched:
            h = h.squeeze(0)
            c = None if c is None else c.squeeze(0)
        return (h, c) if n_state == 2 else h


class RNNCell(RNNCellBase):
    """One Elman RNN step: ``h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""

    __constants__ = ["input_size", "hidden_size", "bias", "nonlinearity"]

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        if self.nonlinearity not in _NONLIN:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._cell(_STEPS[_NONLIN[self.nonlinearity]], input, hx, 1)


class LSTMCell(RNNCellBase):
    """One LSTM step; returns ``(h', c')``."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        return self._cell(_step_lstm, input, hx, 2)


class GRUCell(RNNCellBase):
    """One GRU step."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        return self._cell(_step_gru, input, hx, 1)
