"""Loading a GPT-2 chorale model folder and running it step by step with a preallocated key/value cache.

Any Hugging Face GPT-2 checkpoint in the seed's language works: the vocabulary is read from the
folder's own ``tokenizer.json`` (ids differ between checkpoints), and what the model can do —
MMM infilling, styles, meter and key words, step values — is read from that vocabulary.

The folder is read with torch and safetensors alone (``config.json`` and ``model.safetensors``, or
``pytorch_model.bin`` where a checkpoint has only that): importing transformers would cost the
app's start more than everything else together, and the app needs none of it.

Generating one word at a time through ``model.forward`` spends most of its time in Python
bookkeeping (cache objects, mask building) rather than arithmetic.  ``Decoder`` therefore runs the
checkpoint's own weights through a plain GPT-2 forward pass (the same maths, checked against
``transformers`` in the tests) over one preallocated cache for a batch of candidates.
"""
from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..errors import ModelFolderError
from ..tokens import vocab as V
from ..tokens.tokenizer import read_vocab

_REQUIRED_WORDS = (V.PIECE_START, V.TRACK_START, V.TRACK_END, V.BAR_START, V.BAR_END, *V.INST_WORDS,
                   *(f"TIME_DELTA={d}" for d in (1, 16)))


@dataclass(frozen=True)
class Capabilities:
    """What a checkpoint's vocabulary lets it write."""

    fill: bool                       # has FILL_PLACEHOLDER / FILL_START / FILL_END (MMM infilling)
    styles: tuple[str, ...]          # e.g. ("JSFAKES",) or ("JSFAKES", "BACH")
    meters: tuple[str, ...]          # METER= words known; empty: 4/4 only, no meter word
    keys: bool                       # KEY= and MODE= words known
    steps: tuple[int, ...]           # TIME_DELTA values known
    context: int                     # longest text (words) the model reads

    @property
    def strategy(self) -> str:
        """How requests are answered: "prefix" (the voices to write placed last, then revised) for every
        model; fill words are not used any more (see ``generation.engine``)."""
        return "prefix"


def _threads() -> int:
    """As many threads as there are idle cores (at most 4).  Threads that wait on a busy core stall
    every decoding step: on two shared cores, two threads were up to 50× slower than one, while on
    idle cores two threads cut a 4-bar fill from 1.05 s to 0.84 s.  The app's worker caps this
    further to leave a core to the window."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):   # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores, int(_idle_cores(cores) + 0.5)))


def _idle_cores(cores: int, wait: float = 0.05) -> float:
    """How many cores are idle, the lower of two counts: the one-minute load average (which still counts a
    job that ended a minute ago) and, on Linux, /proc/stat over ``wait`` seconds (which sees a job that has
    just begun, and may miss one that pauses).  A thread too many costs far more than one too few."""
    import time

    try:
        idle = cores - os.getloadavg()[0]
    except (AttributeError, OSError):   # no load average on Windows
        return cores - 1.0

    def times() -> list[int]:
        with open("/proc/stat", encoding="ascii") as f:
            return [int(v) for v in f.readline().split()[1:]]

    try:
        before = times()
        time.sleep(wait)
        after = times()
    except (OSError, ValueError):
        return idle
    spent = [b - a for a, b in zip(before, after)]
    total = sum(spent[:8])   # user … steal (guest time is counted in user already)
    if len(spent) < 5 or total <= 0:
        return idle
    return min(idle, (os.cpu_count() or cores) * (spent[3] + spent[4]) / total)   # idle + iowait


@dataclass(frozen=True)
class GPT2Config:
    """The fields of a GPT-2 ``config.json`` the decoder reads, with transformers' defaults."""

    vocab_size: int = 50257
    n_positions: int = 1024
    n_embd: int = 768
    n_layer: int = 12
    n_head: int = 12
    layer_norm_epsilon: float = 1e-5
    activation_function: str = "gelu_new"
    scale_attn_weights: bool = True
    scale_attn_by_inverse_layer_idx: bool = False
    n_inner: int = 0                  # 0 (null in the file): 4 × n_embd

    @classmethod
    def of(cls, config: dict) -> "GPT2Config":
        fields = cls.__dataclass_fields__
        return cls(**{k: type(f.default)(config[k]) for k, f in fields.items() if config.get(k) is not None})


#: Activations a GPT-2 config may name, as torch functions (``gelu_new`` is GELU's tanh approximation).
def _activation(name: str):
    import torch.nn.functional as F

    tanh_gelu = functools.partial(F.gelu, approximate="tanh")
    table = {"gelu_new": tanh_gelu, "gelu_pytorch_tanh": tanh_gelu, "gelu_fast": tanh_gelu,
             "gelu": F.gelu, "relu": F.relu, "silu": F.silu, "swish": F.silu}
    return table.get(name)


def _read_weights(folder: Path) -> dict:
    """The checkpoint's tensors by GPT-2 name (``h.0.attn.c_attn.weight`` …), in single precision."""
    import torch

    path = folder / "model.safetensors"
    try:
        if path.is_file():
            from safetensors.torch import load_file

            tensors = load_file(str(path))
        else:
            path = folder / "pytorch_model.bin"
            tensors = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:   # a damaged file fails in the reader's own words; name the file
        first = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise ModelFolderError(f"the weights in {path} could not be read: {first}") from None
    if not isinstance(tensors, dict):
        raise ModelFolderError(f"{path} does not hold a model's weights")
    return {(k[len("transformer."):] if k.startswith("transformer.") else k): v.float()
            for k, v in tensors.items() if isinstance(v, torch.Tensor)}


class ChoraleModel:
    """A loaded checkpoint: its words, what it can do, and a fast step-by-step decoder."""

    def __init__(self, folder: Path, config: GPT2Config, weights: dict, word_to_id: dict[str, int]):
        self.folder = folder
        self.config = config
        self.word_to_id = word_to_id
        size = config.vocab_size
        self.id_to_word: list[str] = ["[UNK]"] * size
        for w, i in word_to_id.items():
            if 0 <= i < size:
                self.id_to_word[i] = w
        words = frozenset(w for w, i in word_to_id.items() if 0 <= i < size)
        self.words = words
        self.pad_id = word_to_id.get("[PAD]", 0)
        styles = tuple(s for s in V.STYLES if f"STYLE={s}" in words and f"GENRE={s}" in words)
        self.capabilities = Capabilities(
            fill=all(w in words for w in (V.FILL_PLACEHOLDER, V.FILL_START, V.FILL_END)),
            styles=styles,
            meters=tuple(m.split("=")[1] for m in V.METER_WORDS if m in words),
            keys=all(w in words for w in V.KEY_WORDS + V.MODE_WORDS),
            steps=tuple(d for d in V.ALL_STEPS if V.time_delta(d) in words),
            context=config.n_positions,
        )
        self._weights = _Weights(config, weights)
        #: Decode with the reduced-precision matrices (see ``_Weights``); False: single precision throughout.
        self.fast = True

    # ---- loading ----------------------------------------------------------------------------
    @classmethod
    def load(cls, folder: str | Path) -> "ChoraleModel":
        """Load a checkpoint folder; ModelFolderError (with what is wrong) for anything else."""
        folder = Path(folder)
        if not folder.is_dir():
            raise ModelFolderError(f"the model folder {folder} does not exist")
        word_to_id = read_vocab(folder)
        missing = [w for w in _REQUIRED_WORDS if w not in word_to_id]
        if missing:
            raise ModelFolderError(f"the vocabulary in {folder} lacks {', '.join(missing[:4])}: "
                                   "not a chorale model")
        config_path = folder / "config.json"
        try:
            raw = json.loads(config_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelFolderError(f"{folder} has no config.json, so it is not a model folder") from None
        except ValueError:
            raise ModelFolderError(f"{config_path} is not valid JSON") from None
        if not isinstance(raw, dict) or raw.get("model_type") != "gpt2":
            kind = raw.get("model_type") if isinstance(raw, dict) else None
            raise ModelFolderError(f"{folder} holds a {kind or 'unknown'} model; Chorale Studio needs a GPT-2 "
                                   "checkpoint")
        try:
            config = GPT2Config.of(raw)
        except (TypeError, ValueError):
            raise ModelFolderError(f"{config_path} is not a GPT-2 configuration") from None
        if _activation(config.activation_function) is None:
            raise ModelFolderError(f"{config_path} names the activation {config.activation_function!r}, "
                                   "which Chorale Studio's decoder does not know")
        if config.n_embd % config.n_head:
            raise ModelFolderError(f"{config_path}: n_embd {config.n_embd} is not a multiple of n_head")
        if not any((folder / f).is_file() for f in ("model.safetensors", "pytorch_model.bin")):
            raise ModelFolderError(f"{folder} has no weights (model.safetensors)")
        import torch

        torch.set_num_threads(_threads())
        weights = _read_weights(folder)
        _check_shapes(folder, config, weights)
        if max(word_to_id.values()) >= config.vocab_size:
            raise ModelFolderError(f"tokenizer.json in {folder} has ids beyond the model's "
                                   f"{config.vocab_size} outputs")
        return cls(folder, config, weights, word_to_id)

    # ---- words ↔ ids -----------------------------------------------------------------------
    def ids(self, words: Sequence[str]) -> list[int]:
        try:
            return [self.word_to_id[w] for w in words]
        except KeyError as exc:
            raise ModelFolderError(f"the model in {self.folder} does not know the word {exc.args[0]}") from None

    def decoder(self, prompts: Sequence[Sequence[int]], capacity: int, fast: bool | None = None) -> "Decoder":
        """A decoder for len(prompts) rows; ``capacity`` is prompt plus new words; ``fast``: the matrices in
        reduced precision (see ``_Weights``), else all in single precision (default: ``self.fast``)."""
        return Decoder(self._weights, prompts, capacity, self.fast if fast is None else fast)


def _check_shapes(folder: Path, config: GPT2Config, weights: dict) -> None:
    """Every tensor the decoder reads is there with the shape the config gives; ModelFolderError if not."""
    e, v = config.n_embd, config.vocab_size
    want = {"wte.weight": (v, e), "wpe.weight": (config.n_positions, e), "ln_f.weight": (e,), "ln_f.bias": (e,)}
    for i in range(config.n_layer):
        for name in ("ln_1", "ln_2"):
            want[f"h.{i}.{name}.weight"] = want[f"h.{i}.{name}.bias"] = (e,)
        want[f"h.{i}.attn.c_attn.weight"] = (e, 3 * e)
        want[f"h.{i}.attn.c_proj.weight"] = (e, e)
        want[f"h.{i}.mlp.c_fc.weight"] = (e, config.n_inner or 4 * e)
        want[f"h.{i}.mlp.c_proj.weight"] = (config.n_inner or 4 * e, e)
        for m in ("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"):
            want[f"h.{i}.{m}.bias"] = (want[f"h.{i}.{m}.weight"][1],)
    for name, shape in want.items():
        got = weights.get(name)
        if got is None:
            raise ModelFolderError(f"the weights in {folder} lack {name}: not a GPT-2 checkpoint")
        if tuple(got.shape) != shape:
            raise ModelFolderError(f"the weights in {folder} do not match its config.json ({name} is "
                                   f"{tuple(got.shape)}, the config says {shape})")
    if "lm_head.weight" in weights and tuple(weights["lm_head.weight"].shape) != (v, e):
        raise ModelFolderError(f"the weights in {folder} do not match its config.json (lm_head.weight)")


class _Weights:
    """The GPT-2 weights as plain tensors: single precision laid out for ``torch.addmm``, and reduced copies.

    A decoding step multiplies one row per candidate by every matrix, so it is bound by reading the
    weights from memory (24 MB in single precision for the shipped model), not by arithmetic.  Passes
    of at most ``SMALL_PASS`` rows × words therefore use int8 copies of the four matrices of each layer
    (one scale per output row; torch's weight-only int8 product with bfloat16 activations): a quarter of
    the bytes.  Longer passes (prompts, kept bars) are bound by arithmetic and use bfloat16 copies where
    the CPU multiplies bfloat16 natively (AVX-512 BF16, AMX), about twice as fast as single precision.
    Attention, layer norms, the residual stream and the logits stay in single precision.  On a machine
    without these kernels the copies are not made and everything runs in single precision.

    ``benchmarks/generation.py`` prints the speed of both and how far the reduced copies move the
    next-word distribution (mean KL ≈ 3·10⁻⁵ nats per word on test chorales, NLL unchanged); the tests
    hold both paths to ``transformers``.
    """

    #: Rows × words up to which a pass uses the int8 matrices (measured: faster than bfloat16 up to ~16).
    SMALL_PASS = 12

    def __init__(self, cfg: GPT2Config, weights: dict):
        t = weights
        self.embed = cfg.n_embd
        self.heads = cfg.n_head
        self.head_dim = cfg.n_embd // cfg.n_head
        self.positions = cfg.n_positions
        self.eps = cfg.layer_norm_epsilon
        self.act = _activation(cfg.activation_function)
        self.wte = t["wte.weight"]
        self.wpe = t["wpe.weight"]
        # GPT-2 ties its output layer to the word embeddings unless the checkpoint has one of its own.
        self.lm_head_t = t.get("lm_head.weight", self.wte).t().contiguous()
        self.ln_f = (t["ln_f.weight"], t["ln_f.bias"])
        self.norms = []         # per layer: (ln_1 weight, ln_1 bias, ln_2 weight, ln_2 bias, attention scale)
        self.fp32 = []          # per layer, per matrix: ([in, out], bias) for torch.addmm
        small, large = _reduced_kernels()
        self.int8 = [] if small else None   # per matrix: (int8 [out, in], bfloat16 scale per row, bfloat16 bias)
        self.bf16 = [] if large else None   # per matrix: (bfloat16 [out, in], bfloat16 bias)
        for i in range(cfg.n_layer):
            h = f"h.{i}."
            scale = self.head_dim ** -0.5 if cfg.scale_attn_weights else 1.0
            if cfg.scale_attn_by_inverse_layer_idx:
                scale /= float(i + 1)
            self.norms.append((t[h + "ln_1.weight"], t[h + "ln_1.bias"], t[h + "ln_2.weight"], t[h + "ln_2.bias"],
                               scale))
            # Conv1D layout: weight [in, out], as torch.addmm wants it.
            mats = tuple((t[h + m + ".weight"], t[h + m + ".bias"])
                         for m in ("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"))
            self.fp32.append(mats)
            if small:
                self.int8.append(tuple((*_int8_rows(w.t()), b.bfloat16()) for w, b in mats))
            if large:
                self.bf16.append(tuple((w.t().contiguous().bfloat16(), b.bfloat16()) for w, b in mats))

    def path(self, rows: int, fast: bool):
        """The matrices and their product for a pass of ``rows`` rows × words."""
        if fast and rows <= self.SMALL_PASS and self.int8 is not None:
            return self.int8, _int8_product
        if fast and self.bf16 is not None:
            return self.bf16, _bf16_product
        return self.fp32, _fp32_product


class Decoder:
    """A batch of rows advancing one word per step over a shared, preallocated key/value cache.

    Rows may start from different prompts: shorter ones are padded on the left and their padding
    is masked out.  Identical prompts (the usual case: N candidates of one request) are encoded and
    stored once; each step then attends to that shared prefix with one matrix product for all rows
    and to each row's own words separately, so four candidates read the prompt's keys once, not four
    times.
    """

    def __init__(self, w: _Weights, prompts: Sequence[Sequence[int]], capacity: int, fast: bool = True):
        import torch

        self.w = w
        self.fast = fast           # matrices in reduced precision (see ``_Weights``); False: single precision
        self.rows = len(prompts)
        longest = max(len(p) for p in prompts)
        self.capacity = min(w.positions, longest + capacity)
        if longest >= w.positions:
            raise ValueError(f"a prompt of {longest} words does not fit the model's {w.positions} positions")
        self.pad = [longest - len(p) for p in prompts]
        self.prompts = [list(p) for p in prompts]
        self.length = 0            # cache columns filled
        self.shared = all(p == self.prompts[0] for p in self.prompts)
        self.split = self.shared and self.rows > 1
        self.prefix = longest if self.split else 0   # columns held once for all rows
        shape = (1 if self.split else self.rows, w.heads, longest if self.split else self.capacity, w.head_dim)
        self.keys = [torch.empty(shape) for _ in w.norms]
        self.values = [torch.empty(shape) for _ in w.norms]
        if self.split:
            own = (self.rows, w.heads, self.capacity - longest, w.head_dim)
            self.own_keys = [torch.empty(own) for _ in w.norms]
            self.own_values = [torch.empty(own) for _ in w.norms]
        self.padded = any(self.pad)
        if self.padded:
            self.valid = torch.zeros(self.rows, self.capacity, dtype=torch.bool)
            for r, pad in enumerate(self.pad):
                self.valid[r, pad:longest] = True
        self.next_pos = torch.tensor([len(p) for p in prompts])

    @property
    def room(self) -> int:
        """Words that can still be appended."""
        return self.capacity - self.length

    def prefill(self, chunk: int = 128, cancelled=None, memory: "PromptMemory | None" = None):
        """Encode the prompts (in chunks, checking ``cancelled`` between them); logits of the last word per row.

        With a ``memory`` of the prompts read before (one request's windows and passes), a shared prompt starts
        from the keys and values of the longest beginning it has in common with one of them, and is remembered
        in turn.  The words after it are read in the chunks they would have been read in (each through the
        matrices its whole chunk would use), so only the shared words' work is left out; the logits agree with
        reading it all to float rounding (~3·10⁻⁶)."""
        import torch

        longest = len(self.prompts[0]) + self.pad[0]
        reused = memory.recall(self, self.prompts[0]) if memory is not None and self.shared else 0
        if self.shared:
            ids = torch.tensor([self.prompts[0]])
            rows = 1
        else:
            ids = torch.tensor([[0] * pad + p for pad, p in zip(self.pad, self.prompts)])
            rows = self.rows
        pos = torch.arange(longest).unsqueeze(0).expand(rows, -1) - torch.tensor(self.pad[:rows]).unsqueeze(1)
        pos = pos.clamp(min=0)
        logits = None
        for s in range(0, longest, chunk):
            if cancelled is not None and cancelled():
                return None
            e = min(longest, s + chunk)
            if e <= reused:
                continue
            b = max(s, reused)
            logits = self._forward(ids[:, b:e], pos[:, b:e], b, rows, pass_size=rows * (e - s))
        if memory is not None and self.shared:
            memory.remember(self, self.prompts[0])
        if self.split:
            logits = logits.expand(self.rows, -1)
        return logits

    def step(self, ids):
        """Append one word per row (a LongTensor of shape [rows]); logits [rows, vocab] for the next word."""
        logits = self._forward(ids.unsqueeze(1), self.next_pos.unsqueeze(1), self.length, self.rows)
        self.next_pos += 1
        return logits

    def extend(self, ids):
        """Append several known words per row at once (a LongTensor [rows, k]: forced bars); logits of the last."""
        import torch

        k = ids.shape[1]
        if k == 1:
            return self.step(ids[:, 0])
        if self.length + k > self.capacity:
            raise ValueError("no room left in the decoder for the forced words")
        if self.padded:
            self.valid[:, self.length:self.length + k] = True
        pos = self.next_pos.unsqueeze(1) + torch.arange(k).unsqueeze(0)
        logits = self._forward(ids, pos, self.length, self.rows)
        self.next_pos += k
        return logits

    def _forward(self, ids, pos, start: int, rows: int, pass_size: int | None = None):
        """One pass over ``ids`` [rows, t] at cache columns start … start + t - 1; logits of the last word per row.

        A step of one candidate is a few dozen small operations, each cheap next to the Python that calls it, so
        this reaches into tensors with ``narrow``/``unbind``/``index_select`` rather than subscripts (the same
        views and copies, with less of torch's index parsing per call).  The cache's first dimension is always
        ``rows`` here (the prompt's one row when it is shared), so it is not sliced.  ``pass_size``: the rows × words
        whose matrices to use (see ``_Weights.path``) when this is part of a longer pass."""
        import torch
        import torch.nn.functional as F

        w = self.w
        n, t = ids.shape
        end = start + t
        if self.padded:
            if t == 1:
                self.valid[:, start] = True
                mask = self.valid[:rows, None, None, :end]
            else:
                causal = torch.ones(t, end, dtype=torch.bool).tril(start)
                mask = causal & self.valid[:rows, None, :end]
                # A padding query sees no valid key; let it see everything (nothing ever reads its output)
                # so attention does not divide by zero.
                mask = (mask | ~mask.any(-1, keepdim=True)).unsqueeze(1)
            is_causal = False
        elif t == 1:
            mask, is_causal = None, False
        elif start == 0:
            mask, is_causal = None, True
        else:
            mask, is_causal = torch.ones(t, end, dtype=torch.bool).tril(start), False
        e, h, d = w.embed, w.heads, w.head_dim
        # The residual stream, one row per word, single precision.
        x = w.wte.index_select(0, ids.reshape(-1)).add_(w.wpe.index_select(0, pos.reshape(-1)))
        matrices, product = w.path(pass_size or n * t, self.fast)
        norm, eps = torch.layer_norm, w.eps
        for layer, (l1w, l1b, l2w, l2b, scale) in enumerate(w.norms):
            attend, project, expand, contract = matrices[layer]
            q, k, v = product(norm(x, (e,), l1w, l1b, eps), attend).float().view(n, t, 3, h, d).permute(
                2, 0, 3, 1, 4).unbind(0)
            if self.split and start >= self.prefix:
                att = self._attend_split(layer, q, k, v, start - self.prefix, scale)
            else:
                kc, vc = self.keys[layer], self.values[layer]
                kc.narrow(2, start, t).copy_(k)
                vc.narrow(2, start, t).copy_(v)
                att = F.scaled_dot_product_attention(q, kc.narrow(2, 0, end), vc.narrow(2, 0, end), attn_mask=mask,
                                                     is_causal=is_causal, scale=scale)
            x += product(att.transpose(1, 2).reshape(n * t, e), project)   # stays single precision
            x += product(w.act(product(norm(x, (e,), l2w, l2b, eps), expand)), contract)
        last = norm(x.view(n, t, e).select(1, t - 1), (e,), *w.ln_f, eps)
        self.length = end
        return last @ w.lm_head_t

    def _attend_split(self, layer: int, q, k, v, own: int, scale: float):
        """The rows' queries [rows, heads, t, dim] against the shared prompt (one product for all rows) and the
        row's own words (keys ``k`` and values ``v``, stored at column ``own`` of the rows' own cache)."""
        import torch

        t = q.shape[2]
        ok, ov = self.own_keys[layer], self.own_values[layer]
        ok.narrow(2, own, t).copy_(k)
        ov.narrow(2, own, t).copy_(v)
        mine_k, mine_v = ok.narrow(2, 0, own + t), ov.narrow(2, 0, own + t)
        pk, pv = self.keys[layer], self.values[layer]     # [1, heads, prompt, dim]
        p = self.prefix
        if t == 1:
            shared = torch.matmul(q.transpose(0, 2), pk.transpose(-1, -2)).transpose(0, 2)
            mine = torch.matmul(q, mine_k.transpose(-1, -2))
            weights = torch.cat((shared, mine), dim=-1).mul_(scale).softmax(dim=-1)
            return (torch.matmul(weights.narrow(-1, 0, p).transpose(0, 2), pv).transpose(0, 2)
                    + torch.matmul(weights.narrow(-1, p, own + 1), mine_v))
        shared = torch.matmul(q, pk.transpose(-1, -2))   # forced words: several queries per row
        mine = torch.matmul(q, mine_k.transpose(-1, -2))
        mine.masked_fill_(~torch.ones(t, own + t, dtype=torch.bool).tril(own), float("-inf"))
        weights = torch.cat((shared, mine), dim=-1).mul_(scale).softmax(dim=-1)
        return torch.matmul(weights.narrow(-1, 0, p), pv) + torch.matmul(weights.narrow(-1, p, own + t), mine_v)


class PromptMemory:
    """The keys and values of the last few prompts one request has read, for ``Decoder.prefill`` to start from.

    A request's windows and passes read long prompts that often begin alike: in the revision pass each voice is
    rewritten with the other three as fixed tracks, and the later voices' prompts begin with the same header and
    revised voices (a 4-bar fill: a quarter of the revision's prompt words).  Reading a prompt costs a full
    matrix product per word and layer, most of a revision window's setup.  Only prompts held once for all rows
    are kept (the candidates of a request start alike; their revisions differ).
    """

    #: Prompts kept; shared beginnings shorter than ``SHORTEST`` words are read again (not worth a copy).
    LIMIT, SHORTEST = 4, 16

    def __init__(self):
        self._kept: list[tuple[list[int], bool, list, list]] = []   # (ids, fast, keys, values per layer)

    def recall(self, decoder: "Decoder", ids: list[int]) -> int:
        """Copy into ``decoder``'s cache the longest remembered beginning of ``ids`` (all but its last word, whose
        logits are wanted); the number of words copied."""
        best, found = 0, None
        for entry in self._kept:
            kept, fast = entry[0], entry[1]
            if fast != decoder.fast:
                continue
            n = 0
            limit = min(len(kept), len(ids) - 1)
            while n < limit and kept[n] == ids[n]:
                n += 1
            if n > best:
                best, found = n, entry
        if found is None or best < self.SHORTEST:
            return 0
        for cache, kept in ((decoder.keys, found[2]), (decoder.values, found[3])):
            for layer, tensor in zip(cache, kept):
                layer.narrow(2, 0, best).copy_(tensor.narrow(2, 0, best))
        return best

    def remember(self, decoder: "Decoder", ids: list[int]) -> None:
        """Keep the keys and values of the prompt ``decoder`` has just read."""
        n = len(ids)
        self._kept.append((list(ids), decoder.fast, [k.narrow(2, 0, n).clone() for k in decoder.keys],
                           [v.narrow(2, 0, n).clone() for v in decoder.values]))
        del self._kept[:-self.LIMIT]


def _fp32_product(a, matrix):
    import torch

    return torch.addmm(matrix[1], a, matrix[0])


def _bf16_product(a, matrix):
    import torch.nn.functional as F

    return F.linear(a.bfloat16(), matrix[0], matrix[1])


def _int8_product(a, matrix):
    import torch

    # (torch._weight_int8pack_mm is aten's kernel bound directly: torch.ops.aten's dispatcher in Python costs
    # a tenth of the product's own time at one row.)
    return torch._weight_int8pack_mm(a.bfloat16(), matrix[0], matrix[1]).add_(matrix[2])


def _reduced_kernels() -> tuple[bool, bool]:
    """(int8 weight-only products work, bfloat16 products are native) on this CPU and torch build."""
    import torch

    try:
        q, scale = _int8_rows(torch.ones(8, 32))
        ok = torch.ops.aten._weight_int8pack_mm(torch.ones(1, 32, dtype=torch.bfloat16), q, scale)
        small = bool(torch.allclose(ok.float(), torch.full((1, 8), 32.0), rtol=0.02))
    except (RuntimeError, AttributeError, NotImplementedError):
        small = False
    try:
        large = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (RuntimeError, AttributeError):
        large = False
    return small, large


def _int8_rows(weight):
    """``weight`` [out, in] as int8 with one bfloat16 scale per output row (symmetric, round to nearest)."""
    import torch

    scale = (weight.abs().amax(dim=1).clamp(min=1e-8) / 127.0).bfloat16()
    q = torch.round(weight / scale.float()[:, None]).clamp(-127, 127).to(torch.int8).contiguous()
    return q, scale
