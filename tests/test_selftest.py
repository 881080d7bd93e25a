"""The `--selftest` a composer (or CI) runs on a fresh install: it passes on a working install
and says which step failed on a broken one."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chorale_studio.paths import default_model_dir


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    """The shipped model when it is there, else a tiny random GPT-2 in the app's word language."""
    shipped = default_model_dir()
    if (shipped / "config.json").is_file():
        return shipped
    from transformers import GPT2Config, GPT2LMHeadModel

    from chorale_studio.tokens.tokenizer import save_tokenizer
    from chorale_studio.tokens.vocab import EXTENDED_WORDS

    folder = tmp_path_factory.mktemp("tiny-model")
    save_tokenizer(folder)
    GPT2LMHeadModel(GPT2Config(vocab_size=len(EXTENDED_WORDS), n_layer=2, n_embd=64, n_head=2,
                               bos_token_id=None, eos_token_id=None)).save_pretrained(folder)
    return folder


def _selftest(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "chorale_studio", "--selftest", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_working_install_passes_every_step(model_dir):
    run = _selftest("--model", str(model_dir))
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    for step in ("window:", "model:", "generate: 4 bars", "audio: 1.0 s rendered", "export:", "engrave:"):
        assert any(line.startswith(step) for line in lines), f"no {step!r} line in:\n{run.stdout}"
    assert lines[-1] == "selftest ok"


def test_a_broken_model_folder_fails_at_the_model_step(tmp_path):
    (tmp_path / "config.json").write_text("{ this is not a model", encoding="utf-8")
    run = _selftest("--model", str(tmp_path))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "selftest FAILED: model:" in run.stdout
    assert "selftest ok" not in run.stdout
