"""How fast the generation engine is: a 4-bar, 4-voice fill with 2 bars of context each side (with the
revision pass, and quick: the draft only; and with the decoder in single precision throughout).

For the shipped model (resources/model; a random 4×256×4 model of the same size when none is
there) and for a seed-sized model (6 layers × 512 × 8 heads, seed vocabulary, random weights):
p50 / p90 latency of the fill with one candidate and with four, words per second at batch 1 and 4,
and transformers' ``model.generate`` writing the same number of words from the same prompt.

    python benchmarks/generation.py [--runs 10] [--json]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

from chorale_studio.errors import ModelFolderError
from chorale_studio.generation.engine import _fitted_row, _header, generate, plan_windows
from chorale_studio.generation.model import ChoraleModel
from chorale_studio.generation.requests import FillRequest, Sampling
from chorale_studio.io.midi import read_midi
from chorale_studio.paths import default_model_dir, jsfakes_midi_dir
from chorale_studio.score import Voice
from chorale_studio.tokens.encode import encode_window
from chorale_studio.tokens.tokenizer import save_tokenizer
from chorale_studio.tokens.vocab import EXTENDED_WORDS, SEED_WORDS


def random_model(folder: Path, words: list[str], layers: int, width: int, heads: int, positions: int) -> Path:
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    GPT2LMHeadModel(GPT2Config(vocab_size=len(words), n_layer=layers, n_embd=width, n_head=heads,
                               n_positions=positions, bos_token_id=None, eos_token_id=None,
                               pad_token_id=words.index("[PAD]"))).save_pretrained(folder)
    save_tokenizer(folder, words)
    return folder


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def fill_request(seed: int, candidates: int, quick: bool = False) -> FillRequest:
    score = read_midi(jsfakes_midi_dir() / "0.mid").score.window(0, 8)
    return FillRequest(score, frozenset((v, b) for v in Voice for b in range(2, 6)),
                       Sampling(seed=seed, candidates=candidates, quick=quick))


def hf_generate_seconds(model: ChoraleModel, request: FillRequest, words: int) -> tuple[float, int]:
    """transformers' sampling loop writing ``words`` words after the first window's prompt."""
    base = request.base()
    window = plan_windows(request.targets(base), base.bars, False)[0]
    row, _ = _fitted_row(model, base, window, _header(model, base, "JSFAKES"), True)
    prompt = torch.tensor([model.ids(row.prompt)])
    words = min(words, model.capabilities.context - prompt.shape[1])
    from transformers import GPT2LMHeadModel

    hf_model = GPT2LMHeadModel.from_pretrained(model.folder).eval()
    began = time.perf_counter()
    with torch.inference_mode():
        hf_model.generate(prompt, attention_mask=torch.ones_like(prompt), do_sample=True, top_p=0.95,
                                max_new_tokens=words, min_new_tokens=words, pad_token_id=model.pad_id)
    return time.perf_counter() - began, words


def fidelity(model: ChoraleModel, pieces: int = 20, cut: int = 60) -> dict:
    """How far the reduced-precision decoder's next-word distributions are from single precision, word by
    word through the first 4 bars of ``pieces`` test chorales (prompt of ``cut`` words, then one step per
    word): mean KL divergence, how often the likeliest word agrees, and the text's NLL per word by each."""
    from quality import test_pieces

    kl = agree = words = 0
    nll = {True: 0.0, False: 0.0}
    with torch.inference_mode():
        for piece in test_pieces(pieces):
            ids = model.ids(encode_window(piece.score, 0, 4, header=None))
            logp = {}
            for fast in (True, False):
                decoder = model.decoder([ids[:cut]], len(ids), fast=fast)
                out = [decoder.prefill()] + [decoder.step(torch.tensor([i])) for i in ids[cut:-1]]
                logp[fast] = torch.cat(out).log_softmax(-1)
                nll[fast] -= logp[fast].gather(1, torch.tensor(ids[cut:])[:, None]).sum().item()
            kl += (logp[False].exp() * (logp[False] - logp[True])).sum().item()
            agree += (logp[False].argmax(-1) == logp[True].argmax(-1)).sum().item()
            words += len(ids) - cut
    return {"words": words, "kl_nats_per_word": kl / words, "argmax_agree": agree / words,
            "nll_single": nll[False] / words, "nll_reduced": nll[True] / words}


def measure(name: str, model: ChoraleModel, runs: int) -> dict:
    generate(model, fill_request(0, 1))   # warm up: masks and kernels
    one, four, quick, single = [], [], [], []
    words_one = words_four = 0
    for seed in range(runs):
        model.fast = False   # the single-precision decoder, for comparison
        single.append(generate(model, fill_request(seed, 1)).seconds)
        model.fast = True
        quick.append(generate(model, fill_request(seed, 1, quick=True)).seconds)
        r = generate(model, fill_request(seed, 1))
        one.append(r.seconds)
        words_one += r.words
        r = generate(model, fill_request(seed, 4))
        four.append(r.seconds)
        words_four += r.words
    per_run = max(1, words_one // runs)
    hf_seconds, hf_words = hf_generate_seconds(model, fill_request(0, 1), per_run)
    ours_rate = words_one / sum(one)
    hf_rate = hf_words / hf_seconds
    config = model.config
    return {
        "model": name,
        "size": f"{config.n_layer}x{config.n_embd}x{config.n_head}",
        "strategy": model.capabilities.strategy,
        "threads": torch.get_num_threads(),
        "fill_p50_s": statistics.median(one),
        "fill_p90_s": percentile(one, 0.9),
        "fill_quick_p50_s": statistics.median(quick),
        "fill_single_precision_p50_s": statistics.median(single),
        "fill4_p50_s": statistics.median(four),
        "four_vs_one": statistics.median(four) / statistics.median(one),
        "words_per_s_batch1": ours_rate,
        "words_per_s_batch4": words_four / sum(four),
        "generate_words_per_s": hf_rate,
        "speedup_vs_generate": ours_rate / hf_rate,
        "words_per_fill": per_run,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (default: what loading chooses)")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            shipped, name = ChoraleModel.load(default_model_dir()), "shipped"
        except ModelFolderError:
            shipped = ChoraleModel.load(random_model(Path(tmp) / "ship", EXTENDED_WORDS, 4, 256, 4, 1024))
            name = "shipped-size (random)"
        if args.threads:
            torch.set_num_threads(args.threads)
        results.append(measure(name, shipped, args.runs))
        if name == "shipped":
            results[-1]["reduced_precision"] = fidelity(shipped)
        seed = ChoraleModel.load(random_model(Path(tmp) / "seed", SEED_WORDS, 6, 512, 8, 512))
        if args.threads:
            torch.set_num_threads(args.threads)
        results.append(measure("seed-size (random)", seed, args.runs))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for r in results:
            print(f"{r['model']} {r['size']} ({r['strategy']}, {r['threads']} threads): "
                  f"4-bar fill p50 {r['fill_p50_s']:.3f} s, p90 {r['fill_p90_s']:.3f} s, quick p50 "
                  f"{r['fill_quick_p50_s']:.3f} s; "
                  f"4 candidates p50 {r['fill4_p50_s']:.3f} s ({r['four_vs_one']:.2f}× one); "
                  f"{r['words_per_s_batch1']:.0f} words/s at batch 1, {r['words_per_s_batch4']:.0f} at batch 4; "
                  f"generate() {r['generate_words_per_s']:.0f} words/s → {r['speedup_vs_generate']:.1f}× faster; "
                  f"all in single precision: fill p50 {r['fill_single_precision_p50_s']:.3f} s")
            if "reduced_precision" in r:
                f = r["reduced_precision"]
                print(f"  reduced precision vs single, {f['words']} words of test chorales: mean KL "
                      f"{f['kl_nats_per_word']:.1e} nats/word, likeliest word agrees {f['argmax_agree']:.2%}, "
                      f"NLL/word {f['nll_reduced']:.4f} vs {f['nll_single']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
