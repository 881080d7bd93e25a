"""The generation engine, told as a composer's sessions with a tiny model: loading, filling, locks, seeds,
progress and cancelling, the strict rules, the command line and a seed-vocabulary checkpoint."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from chorale_studio.cli import main as cli_main
from chorale_studio.errors import ModelFolderError
from chorale_studio.generation.engine import WRITING_ORDER, generate, plan, plan_windows
from chorale_studio.generation.model import ChoraleModel
from chorale_studio.generation.requests import (ContinueRequest, FillRequest, GenerationCancelled, GenerationError,
                                                HarmonizeRequest, NewRequest, Progress, Sampling)
from chorale_studio.generation.rules import VoiceLeading
from chorale_studio.io.files import load_any, save_any
from chorale_studio.score import Meter, Note, Score, Voice
from chorale_studio.tokens.tokenizer import save_tokenizer
from chorale_studio.tokens.vocab import EXTENDED_WORDS
from generation_models import model, model_dir  # noqa: F401  (fixtures)

REPO = Path(__file__).resolve().parent.parent

S, A, T, B = Voice


@pytest.fixture(scope="session")
def seed_model(tmp_path_factory) -> ChoraleModel:
    """A seed-vocabulary checkpoint trained here on a few JS Fakes windows (a few steps: the point is the
    language, not the music)."""
    from chorale_studio.io.midi import read_midi
    from chorale_studio.paths import jsfakes_midi_dir
    from chorale_studio.tokens.encode import encode_seed_window
    from chorale_studio.training.train import TrainSettings, train_model

    texts = []
    for i in range(3):
        score = read_midi(jsfakes_midi_dir() / f"{i}.mid").score
        texts += [" ".join(encode_seed_window(score, b)) for b in range(0, min(score.bars - 3, 6))]
    out = train_model(TrainSettings(out=tmp_path_factory.mktemp("seed-model"), texts=texts, vocabulary="seed",
                                    layers=1, width=32, heads=2, context=512, max_steps=4, batch_size=4,
                                    save_steps=4, eval_steps=4, progress=False))
    return ChoraleModel.load(out)


def chorale(bars: int = 8) -> Score:
    """A plain chorale in C: whole-bar chords I–V alternating, soprano moving by step."""
    score = Score(bars=bars)
    chords = [(72, 64, 55, 48), (71, 62, 55, 43)]
    for v in Voice:
        score.set_notes(v, [Note(start=b * 16, length=16, pitch=chords[b % 2][v]) for b in range(bars)])
    return score


# ---- loading ------------------------------------------------------------------------------------
def test_a_model_folder_says_what_it_can_do(model, seed_model):
    assert model.capabilities.fill and model.capabilities.strategy == "prefix"
    assert model.capabilities.styles == ("JSFAKES", "BACH")
    assert model.capabilities.meters == ("4/4", "3/4") and model.capabilities.keys
    assert seed_model.capabilities.strategy == "prefix"
    assert seed_model.capabilities.styles == ("JSFAKES",) and not seed_model.capabilities.meters
    assert seed_model.capabilities.steps == (1, 2, 3, 4, 6, 7, 8, 10, 12, 14, 16)


def test_folders_that_are_not_chorale_models_are_refused_with_a_clear_message(tmp_path, model_dir):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelFolderError, match="no tokenizer.json"):
        ChoraleModel.load(empty)
    with pytest.raises(ModelFolderError, match="does not exist"):
        ChoraleModel.load(tmp_path / "nowhere")
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "tokenizer.json").write_text("not json at all")
    (junk / "config.json").write_bytes(b"\x00\x01")
    with pytest.raises(ModelFolderError, match="not a word-level tokenizer"):
        ChoraleModel.load(junk)
    bert = tmp_path / "bert"
    save_tokenizer(bert, EXTENDED_WORDS)
    (bert / "config.json").write_text(json.dumps({"model_type": "bert"}))
    with pytest.raises(ModelFolderError, match="bert model"):
        ChoraleModel.load(bert)
    prose = tmp_path / "prose"
    save_tokenizer(prose, ["[UNK]", "[PAD]", "hello", "world"])
    with pytest.raises(ModelFolderError, match="not the chorale language"):
        ChoraleModel.load(prose)
    weightless = tmp_path / "weightless"
    save_tokenizer(weightless, EXTENDED_WORDS)
    (weightless / "config.json").write_text((model_dir / "config.json").read_text())
    with pytest.raises(ModelFolderError, match="no weights"):
        ChoraleModel.load(weightless)


def test_damaged_or_mismatched_weights_are_refused_with_a_clear_message(tmp_path, model_dir):
    import shutil

    truncated = tmp_path / "truncated"
    shutil.copytree(model_dir, truncated)
    data = (truncated / "model.safetensors").read_bytes()
    (truncated / "model.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFolderError, match="could not be read"):
        ChoraleModel.load(truncated)
    wider = tmp_path / "wider"
    shutil.copytree(model_dir, wider)
    config = json.loads((wider / "config.json").read_text())
    (wider / "config.json").write_text(json.dumps(config | {"n_embd": config["n_embd"] * 2}))
    with pytest.raises(ModelFolderError, match="do not match its config.json"):
        ChoraleModel.load(wider)
    unknown = tmp_path / "unknown-activation"
    shutil.copytree(model_dir, unknown)
    (unknown / "config.json").write_text(json.dumps(config | {"activation_function": "mish_v9"}))
    with pytest.raises(ModelFolderError, match="mish_v9"):
        ChoraleModel.load(unknown)


def test_a_checkpoint_with_only_pytorch_model_bin_half_precision_and_its_own_output_layer_loads(tmp_path, model):
    """Older checkpoints store pytorch_model.bin (and some a head of their own, some half precision); the
    decoder reads each into the same maths as the safetensors folder."""
    import shutil

    import torch
    from safetensors.torch import load_file

    tensors = load_file(str(model.folder / "model.safetensors"))
    old = tmp_path / "old-style"
    old.mkdir()
    for name in ("config.json", "tokenizer.json"):
        shutil.copy(model.folder / name, old / name)
    wte = next(v for k, v in tensors.items() if k.endswith("wte.weight"))
    torch.save({**{k: v.half().float() for k, v in tensors.items()}, "lm_head.weight": wte.clone()},
               old / "pytorch_model.bin")
    loaded = ChoraleModel.load(old)
    prompt = [model.word_to_id["PIECE_START"], 7, 8, 9]
    with torch.inference_mode():
        a = model.decoder([prompt], capacity=4, fast=False).prefill()
        b = loaded.decoder([prompt], capacity=4, fast=False).prefill()
    assert torch.allclose(a, b, atol=0.05) and not torch.equal(a, b)   # the same maths, rounded weights


def test_filling_through_the_engine_never_imports_transformers(tmp_path):
    """The app runs the shipped model on torch and safetensors alone: importing transformers cost more of
    the start than everything else together (issue #21)."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from chorale_studio.generation.engine import generate\n"
            "from chorale_studio.generation.model import ChoraleModel\n"
            "from chorale_studio.generation.requests import FillRequest, Sampling\n"
            "from chorale_studio.io.files import load_any\n"
            "from chorale_studio.paths import default_model_dir, jsfakes_midi_dir\n"
            "from chorale_studio.score import Voice\n"
            "score = load_any(jsfakes_midi_dir() / '0.mid').score\n"
            "cells = frozenset((v, b) for v in Voice for b in range(2, 6))\n"
            "result = generate(ChoraleModel.load(default_model_dir()), FillRequest(score, cells, "
            "Sampling(seed=3)))\n"
            "assert result.candidates, 'no music'\n"
            "print('transformers' in sys.modules, 'tokenizers' in sys.modules, 'huggingface_hub' in sys.modules)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         cwd=tmp_path, env={**__import__("os").environ, "PYTHONPATH": str(REPO)})
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["False", "False", "False"], run.stdout


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("prompts", [[list(range(5, 105))] * 3,                                   # shared
                                     [list(range(5, 105)), list(range(20, 60)), list(range(5, 105))],  # padded
                                     [list(range(5, 105))]])                                          # one row
def test_the_fast_decoder_computes_what_transformers_computes(model, model_dir, prompts, fast):
    """Single precision matches transformers to rounding; the reduced-precision matrices (bfloat16 for the
    prompt, half precision for steps of one to four rows) move no next-word probability by more than 1 %."""
    import torch
    from transformers import GPT2LMHeadModel

    hf_model = GPT2LMHeadModel.from_pretrained(model_dir).eval()

    rows = len(prompts)
    with torch.inference_mode():
        decoder = model.decoder(prompts, capacity=8, fast=fast)
        decoder.prefill(chunk=32)
        decoder.step(torch.tensor([7, 8, 9][:rows]))
        logits = decoder.step(torch.tensor([10, 11, 12][:rows]))
        for row, prompt in enumerate(prompts):
            reference = hf_model(torch.tensor([prompt + [7 + row, 10 + row]])).logits[0, -1]
            if fast:
                assert (logits[row].softmax(-1) - reference.softmax(-1)).abs().max() < 0.01
                assert 0 < (logits[row] - reference).abs().max() < 0.5   # it is not the single-precision path
            else:
                assert torch.allclose(logits[row], reference, atol=1e-4)


@pytest.mark.parametrize("fast", [False, True])
def test_a_prompt_that_begins_like_one_read_before_starts_from_its_keys_and_values(model, fast):
    """A request's windows and passes remember their prompts (``PromptMemory``): a later prompt reads only the
    words after the longest beginning it shares with one of them, and what it computes is what reading it
    whole computes, to rounding; candidates that share a prompt share what is remembered."""
    import torch

    from chorale_studio.generation.model import PromptMemory

    first = list(range(5, 105)) * 2                      # 200 words: past the 128-word chunk
    later = first[:150] + list(range(40, 90))            # the same 150 words, then others
    memory = PromptMemory()
    with torch.inference_mode():
        model.decoder([first], capacity=8, fast=fast).prefill(memory=memory)
        for prompts, read in (([later], [50]),        # words 150–199 only
                              ([later] * 3, [1])):    # all remembered but the last word, whose logits are wanted
            remembered, whole = (model.decoder(prompts, capacity=8, fast=fast) for _ in range(2))
            reads = []
            forward = remembered._forward
            remembered._forward = lambda ids, *args, **kw: reads.append(ids.shape[1]) or forward(ids, *args, **kw)
            assert (remembered.prefill(memory=memory) - whole.prefill()).abs().max() < 1e-5
            assert reads == read
            step = torch.tensor([7] * len(prompts))
            assert (remembered.step(step) - whole.step(step)).abs().max() < 1e-5


# ---- requests -----------------------------------------------------------------------------------
def test_requests_refuse_what_cannot_be_done(model, seed_model):
    score = chorale(4)
    with pytest.raises(GenerationError, match="at least 4 bars"):
        NewRequest(bars=3)
    score.set_locked([(S, 0)])
    with pytest.raises(GenerationError, match="every selected cell is locked"):
        FillRequest(score, frozenset({(S, 0)}))
    with pytest.raises(GenerationError, match="outside the piece"):
        FillRequest(score, frozenset({(S, 9)}))
    with pytest.raises(GenerationError, match="temperature"):
        Sampling(temperature=0)
    with pytest.raises(GenerationError, match="only 4/4"):
        generate(seed_model, NewRequest(bars=4, meter=Meter(3, 4)))
    with pytest.raises(GenerationError, match="style bach"):
        generate(seed_model, NewRequest(bars=4, sampling=Sampling(style="bach")))


def test_windows_keep_targets_together_with_context_on_both_sides():
    cells = frozenset((v, b) for v in Voice for b in range(4, 6))
    (window,) = plan_windows(cells, 16, new_piece=False)
    assert (window.start, window.bars) == (3, 4) and window.targets == cells
    # A draft listens only backwards past its own chunk: bars a later window writes are not decided yet.
    windows = plan_windows(frozenset((v, b) for v in Voice for b in range(8, 12)), 12, new_piece=False)
    assert [(w.start, w.bars) for w in windows] == [(6, 4), (8, 4)]
    new = plan_windows(frozenset((v, b) for v in Voice for b in range(6)), 6, new_piece=True)
    assert [(w.start, w.bars, w.free) for w in new] == [(0, 4, True), (2, 4, False)]
    # A revision hears every bar: its windows reach forward too.
    revised = plan_windows(frozenset((A, b) for b in range(2, 6)), 8, new_piece=False, decided=True)
    assert [(w.start, w.bars) for w in revised] == [(1, 4), (3, 4)]


def test_every_written_voice_is_revised_once_with_the_others_fixed_unless_quick():
    cells = frozenset((v, b) for v in Voice for b in range(2, 6))
    draft = plan(cells, 8, new_piece=False, revise=False)
    full = plan(cells, 8, new_piece=False, revise=True)
    assert full[:len(draft)] == draft
    revisions = full[len(draft):]
    assert [{v for v, _ in w.targets} for w in revisions] == [{v} for v in WRITING_ORDER]
    # A revision window holds all of a voice's 4 target bars (the draft wrote them 2 at a time).
    assert all((w.start, w.bars) == (2, 4) and len(w.targets) == 4 for w in revisions)
    eight = plan(frozenset((v, b) for v in Voice for b in range(8)), 8, new_piece=False, revise=True)
    assert [(w.start, w.bars) for w in eight if len({v for v, _ in w.targets}) == 1][:2] == [(0, 4), (4, 4)]
    # One voice alone was already written last, hearing the other three: nothing to revise.
    alone = frozenset((T, b) for b in range(2, 6))
    assert plan(alone, 8, new_piece=False, revise=True) == plan(alone, 8, new_piece=False, revise=False)


# ---- filling ------------------------------------------------------------------------------------
def test_locking_a_bar_keeps_its_notes_when_the_bars_around_it_are_refilled(model):
    score = chorale(8)
    score.set_locked([(A, 3), (T, 4)])
    before = score.copy()
    cells = frozenset((v, b) for v in Voice for b in range(2, 6))
    result = generate(model, FillRequest(score, cells, Sampling(seed=3, candidates=3)))
    assert score == before, "the request's score is never changed"
    assert result.strategy == "prefix" and len(result.candidates) == 3
    assert [c.vl_score for c in result.candidates] == sorted(c.vl_score for c in result.candidates)
    for cand in result.candidates:
        assert cand.cells == cells - {(A, 3), (T, 4)}
        for v in Voice:
            for b in range(8):
                if (v, b) not in cand.cells:
                    assert cand.score.notes_in_cell(v, b) == score.notes_in_cell(v, b)
        assert cand.score.locks == score.locks


def test_harmonizing_writes_only_the_named_voices(model):
    score = chorale(8)
    result = generate(model, HarmonizeRequest(score, (A, T), 0, 8, Sampling(seed=5)))
    cand = result.candidates[0]
    assert cand.cells == {(v, b) for v in (A, T) for b in range(8)}
    assert cand.score.notes(S) == score.notes(S) and cand.score.notes(B) == score.notes(B)
    assert cand.score.notes(A) != score.notes(A)


def test_continuing_adds_four_bars_after_the_last(model):
    result = generate(model, ContinueRequest(chorale(6), sampling=Sampling(seed=1)))
    cand = result.candidates[0]
    assert cand.score.bars == 10 and cand.cells == {(v, b) for v in Voice for b in range(6, 10)}
    assert cand.score.window(0, 6).same_music(chorale(6))


def test_the_same_seed_gives_the_same_music_and_another_seed_other_music(model):
    score = chorale(8)
    cells = frozenset((v, b) for v in (S, B) for b in range(2, 6))
    first = generate(model, FillRequest(score, cells, Sampling(seed=11, candidates=2, temperature=1.3)))
    again = generate(model, FillRequest(score, cells, Sampling(seed=11, candidates=2, temperature=1.3)))
    other = generate(model, FillRequest(score, cells, Sampling(seed=12, candidates=2, temperature=1.3)))
    assert [c.score for c in first.candidates] == [c.score for c in again.candidates]
    assert [c.score for c in first.candidates] != [c.score for c in other.candidates]
    new = [generate(model, NewRequest(bars=6, sampling=Sampling(seed=4))).candidates[0].score for _ in range(2)]
    assert new[0] == new[1]


def test_words_the_grammar_decides_go_with_the_drawn_word_and_change_nothing(model, monkeypatch):
    """Grammar-determined words (NOTE_OFF, BAR_END, TRACK_START …) are read in the pass of the word drawn
    before them; with several candidates, some inside a kept bar, the music is what one word per pass
    writes (single precision, so the two orders of arithmetic agree)."""
    from chorale_studio.generation import sampler

    score = chorale(8)
    score.set_locked([(A, 3)])
    request = FillRequest(score, frozenset((v, b) for v in Voice for b in range(2, 6)), Sampling(seed=2, candidates=4))
    model.fast = False
    try:
        chained = generate(model, request)
        monkeypatch.setattr(sampler, "CHAIN", False)
        one_by_one = generate(model, request)
    finally:
        model.fast = True
    assert [c.score for c in chained.candidates] == [c.score for c in one_by_one.candidates]
    assert chained.words == one_by_one.words


# ---- progress and cancelling -------------------------------------------------------------------
def test_progress_counts_words_and_shows_the_notes_growing(model):
    reports: list[Progress] = []
    generate(model, NewRequest(bars=8, sampling=Sampling(seed=2, quick=True)), progress=reports.append)
    words = [p.words for p in reports]
    assert words == sorted(words) and len(reports) > 10
    assert all(p.words <= p.expected for p in reports)
    notes = [len(p.notes) for p in reports]
    assert notes == sorted(notes) and notes[-1] > notes[len(notes) // 3] > 0
    assert reports[-1].words == reports[-1].expected
    # With the revision pass the voice being rewritten is shown as it is rewritten; the last report
    # shows the whole answer.
    reports.clear()
    result = generate(model, NewRequest(bars=8, sampling=Sampling(seed=2)), progress=reports.append)
    assert [p.words for p in reports] == sorted(p.words for p in reports)
    assert len(reports[-1].notes) == result.candidates[0].score.note_count()


def test_cancelling_mid_generation_returns_quickly_and_changes_nothing(model):
    score = chorale(8)
    before = score.copy()
    flag = threading.Event()
    asked: list[float] = []

    def progress(p: Progress) -> None:
        if p.words >= 40 and not flag.is_set():
            asked.append(time.perf_counter())
            flag.set()

    with pytest.raises(GenerationCancelled):
        generate(model, FillRequest(score, frozenset((v, b) for v in Voice for b in range(8)),
                                    Sampling(candidates=4)), progress=progress, cancelled=flag.is_set)
    assert time.perf_counter() - asked[0] < 0.05
    assert score == before


def test_a_cancel_during_the_prompt_stops_before_any_sampling(model):
    with pytest.raises(GenerationCancelled):
        generate(model, FillRequest(chorale(8), frozenset({(S, 3)})), cancelled=lambda: True)


# ---- strict voice leading ----------------------------------------------------------------------
def test_the_strict_rules_forbid_crossing_and_parallel_fifths_with_a_fixed_voice():
    score = Score(bars=2)
    score.set_notes(B, [Note(start=0, length=16, pitch=48), Note(start=16, length=16, pitch=50)])  # C3 → D3
    score.set_notes(A, [Note(start=0, length=32, pitch=64)])
    score.set_notes(S, [Note(start=0, length=16, pitch=67)])                                         # G4
    rules = VoiceLeading(score, 0, 2, unknown={(S, 1), (T, 0), (T, 1)})
    banned = rules.banned_pitches(S, 16, range(60, 82))
    assert 69 in banned, "G4 → A4 over C3 → D3 is parallel fifths"
    assert {60, 62, 63} <= banned, "the soprano may not sink below the alto's E4"
    assert 64 not in banned and 67 not in banned and 71 not in banned
    # The tenor, written later, must stay between the alto and the bass.
    assert rules.banned_pitches(T, 0, (47, 48, 55, 64, 65)) == {47, 65}
    # A held note may not run into a crossing: a tenor G3 from step 0 meets no one above or below...
    assert rules.banned_lengths(T, 0, 55, (4, 16)) == set()
    # ...but a tenor C3 held into bar 2 goes below the bass's D3.
    assert rules.banned_lengths(T, 8, 48, (4, 8, 16)) == {16}


def test_strict_generation_relaxes_rarely_and_counts_it(model):
    result = generate(model, NewRequest(bars=4, sampling=Sampling(seed=9, candidates=4)))
    notes = sum(c.score.note_count() for c in result.candidates)
    assert sum(c.relaxed_notes for c in result.candidates) < 0.01 * notes


# ---- a seed-vocabulary checkpoint --------------------------------------------------------------
def test_a_seed_vocabulary_checkpoint_answers_every_mode_by_prefix_writing(seed_model):
    new = generate(seed_model, NewRequest(bars=6, sampling=Sampling(seed=1, candidates=2)))
    assert new.strategy == "prefix"
    for cand in new.candidates:
        cand.score.validate()
        assert cand.score.bars == 6 and cand.score.note_count() > 0
    score = chorale(8)
    score.set_locked([(A, 2)])
    result = generate(seed_model, HarmonizeRequest(score, (A, B), 1, 7, Sampling(seed=2, candidates=2)))
    assert result.strategy == "prefix"
    for cand in result.candidates:
        assert cand.cells == {(v, b) for v in (A, B) for b in range(1, 7)} - {(A, 2)}
        assert cand.score.notes_in_cell(A, 2) == score.notes_in_cell(A, 2)
        assert cand.score.notes(S) == score.notes(S) and cand.score.notes(T) == score.notes(T)
        for v, b in cand.cells:
            assert all(cand.score.in_range(v, n.pitch) for n in cand.score.notes_in_cell(v, b))
    # Fill and continue too, with and without the revision pass: every mode works without fill words.
    for quick in (False, True):
        filled = generate(seed_model, FillRequest(score, frozenset((v, b) for v in Voice for b in range(3, 5)),
                                                  Sampling(seed=3, quick=quick)))
        assert filled.candidates[0].cells == {(v, b) for v in Voice for b in range(3, 5)}
        assert filled.candidates[0].score.window(0, 3).same_music(score.window(0, 3))
        longer = generate(seed_model, ContinueRequest(score, sampling=Sampling(seed=4, quick=quick)))
        assert longer.candidates[0].score.bars == 12 and longer.candidates[0].score.window(0, 8).same_music(score)


# ---- the command line --------------------------------------------------------------------------
def test_the_command_line_writes_a_new_chorale_and_fills_a_project_honouring_its_locks(tmp_path, model_dir):
    new = tmp_path / "new.mid"
    assert cli_main(["generate", "--model", str(model_dir), "--bars", "6", "--seed", "3", "-o", str(new)]) == 0
    assert load_any(new).score.bars == 6
    project = tmp_path / "piece.chorale"
    score = chorale(8)
    score.set_locked([(T, 3)])
    save_any(score, project)
    out = tmp_path / "filled.chorale"
    assert cli_main(["generate", "--model", str(model_dir), "--input", str(project), "--mode", "fill",
                     "--bars", "2:5", "--voices", "A,T", "--candidates", "2", "-o", str(out)]) == 0
    filled = load_any(out).score
    assert filled.notes_in_cell(T, 3) == score.notes_in_cell(T, 3) and filled.locks == score.locks
    assert filled.notes(S) == score.notes(S)
    assert any(filled.notes_in_cell(A, b) != score.notes_in_cell(A, b) for b in range(2, 5))


def test_the_command_line_explains_a_wrong_model_folder(tmp_path, capsys):
    assert cli_main(["generate", "--model", str(tmp_path), "-o", str(tmp_path / "x.mid")]) == 2
    assert "no tokenizer.json" in capsys.readouterr().err
