"""Fuzzing the import paths: thousands of damaged, random and wrong-kind files through ``load_any``.

Every input must either open as a sound piece (one that can be saved again
as a project) or fail with the project's own FileFormatError — one line that
starts "could not read <path>: ".  Anything else (another exception, a piece
that cannot be saved, an input that takes more than a few seconds) is a
finding, written to the findings folder with its traceback.

Inputs are mutations of small valid seeds in the four formats — MIDI (two
JS Fakes and our own export), MusicXML and MXL, .chorale projects and token
text — made by a seeded ``random.Random``: truncation, flipped, inserted,
deleted and duplicated bytes, numbers replaced by extreme ones, JSON values
of the wrong type, shuffled or random token words, and files of one format
under another's extension.  The same seed gives the same inputs.

Run the long campaign (the issue asks for at least 10,000 inputs):

    python benchmarks/fuzz_import.py --count 10000 [--seed 1] [--findings DIR]

``tests/test_fuzz_import.py`` runs a short campaign of the same engine.
"""
from __future__ import annotations

import argparse
import copy
import io
import json
import random
import re
import resource
import signal
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

#: Share of inputs per format.  music21 parses MusicXML ~20× slower than mido reads MIDI,
#: so MusicXML/MXL get fewer (and small) inputs.
FORMAT_WEIGHTS = {".mid": 35, ".chorale": 25, ".txt": 25, ".musicxml": 9, ".mxl": 6}
SLOW_INPUT_SECONDS = 5.0
MEMORY_LIMIT_BYTES = 4 * 2**30
EXTREME_NUMBERS = ["0", "-1", "1", "7", "127", "128", "255", "65535", "2147483648", "99999999999999999999",
                   "-99999999", "1e308", "1e999", "NaN", "0.0001", "3.5"]


@dataclass
class Report:
    """What a campaign did: inputs per format, how each ended, and the findings."""

    count: int = 0
    opened: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)
    findings: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")
    seconds: float = 0.0

    def summary(self) -> str:
        per_format = ", ".join(f"{ext} {self.opened[ext] + self.refused[ext]} ({self.opened[ext]} opened)"
                               for ext in FORMAT_WEIGHTS)
        return (f"{self.count} inputs in {self.seconds:.1f} s ({self.count / max(self.seconds, 1e-9):.0f}/s): "
                f"{per_format}; {len(self.findings)} finding(s); slowest input {self.slowest[0]:.2f} s "
                f"({self.slowest[1]})")


# ---- seeds -------------------------------------------------------------------------------------------

def seed_corpus(jsfakes_dir: Path | None) -> dict[str, list[bytes]]:
    """Valid files of each format: the starting points of every mutation."""
    from chorale_studio.io.files import save_any
    from chorale_studio.score import Key, Meter, Note, Score, Voice

    small = Score(bars=2, title="Seed")
    for v, p in zip(Voice, (72, 67, 64, 48)):
        small.set_notes(v, [Note(start=0, length=8, pitch=p), Note(start=8, length=8, pitch=p + 2),
                            Note(start=16, length=16, pitch=p)])
    waltz = Score(bars=3, meter=Meter.parse("3/4"), key=Key(-2, "minor"), pickup=4, title="Waltz")
    for v, p in zip(Voice, (70, 65, 62, 46)):
        waltz.set_notes(v, [Note(start=8, length=4, pitch=p), Note(start=12, length=12, pitch=p - 1),
                            Note(start=24, length=12, pitch=p)])
    waltz.set_locked([(Voice.ALTO, 1)])
    seeds: dict[str, list[bytes]] = {ext: [] for ext in FORMAT_WEIGHTS}
    with tempfile.TemporaryDirectory() as tmp:
        for score in (small, waltz):
            for ext in seeds:
                path = Path(tmp) / f"seed{ext}"
                save_any(score, path, {"temperature": 0.9, "voices": {"S": {"program": 52}}})
                seeds[ext].append(path.read_bytes())
    # music21 writes random part ids and zip timestamps; fixed ones make a run repeatable from its seed.
    seeds[".musicxml"] = [_fixed_ids(data) for data in seeds[".musicxml"]]
    seeds[".mxl"] = [_zip({name: _fixed_ids(content) for name, content in _unzip(data).items()})
                     for data in seeds[".mxl"]]
    if jsfakes_dir is not None:
        seeds[".mid"] += [(jsfakes_dir / f"{n}.mid").read_bytes() for n in (0, 497)]
    return seeds


# ---- mutations ----------------------------------------------------------------------------------------

def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[:rng.randrange(len(data) + 1)]


def _flip(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if b:
            b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def _insert(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.randbytes(rng.randint(1, 32)) + data[at:]


def _delete(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    return data[:at] + data[at + rng.randint(1, 64):]


def _duplicate(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    chunk = data[at:at + rng.randint(1, 256)]
    to = rng.randrange(len(data) + 1)
    return data[:to] + chunk * rng.randint(1, 20) + data[to:]


def _numbers(rng: random.Random, data: bytes) -> bytes:
    """Replace a few numbers in text (XML, JSON, tokens) by extreme ones."""
    spans = [m.span() for m in re.finditer(rb"-?\d+(\.\d+)?", data)]
    for start, end in sorted(rng.sample(spans, min(len(spans), rng.randint(1, 4))), reverse=True):
        data = data[:start] + rng.choice(EXTREME_NUMBERS).encode() + data[end:]
    return data


def _midi_fields(rng: random.Random, data: bytes) -> bytes:
    """Damage what a MIDI reader trusts: the header, chunk lengths and variable-length delta times."""
    b = bytearray(data)
    choice = rng.randrange(4)
    if choice == 0 and len(b) >= 14:      # format, track count, ticks per quarter (0 or SMPTE)
        b[8:14] = rng.choice([b"\x00\x02", b"\x00\x01", b"\x00\x00"]) + rng.randbytes(2) + \
            rng.choice([b"\x00\x00", b"\xe7\x28", b"\x00\x01", b"\x7f\xff"])
    elif choice == 1:                      # a chunk length far larger or smaller than the chunk
        at = data.find(b"MTrk", rng.randrange(max(len(data), 1)))
        at = at if at >= 0 else data.find(b"MTrk")
        if at >= 0:
            b[at + 4:at + 8] = rng.choice([b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", rng.randbytes(4)])
    elif choice == 2 and len(b) > 30:      # a delta time of thousands of bars
        at = rng.randrange(22, len(b))
        b[at:at] = rng.choice([b"\x8f\xff\xff\x7f", b"\x81\x80\x80\x00", b"\xff\xff\xff\xff\x7f"])
    else:                                  # a running-status byte sequence without a status
        at = rng.randrange(len(b) + 1)
        b[at:at] = bytes([rng.randrange(0x80, 0x100)]) + rng.randbytes(rng.randint(0, 4))
    return bytes(b)


def _midi_messages(rng: random.Random, data: bytes) -> bytes:
    """Well-formed MIDI with odd music: notes moved, doubled or left hanging, absurd times, tempos, meters, keys."""
    import mido

    try:
        midi = mido.MidiFile(file=io.BytesIO(data))
    except Exception:  # noqa: BLE001 — an earlier mutation broke the file: damage it further instead
        return _flip(rng, data)
    for _ in range(rng.randint(1, 6)):
        if not midi.tracks:
            break
        track = rng.choice(midi.tracks)
        i = rng.randrange(len(track) + 1)
        msg = track[i] if i < len(track) else None
        op = rng.randrange(7)
        if op == 0 and msg is not None:
            track[i] = msg.copy(time=rng.choice([0, 1, 7, 96, 480, 10**5, 2**27]))
        elif op == 1 and msg is not None and msg.type in ("note_on", "note_off"):
            track[i] = msg.copy(note=rng.randrange(128), channel=rng.choice([msg.channel, rng.randrange(16)]))
        elif op == 2 and msg is not None:
            del track[i]
        elif op == 3 and msg is not None:
            track.insert(i, msg.copy())
        elif op == 4:
            track.insert(i, rng.choice([
                mido.MetaMessage("set_tempo", tempo=rng.choice([1, 500_000, 16_777_215])),
                mido.MetaMessage("time_signature", numerator=rng.choice([1, 3, 4, 6, 255]),
                                 denominator=rng.choice([1, 2, 4, 8, 128])),
                mido.MetaMessage("key_signature", key=rng.choice(["C", "F#m", "Cb", "A#m"])),
                mido.Message("note_on", note=rng.randrange(128), velocity=rng.randrange(128),
                             channel=rng.randrange(16), time=rng.choice([0, 48]))]))
        elif op == 5:
            midi.ticks_per_beat = rng.choice([1, 3, 96, 480, 32767])
        elif rng.random() < 0.5:
            midi.tracks.append(mido.MidiTrack(track))
        else:
            midi.tracks.remove(track)
    out = io.BytesIO()
    try:
        midi.save(file=out)
    except Exception:  # noqa: BLE001 — mido cannot write this combination; keep the input as it was
        return data
    return out.getvalue()


def _json_values(rng: random.Random, data: bytes) -> bytes:
    """Put values of the wrong type or absurd size at random places of a project's JSON."""
    try:
        doc = json.loads(data)
    except ValueError:
        return _flip(rng, data)
    wrong = [None, True, -1, 0, 2 ** 63, 10 ** 400 // 10 ** 390, -10 ** 12, 1e308, 0.5, "", "x" * 50, "4/4",
             [], [1, 2], [[0, 0, 0]], [[1e9, -5, 300]], {}, {"S": None}, {"fifths": "C"}, [["S", 999]]]
    for _ in range(rng.randint(1, 3)):
        parent, key = _random_slot(rng, doc)
        value = copy.deepcopy(rng.choice(wrong))   # a shared list could end up inside itself
        if parent is None:
            doc = value
        else:
            parent[key] = value
    return json.dumps(doc).encode()


def _random_slot(rng: random.Random, doc):
    """A random (container, key) inside ``doc``, walking down a few levels."""
    parent, key = None, None
    node = doc
    for _ in range(rng.randint(1, 5)):
        if isinstance(node, dict) and node:
            parent, key = node, rng.choice(list(node))
        elif isinstance(node, list) and node:
            parent, key = node, rng.randrange(len(node))
        else:
            break
        node = parent[key]
    return parent, key


def _token_words(rng: random.Random, data: bytes) -> bytes:
    """Token text as a confused writer or model might produce it: words dropped, repeated, swapped, foreign."""
    from chorale_studio.tokens.vocab import EXTENDED_WORDS

    words = data.decode("utf-8", "replace").split()
    choice = rng.randrange(4)
    if choice == 0:                        # random words of the vocabulary
        words = [rng.choice(EXTENDED_WORDS) for _ in range(rng.randint(0, 400))]
    elif choice == 1 and words:            # drop, repeat or swap a few words
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(words))
            op = rng.randrange(3)
            if op == 0:
                del words[i]
            elif op == 1:
                words.insert(i, words[i])
            else:
                j = rng.randrange(len(words))
                words[i], words[j] = words[j], words[i]
            if not words:
                break
    elif choice == 2:                      # words that look right but are not in the vocabulary
        for _ in range(rng.randint(1, 4)):
            words.insert(rng.randint(0, len(words)), rng.choice(
                ["NOTE_ON=200", "NOTE_OFF=-3", "TIME_DELTA=0", "TIME_DELTA=999", "KEY=12", "METER=6/8",
                 "INST=5", "BAR_START" * 3, "ÜBER", "\x00", "FILL_START"]))
    else:                                  # a bar repeated until the piece is far too long
        text = " ".join(words)
        bar = re.search(r"BAR_START .*? BAR_END", text)
        if bar:
            text = text.replace(bar.group(0), " ".join([bar.group(0)] * rng.choice([3, 50, 2100])), 1)
        words = text.split()
    return " ".join(words).encode()


def _fixed_ids(xml: bytes) -> bytes:
    ids: dict[bytes, bytes] = {}
    return re.sub(rb'id="([^"]*)"', lambda m: b'id="%s"' % ids.setdefault(m.group(1), b"X%d" % len(ids)), xml)


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in members.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), content)
    return out.getvalue()


def _rezip(rng: random.Random, data: bytes) -> bytes:
    """An .mxl whose inner MusicXML is mutated but whose zip is valid, so music21 really parses it."""
    try:
        members = _unzip(data)
    except Exception:  # noqa: BLE001 — an earlier mutation broke the zip: damage it further instead
        return _flip(rng, data)
    inner = [n for n in members if n.endswith((".xml", ".musicxml")) and not n.startswith("META-INF")]
    if inner:
        name = rng.choice(inner)
        members[name] = rng.choice([_numbers, _truncate, _delete, _flip])(rng, members[name])
    return _zip(members)


GENERIC = [_truncate, _flip, _insert, _delete, _duplicate]
SPECIFIC = {".mid": [_midi_messages, _midi_messages, _midi_fields], ".chorale": [_json_values, _numbers], ".txt": [_token_words, _numbers],
            ".musicxml": [_numbers, _numbers], ".mxl": [_rezip, _rezip]}


def make_input(rng: random.Random, seeds: dict[str, list[bytes]],
               weights: dict[str, int] = FORMAT_WEIGHTS) -> tuple[str, bytes, str]:
    """One fuzz input: (extension, content, how it was made)."""
    ext = rng.choices(list(weights), weights=list(weights.values()))[0]
    roll = rng.random()
    if roll < 0.02:
        return ext, b"", "empty"
    if roll < 0.07:                      # a file of another kind under this extension
        other = rng.choice([e for e in seeds if e != ext])
        return ext, rng.choice(seeds[other]), f"a {other} file"
    data = rng.choice(seeds[ext])
    steps = []
    for _ in range(rng.choice([1, 1, 1, 1, 2, 3])):
        mutate = rng.choice(GENERIC + SPECIFIC[ext] * 2)
        data = mutate(rng, data)
        steps.append(mutate.__name__.lstrip("_"))
    return ext, data, "+".join(steps)


# ---- the campaign ---------------------------------------------------------------------------------------

class TooSlow(BaseException):
    """Raised by the alarm inside a parser that runs too long (BaseException: no parser may catch it)."""


def _too_slow(_signum, _frame):
    raise TooSlow()


def check_one(path: Path) -> tuple[bool, str | None]:
    """Open ``path`` like the app does: (did it open, what went wrong or None)."""
    from chorale_studio.errors import FileFormatError
    from chorale_studio.io.files import load_any
    from chorale_studio.io.project import project_bytes

    previous = signal.signal(signal.SIGALRM, _too_slow)
    signal.setitimer(signal.ITIMER_REAL, SLOW_INPUT_SECONDS)
    try:
        result = load_any(path)
    except TooSlow:
        return False, f"still reading after {SLOW_INPUT_SECONDS:g} s (stopped)"
    except FileFormatError as exc:
        text = str(exc)
        if "\n" in text or not text.startswith(f"could not read {path}: "):
            return False, f"unclear error message: {text!r}"
        if "MemoryError" in text:
            return False, f"ran out of memory: {text!r}"
        return False, None
    except BaseException:  # noqa: BLE001 — exactly what the fuzzer is looking for
        return False, traceback.format_exc()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    try:
        project_bytes(result.score)   # a piece that opened must also save
    except BaseException:  # noqa: BLE001
        return True, "opened, but cannot be saved again:\n" + traceback.format_exc()
    return True, None


def run(count: int, seed: int = 1, jsfakes_dir: Path | None = None, findings_dir: Path | None = None,
        progress: bool = False, formats: tuple[str, ...] = tuple(FORMAT_WEIGHTS)) -> Report:
    """Feed ``count`` inputs of the given formats (extensions) through load_any."""
    weights = {ext: w for ext, w in FORMAT_WEIGHTS.items() if ext in formats}
    rng = random.Random(seed)
    seeds = seed_corpus(jsfakes_dir)
    report = Report()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            ext, data, how = make_input(rng, seeds, weights)
            path = Path(tmp) / f"input-{i}{ext}"
            path.write_bytes(data)
            t0 = time.perf_counter()
            opened, problem = check_one(path)
            took = time.perf_counter() - t0
            if took > report.slowest[0]:
                report.slowest = (took, f"input {i}, {ext}, {how}")
            (report.opened if opened else report.refused)[ext] += 1
            if problem is not None:
                report.findings.append(f"input {i} ({ext}, {how}): {problem}")
                if findings_dir is not None:
                    findings_dir.mkdir(parents=True, exist_ok=True)
                    (findings_dir / path.name).write_bytes(data)
                    (findings_dir / (path.name + ".txt")).write_text(problem)
            path.unlink()
            report.count += 1
            if progress and (i + 1) % 1000 == 0:
                print(f"  {i + 1} inputs, {time.perf_counter() - started:.0f} s, "
                      f"{len(report.findings)} finding(s)", flush=True)
    report.seconds = time.perf_counter() - started
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--findings", type=Path, help="folder for inputs that misbehaved (default: none kept)")
    parser.add_argument("--formats", default=",".join(FORMAT_WEIGHTS),
                        help="extensions to fuzz, e.g. .musicxml,.mxl (default: all)")
    args = parser.parse_args(argv)
    # An input that eats all memory should be a finding (MemoryError), not a machine brought down.
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, resource.getrlimit(resource.RLIMIT_AS)[1]))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from chorale_studio.paths import jsfakes_midi_dir

    jsfakes = jsfakes_midi_dir()
    report = run(args.count, args.seed, jsfakes if jsfakes.is_dir() else None, args.findings, progress=True,
                 formats=tuple(args.formats.split(",")))
    print(report.summary())
    for finding in report.findings[:20]:
        print(finding)
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
