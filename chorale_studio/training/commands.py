"""`chorale-studio corpus`, `train` and `evaluate`."""
from __future__ import annotations

import json
import sys
from pathlib import Path


def _log(message: str) -> None:
    print(message, file=sys.stderr)


def corpus(args) -> int:
    from .corpus import build_corpus, collect_pieces

    pieces = collect_pieces(args.data, not args.no_bach, args.limit, _log)
    summary = build_corpus(Path(args.out), pieces, seed=args.seed, log=_log)
    print(json.dumps({k: v["examples"] for k, v in summary["splits"].items()}))
    return 0


def train(args) -> int:
    import transformers  # noqa: F401  (missing: the CLI says what to install, before minutes of corpus building)

    from .corpus import build_corpus, collect_pieces
    from .train import TrainSettings, train_model

    corpus_dir = Path(args.corpus) if args.corpus else None
    if corpus_dir is None:
        corpus_dir = Path(args.out) / "corpus"
        if not (corpus_dir / "train.txt").exists():
            build_corpus(corpus_dir, collect_pieces(args.data, not args.no_bach, args.limit, _log),
                         seed=args.seed, log=_log)
    settings = TrainSettings(out=Path(args.out), corpus_dir=corpus_dir, layers=args.layers, width=args.width,
                             heads=args.heads, context=args.context, max_steps=args.max_steps,
                             batch_size=args.batch_size, lr=args.lr, save_steps=args.save_steps,
                             eval_steps=args.save_steps, resume=args.resume, max_minutes=args.max_minutes,
                             seed=args.seed, init=Path(args.init) if args.init else None)
    folder = train_model(settings)
    print(folder)
    return 0


def evaluate(args) -> int:
    import transformers  # noqa: F401  (missing: the CLI says what to install)

    from .evaluate import evaluate_model

    result = evaluate_model(Path(args.model), data_dir=Path(args.data) if args.data else None,
                            corpus_dir=Path(args.corpus) if args.corpus else None, samples=args.samples,
                            seed=args.seed)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        for k, v in result.items():
            print(f"{k:28s} {v}")
    return 0
