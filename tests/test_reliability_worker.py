"""The generation worker never wedges: a composer who clicks Generate and Cancel two hundred times, points
the app at broken model folders, or hits a failure inside generation still gets an answer every
time, and the next request is served.

The real GenerationRunner (its QThread and worker) runs a tiny random-weight GPT-2 saved as a
real model folder; a model whose context is too short for the request is a real failure inside
generation.
"""
from __future__ import annotations

import json
import os
import threading
import time

import pytest

from chorale_studio.generation.requests import NewRequest, Sampling
from chorale_studio.tokens.vocab import EXTENDED_WORDS
from chorale_studio.ui.worker import GenerationRunner
from generation_models import model_dir, save_random_model  # noqa: F401  (fixture)

CYCLES = 200


@pytest.fixture
def runner(qtbot):
    r = GenerationRunner()
    answers: list[tuple[str, object, object]] = []
    r.finished.connect(lambda request, result: answers.append(("finished", request, result)))
    r.failed.connect(lambda request, message: answers.append(("failed", request, message)))
    r.cancelled.connect(lambda request: answers.append(("cancelled", request, None)))
    r.answers = answers
    yield r
    assert r.shutdown(5000)


def os_threads() -> int:
    """Threads of this process as the kernel counts them (Qt's and torch's included, not only Python's)."""
    return len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else threading.active_count()


def ask(runner, qtbot, request, folder, *, cancel: str | None = None, timeout_ms: int = 30_000):
    """Start ``request``; cancel it at once or at its first progress report; return its one answer."""
    before = len(runner.answers)
    if cancel == "at first progress":
        with qtbot.waitSignal(runner.progress, timeout=timeout_ms):
            assert runner.start(request, folder)
        runner.cancel()
    else:
        assert runner.start(request, folder)
        if cancel == "at once":
            runner.cancel()
    qtbot.waitUntil(lambda: not runner.busy, timeout=timeout_ms)
    assert len(runner.answers) == before + 1, "every request gets exactly one answer"
    kind, answered, detail = runner.answers[-1]
    assert answered is request
    return kind, detail


def test_two_hundred_generate_cancel_cycles_leave_no_thread_behind_and_the_last_request_completes(
        runner, qtbot, model_dir):  # noqa: F811
    ask(runner, qtbot, NewRequest(bars=4), model_dir)   # the model and torch's thread pool are up from now on
    threads_before = threading.active_count(), os_threads()
    started = time.monotonic()
    kinds: dict[str, int] = {}
    for i in range(CYCLES):
        # Every fifth request is cancelled while it writes; the others as soon as they are asked for.
        how = "at first progress" if i % 5 == 0 else "at once"
        kind, _ = ask(runner, qtbot, NewRequest(bars=4, sampling=Sampling(seed=i)), model_dir, cancel=how)
        kinds[kind] = kinds.get(kind, 0) + 1
        assert kind in ("cancelled", "finished")   # a job may finish in the instant Cancel is pressed
        assert runner.thread.isRunning()
    cycles_seconds = time.monotonic() - started
    print(f"{CYCLES} generate/cancel cycles in {cycles_seconds:.1f} s: {kinds}")
    assert kinds.get("cancelled", 0) >= CYCLES * 0.9

    last = NewRequest(bars=4, sampling=Sampling(seed=2024))
    kind, result = ask(runner, qtbot, last, model_dir)
    assert kind == "finished" and len(result.candidates) == 1
    assert (threading.active_count(), os_threads()) == threads_before
    assert runner.shutdown(5000) and runner.thread.isFinished()


@pytest.fixture
def broken_folders(tmp_path, model_dir):  # noqa: F811
    """Model folders that fail to load in different ways, each made from the good one."""
    import shutil

    folders = {}
    folders["missing"] = tmp_path / "no-such-folder"
    empty = folders["empty"] = tmp_path / "empty"
    empty.mkdir()
    for name, damage in (("bad vocabulary ids", "vocab"), ("config is a folder", "config"),
                         ("cut-off weights", "weights")):
        folder = folders[name] = tmp_path / name.replace(" ", "-")
        shutil.copytree(model_dir, folder)
        if damage == "vocab":
            tokenizer = json.loads((folder / "tokenizer.json").read_text())
            tokenizer["model"]["vocab"]["PIECE_START"] = "first"
            (folder / "tokenizer.json").write_text(json.dumps(tokenizer))
        elif damage == "config":
            (folder / "config.json").unlink()
            (folder / "config.json").mkdir()
        else:
            weights = folder / "model.safetensors"
            weights.write_bytes(weights.read_bytes()[:1000])
    return folders


def test_model_folders_that_fail_to_load_end_in_a_message_and_the_worker_serves_the_next_request(
        runner, qtbot, model_dir, broken_folders):  # noqa: F811
    failed_folders: list[str] = []
    runner.modelFailed.connect(lambda folder, message: failed_folders.append(folder))
    for name, folder in broken_folders.items():
        kind, message = ask(runner, qtbot, NewRequest(bars=4), folder)
        assert kind == "failed", name
        assert str(folder) in message and "\n" not in message.strip(), (name, message)
    assert failed_folders == [str(f) for f in broken_folders.values()]
    kind, result = ask(runner, qtbot, NewRequest(bars=4), model_dir)
    assert kind == "finished" and result.candidates


def nan_weights(folder):
    """A model whose weights are all NaN: it loads, and then every sampling step meets NaN scores."""
    import torch
    from transformers import GPT2LMHeadModel

    model = GPT2LMHeadModel.from_pretrained(folder)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.fill_(float("nan"))
    model.save_pretrained(folder)
    return folder


@pytest.mark.parametrize("make_model", [
    # Room for only 32 words cannot hold a four-bar prompt: the engine refuses mid-way.
    lambda folder: save_random_model(folder, EXTENDED_WORDS, positions=32),
    lambda folder: nan_weights(save_random_model(folder, EXTENDED_WORDS)),
], ids=["context too short", "NaN weights"])
def test_a_failure_inside_generation_ends_in_a_message_and_the_worker_serves_the_next_request(
        runner, qtbot, model_dir, tmp_path, make_model):  # noqa: F811
    broken = make_model(tmp_path / "broken-model")
    kind, message = ask(runner, qtbot, NewRequest(bars=4), broken)
    assert kind == "failed" and message and "\n" not in message
    assert runner.thread.isRunning()
    kind, result = ask(runner, qtbot, NewRequest(bars=4), model_dir)
    assert kind == "finished" and result.candidates
