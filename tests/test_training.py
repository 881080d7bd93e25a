"""Training on a handful of pieces: the corpus is deterministic, and a tiny model trains, saves,
reloads through the Hugging Face Auto classes and writes text the project decodes."""
import os
from pathlib import Path

import pytest

from chorale_studio.io.midi import read_midi
from chorale_studio.tokens import grammar as G
from chorale_studio.tokens import vocab as V
from chorale_studio.tokens.decode import decode_words
from chorale_studio.training.corpus import (Piece, bach_pieces, build_corpus, folder_pieces, piece_examples,
                                            transpositions)
from chorale_studio.training.train import TrainSettings, train_model


@pytest.fixture(scope="module")
def few_pieces(jsfakes_dir):
    return [Piece(f"jsfakes/{i}", "JSFAKES", read_midi(jsfakes_dir / f"{i}.mid").score) for i in range(6)]


def test_building_the_corpus_twice_gives_identical_files(tmp_path, jsfakes_dir):
    def sources():   # read afresh each time, as a fresh clone would
        return folder_pieces(jsfakes_dir, limit=12) + bach_pieces(limit=3)

    pieces = sources()
    assert sum(p.style == "BACH" for p in pieces) == 3
    a, b = tmp_path / "a", tmp_path / "b"
    build_corpus(a, pieces, seed=7, augment=2, log=lambda m: None)
    build_corpus(b, sources(), seed=7, augment=2, log=lambda m: None)
    names = sorted(p.name for p in a.iterdir())
    assert names == ["split.json", "test-seed.jsonl", "test.txt", "train.txt", "validation.txt"]
    for n in names:
        assert (a / n).read_bytes() == (b / n).read_bytes(), n
    c = tmp_path / "c"
    build_corpus(c, pieces, seed=8, augment=2, log=lambda m: None)
    assert (c / "train.txt").read_bytes() != (a / "train.txt").read_bytes()


def test_every_example_is_well_formed_in_the_extended_language(few_pieces):
    lines = [line for p in few_pieces for line in piece_examples(p, seed=3, augment=2)]
    fills = [line for line in lines if "FILL_START" in line]
    assert len(fills) > 10 and len(lines) - len(fills) > 20
    for line in lines:
        words = line.split()
        config = G.GrammarConfig(bars=None, steps=V.SEED_STEPS, allow_fill=True,
                                 steps_per_bar=12 if "METER=3/4" in words else 16)
        assert G.check(words, config) is None, G.check(words, config)
        assert set(words) <= set(V.EXTENDED_WORDS)


def test_transpositions_keep_every_voice_in_range(few_pieces):
    import random

    for p in few_pieces:
        for shift in transpositions(p.score, random.Random(1), 12):
            t = p.score.transposed(shift)
            for v in t.ranges:
                lo, hi = t.ranges[v]
                assert all(lo - 2 <= n.pitch <= hi + 2 for n in t.notes(v))


def test_a_tiny_model_trains_saves_reloads_and_writes_decodable_text(tmp_path, few_pieces):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    lines = [line for p in few_pieces for line in piece_examples(p, seed=1)]
    out = train_model(TrainSettings(out=tmp_path / "m", texts=lines, layers=1, width=32, heads=2, context=1024,
                                    max_steps=6, batch_size=4, save_steps=3, eval_steps=3, progress=False))
    for name in ("config.json", "model.safetensors", "tokenizer.json", "generation_config.json", "loss.png"):
        assert (out / name).is_file(), name
    assert sorted((out / "checkpoints").glob("checkpoint-*"))
    os.environ["HF_HUB_OFFLINE"] = "1"
    model = AutoModelForCausalLM.from_pretrained(out)
    tok = AutoTokenizer.from_pretrained(out)
    assert tok.convert_tokens_to_ids("FILL_START") == V.EXTENDED_WORDS.index("FILL_START")
    # The engine's constrained sampler turns any model's output into music; here the plain
    # transformers path is checked: sampled words come from the vocabulary and a grammar-valid
    # continuation of them decodes.
    ids = tok("PIECE_START STYLE=JSFAKES GENRE=JSFAKES", return_tensors="pt").input_ids
    out_ids = model.generate(ids, max_new_tokens=12, do_sample=True)
    words = tok.convert_ids_to_tokens(out_ids[0])
    assert words[:3] == ["PIECE_START", "STYLE=JSFAKES", "GENRE=JSFAKES"] and len(words) == 15
    assert decode_words(lines[0].split()).score.bars == 4 or "FILL_START" in lines[0]


def test_training_resumes_from_the_newest_checkpoint(tmp_path, few_pieces):
    import json

    lines = [line for p in few_pieces[:2] for line in piece_examples(p, seed=2)]
    settings = dict(out=tmp_path / "r", texts=lines, layers=1, width=32, heads=2, batch_size=4, save_steps=2,
                    eval_steps=2, progress=False)
    summary_path = Path(tmp_path / "r") / "training.json"
    train_model(TrainSettings(max_steps=2, seed=1, **settings))
    first = [h["loss"] for h in json.loads(summary_path.read_text())["history"] if "loss" in h]
    # Resumed with another seed: a fresh start would initialise differently and log other losses
    # for steps 1–2; a resumed run carries the first run's history and continues to step 4.
    train_model(TrainSettings(max_steps=4, seed=2, resume=True, **settings))
    summary = json.loads(summary_path.read_text())
    assert summary["steps"] == 4
    resumed = [h["loss"] for h in summary["history"] if "loss" in h]
    assert resumed[:2] == first[:2] and len(resumed) == 4


def test_fine_tuning_starts_from_the_given_model_and_refuses_another_vocabulary(tmp_path, few_pieces):
    import torch
    from transformers import GPT2LMHeadModel

    from chorale_studio.errors import ChoraleError
    from chorale_studio.tokens.tokenizer import save_tokenizer

    lines = [line for p in few_pieces[:2] for line in piece_examples(p, seed=3)]
    settings = dict(texts=lines, layers=1, width=32, heads=2, batch_size=4, save_steps=50, eval_steps=50,
                    progress=False)
    base = train_model(TrainSettings(out=tmp_path / "base", max_steps=4, **settings))
    before = GPT2LMHeadModel.from_pretrained(base).transformer.h[0].mlp.c_fc.weight
    # A near-zero learning rate: the fine-tuned weights stay those of the model it started from.
    tuned = train_model(TrainSettings(out=tmp_path / "tuned", max_steps=2, lr=1e-9, init=base, **settings))
    after = GPT2LMHeadModel.from_pretrained(tuned).transformer.h[0].mlp.c_fc.weight
    assert torch.allclose(before, after, atol=1e-5)
    fresh = GPT2LMHeadModel.from_pretrained(train_model(TrainSettings(out=tmp_path / "fresh", max_steps=2, lr=1e-9,
                                                                      seed=7, **settings)))
    assert not torch.allclose(before, fresh.transformer.h[0].mlp.c_fc.weight, atol=1e-3)
    save_tokenizer(base, list(reversed(V.EXTENDED_WORDS)))
    with pytest.raises(ChoraleError, match="numbers its words differently"):
        train_model(TrainSettings(out=tmp_path / "other", max_steps=2, init=base, **settings))


def test_train_without_the_training_packages_says_in_one_line_what_to_install(tmp_path):
    """The packaged app and a plain install carry no transformers: `train` says what to install instead of a
    traceback (the frozen app's own run is in packaging/release_linux.sh)."""
    import subprocess
    import sys

    code = ("import sys; sys.modules['transformers'] = None\n"   # as if it were not installed
            "from chorale_studio.cli import main\n"
            f"sys.exit(main(['train', '--out', {str(tmp_path / 'out')!r}, '--max-steps', '1']))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, cwd=tmp_path,
                         env={**__import__("os").environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert run.returncode == 2, run.stderr[-2000:]
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and 'pip install "chorale-studio[train]"' in lines[0], run.stderr[-2000:]
