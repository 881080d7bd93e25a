"""`chorale-studio analyze`: the voice-leading report of one piece, or the baseline rates of a corpus."""
from __future__ import annotations

import argparse
import json

from ..errors import ChoraleError
from .findings import KINDS
from .report import Report, analyze as analyze_score


def analyze(args: argparse.Namespace) -> int:
    if args.corpus:
        if args.input:
            raise ChoraleError("give either a file or --corpus, not both")
        from .corpus import corpus_rates
        rates = corpus_rates(args.corpus, limit=args.limit)
        print(json.dumps(rates, indent=2) if args.json else _corpus_text(rates))
        return 0
    if not args.input:
        raise ChoraleError("name a file to analyse, or --corpus bach|jsfakes")
    from ..io.files import load_input
    loaded = load_input(args)
    if args.roman or args.rntxt:
        return _roman(args, loaded.score)
    report = analyze_score(loaded.score)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(_report_text(args.input, loaded.score.bars, [*loaded.messages, *loaded.remarks], report))
    return 0


def _roman(args: argparse.Namespace, score) -> int:
    from ..io.romantext import romantext, write_romantext
    from .harmony import harmony
    analysis = harmony(score)
    if args.rntxt:
        write_romantext(score, analysis.chords, args.rntxt)
        print(f"wrote {len(analysis.chords)} chords and {len(analysis.cadences)} cadences to {args.rntxt}")
    else:
        print(romantext(score, analysis.chords), end="")
    return 0


def _table(counts: dict[str, int], per_100: dict[str, float], per_note: dict[str, float]) -> list[str]:
    lines = [f"  {'finding':<18} {'count':>6} {'per 100 changes':>16} {'per note':>9}"]
    for kind in KINDS:
        lines.append(f"  {kind.replace('_', ' '):<18} {counts[kind]:>6} {per_100[kind]:>16.2f} {per_note[kind]:>9.4f}")
    return lines


def _report_text(name: str, bars: int, import_messages: list[str], report: Report) -> str:
    lines = [f"{name}: {bars} bars in {report.key.name}, {report.notes} notes, "
             f"{report.sonority_changes} sonority changes",
             *(f"  (on reading: {m})" for m in import_messages),
             *_table(report.counts, report.rates_per_100_changes, report.rates_per_note)]
    if report.findings:
        lines.append(f"{len(report.findings)} finding(s):")
        lines.extend(f"  {f.message}" for f in report.findings)
    else:
        lines.append("No findings: the voice leading follows every rule checked.")
    return "\n".join(lines)


def _corpus_text(rates: dict) -> str:
    skipped = f" ({rates['skipped']} left out: not readable as four parts in 4/4 or 3/4)" if rates["skipped"] else ""
    head = (f"{rates['corpus']}: {rates['pieces']} pieces{skipped}, {rates['notes']} notes, "
            f"{rates['sonority_changes']} sonority changes")
    return "\n".join([head, *_table(rates["counts"], rates["rates_per_100_changes"], rates["rates_per_note"])])
