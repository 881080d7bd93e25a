"""Evaluation of a chorale model: likelihood of held-out music, validity of free samples, key
and voice-leading figures next to the same figures of the test split.

Every figure is computed from the model's own tokenizer.json, so any compatible checkpoint —
ours, a baseline, or the seed's — is measured the same way.
"""
from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Sequence

from ..errors import ChoraleError
from ..score import Score, Voice
from ..tokens import vocab as V
from ..tokens.decode import decode_words
from ..tokens.encode import Header, encode_window
from ..tokens.tokenizer import read_vocab

VL_KINDS = ("parallel_fifths", "parallel_octaves", "crossing", "range")


def _load(folder: Path):
    import torch
    from transformers import AutoModelForCausalLM

    vocab = read_vocab(folder)
    try:
        model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ChoraleError(f"{folder} holds no loadable model: {exc}") from None
    model.eval()
    torch.set_grad_enabled(False)
    return model, vocab


def sequence_nll(model, vocab: dict[str, int], texts: Sequence[list[str]], score_from: Sequence[int] | None = None,
                 batch_size: int = 16) -> tuple[float, int]:
    """Total NLL (nats) and count of the predicted words of ``texts``; word i is scored when
    i ≥ score_from[k] (default 1: every word after the first)."""
    import torch
    import torch.nn.functional as F

    unk = vocab.get("[UNK]", 0)
    pad = vocab.get("[PAD]", 0)
    total, count = 0.0, 0
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for s in range(0, len(order), batch_size):
        idx = order[s: s + batch_size]
        n = max(len(texts[i]) for i in idx)
        ids = torch.full((len(idx), n), pad, dtype=torch.long)
        mask = torch.zeros((len(idx), n), dtype=torch.long)
        want = torch.zeros((len(idx), n), dtype=torch.bool)
        for r, i in enumerate(idx):
            t = texts[i]
            ids[r, : len(t)] = torch.tensor([vocab.get(w, unk) for w in t])
            mask[r, : len(t)] = 1
            start = max(1, score_from[i] if score_from is not None else 1)
            want[r, start: len(t)] = True
        logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
        nll = F.cross_entropy(logits.transpose(1, 2), ids[:, 1:], reduction="none")
        sel = want[:, 1:]
        total += float(nll[sel].sum())
        count += int(sel.sum())
    return total, count


def bar_sums(words: Sequence[str], steps_per_bar: int = 16) -> list[bool]:
    """For each BAR_START … BAR_END of a text: do its TIME_DELTAs add up to one bar?"""
    out, t, inside = [], 0, False
    for w in words:
        if w == V.BAR_START:
            inside, t = True, 0
        elif w == V.BAR_END and inside:
            out.append(t == steps_per_bar)
            inside = False
        elif inside and w.startswith("TIME_DELTA="):
            t += V.word_value(w) or 0
    return out


def sample_free(model, vocab: dict[str, int], n: int, seed: int, prompt: Sequence[str],
                max_new: int = 700) -> list[list[str]]:
    """N unconstrained samples (temperature 1, no top-k/top-p) that stop after the 4th TRACK_END."""
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    id_to_word = {i: w for w, i in vocab.items()}
    track_end = vocab[V.TRACK_END]

    class FourTracks(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            return (input_ids == track_end).sum(dim=1) >= 4

    torch.manual_seed(seed)
    ids = torch.tensor([[vocab[w] for w in prompt]] * n)
    max_len = getattr(model.config, "n_positions", 1024)
    out = model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=True, temperature=1.0, top_k=0,
                         top_p=1.0, max_new_tokens=min(max_new, max_len - ids.shape[1]),
                         stopping_criteria=StoppingCriteriaList([FourTracks()]),
                         pad_token_id=vocab.get("[PAD]", 0), eos_token_id=None)
    texts = []
    for row in out.tolist():
        words = [id_to_word.get(i, "[UNK]") for i in row]
        ends = [k for k, w in enumerate(words) if w == V.TRACK_END]
        texts.append(words[: ends[3] + 1] if len(ends) >= 4 else words)
    return texts


def in_key_share(scores: Sequence[Score]) -> float | None:
    """Share of notes inside the best-fitting diatonic (major-signature) scale of each piece."""
    inside = total = 0
    for s in scores:
        pcs = [n.pitch % 12 for _, n in s.all_notes()]
        if not pcs:
            continue
        best = max(sum(1 for p in pcs if (p - tonic) % 12 in (0, 2, 4, 5, 7, 9, 11)) for tonic in range(12))
        inside += best
        total += len(pcs)
    return round(inside / total, 4) if total else None


def voice_leading_rates(scores: Sequence[Score]) -> dict[str, float] | None:
    """Findings per 100 sonority changes, summed over ``scores``."""
    try:
        from ..analysis import analyze
    except ImportError:
        return None
    counts = {k: 0 for k in VL_KINDS}
    changes = 0
    for s in scores:
        report = analyze(s)
        changes += report.sonority_changes
        for k in VL_KINDS:
            counts[k] += report.counts.get(k, 0)
    return {k: round(100 * c / changes, 3) if changes else 0.0 for k, c in counts.items()}


def _windows_of_folder(folder: Path, seed: int) -> list[tuple[str, Score, list[str]]]:
    from ..io.files import MIDI_SUFFIXES, corpus_files, load_any

    out = []
    files = corpus_files(folder, MIDI_SUFFIXES)
    for f in files:
        score = load_any(f).score
        rng = random.Random(f"{seed}:{f.stem}")
        for b in range(score.bars - 3):
            order = list(Voice)
            rng.shuffle(order)
            try:
                out.append(("JSFAKES", score.window(b, 4), encode_window(score, b, 4, order)))
            except ChoraleError:
                continue
    return out


def _test_windows(corpus_dir: Path) -> list[tuple[str, Score, list[str]]]:
    out = []
    for line in (corpus_dir / "test-seed.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        words = row["text"].split()
        out.append((row["style"], decode_words(words, repair=False).score, words))
    return out


def _fill_texts(windows: Sequence[tuple[str, Score, list[str]]], seed: int) -> tuple[list[list[str]], list[int]]:
    """Middle-bar fills of test material: bars 1–2 of each 4-bar window masked in every voice,
    with context on both sides; scored from the first FILL_START."""
    texts, starts = [], []
    rng = random.Random(seed)
    for i, (style, score, _) in enumerate(windows):
        if i % 2:
            continue   # every other window: neighbours overlap by three bars
        order = list(Voice)
        rng.shuffle(order)
        cells = [(v, b) for v in Voice for b in (1, 2)]
        words = encode_window(score, 0, 4, order, header=Header(style, score.meter, score.key), fill_cells=cells)
        texts.append(words)
        starts.append(words.index(V.FILL_START) + 1)
    return texts, starts


def evaluate_model(folder: Path, data_dir: Path | None = None, corpus_dir: Path | None = None, samples: int = 32,
                   seed: int = 0) -> dict:
    """The evaluation figures of the model in ``folder`` as one JSON-ready dict."""
    import torch

    torch.manual_seed(seed)
    model, vocab = _load(Path(folder))
    if data_dir is not None:
        windows = _windows_of_folder(Path(data_dir), seed)
        source = str(data_dir)
    else:
        corpus_dir = Path(corpus_dir) if corpus_dir else None
        if corpus_dir is None or not (corpus_dir / "test-seed.jsonl").exists():
            raise ChoraleError("evaluation needs --data FOLDER or --corpus FOLDER (made by `chorale-studio corpus`)")
        windows = _test_windows(corpus_dir)
        source = f"{corpus_dir} (test split)"
    if not windows:
        raise ChoraleError("no 4-bar windows to evaluate on")
    result: dict = {"model": str(folder), "data": source, "windows": len(windows)}
    for style in sorted({w[0] for w in windows}) + [None]:
        texts = [w[2] for w in windows if style is None or w[0] == style]
        total, count = sequence_nll(model, vocab, texts)
        key = "nll_per_token" if style is None else f"nll_per_token_{style.lower()}"
        result[key] = round(total / count, 4)
    if all(w in vocab for w in (V.FILL_PLACEHOLDER, V.FILL_START, V.FILL_END, "KEY=0")):
        texts, starts = _fill_texts(windows, seed)
        total, count = sequence_nll(model, vocab, texts, starts)
        result["fill_nll_per_token"] = round(total / count, 4)
    else:
        result["fill_nll_per_token"] = None
    prompt = [V.PIECE_START, "STYLE=JSFAKES", "GENRE=JSFAKES"]
    texts = sample_free(model, vocab, samples, seed, prompt)
    valid, bars_ok, bars_all, decoded = 0, 0, 0, []
    for words in texts:
        sums = bar_sums(words)
        bars_ok += sum(sums)
        bars_all += len(sums)
        try:
            decode_words(words, repair=False)
            valid += 1
        except ChoraleError:
            pass
        try:
            decoded.append(decode_words(words, repair=True).score)
        except ChoraleError:
            pass
    result["samples"] = samples
    result["validity"] = round(valid / samples, 4)
    result["bar_validity"] = round(bars_ok / bars_all, 4) if bars_all else 0.0
    result["in_key"] = in_key_share(decoded)
    result["in_key_test_split"] = in_key_share([w[1] for w in windows])
    result["voice_leading_per_100_changes"] = voice_leading_rates(decoded)
    result["voice_leading_per_100_changes_test_split"] = voice_leading_rates([w[1] for w in windows])
    result["engine"] = _engine_figures(Path(folder), samples, seed)
    result["perplexity"] = round(math.exp(result["nll_per_token"]), 3)
    return result


def _engine_figures(folder: Path, samples: int, seed: int) -> dict:
    """What the app actually delivers: N new 4-bar pieces from the constrained engine, strict
    voice leading on and off, with the same key and voice-leading figures."""
    from ..generation.engine import generate
    from ..generation.model import ChoraleModel
    from ..generation.requests import NewRequest, Sampling

    model = ChoraleModel.load(folder)
    out: dict = {"pieces": samples}
    for strict in (True, False):
        scores, relaxed = [], 0
        for k in range(samples):
            result = generate(model, NewRequest(bars=4, sampling=Sampling(seed=seed + k, strict=strict)))
            scores.append(result.candidates[0].score)
            relaxed += result.candidates[0].relaxed_notes
        name = "strict" if strict else "free"
        notes = sum(s.note_count() for s in scores)
        out[name] = {"in_key": in_key_share(scores), "voice_leading_per_100_changes": voice_leading_rates(scores),
                     "notes": notes, "relaxed_notes": relaxed}
    return out
