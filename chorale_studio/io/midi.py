"""MIDI files in and out (mido): the JS Fakes layout, ordinary SATB files, and our own export.

Import finds the four voices by track and channel — the JS Fakes put each
voice on its own track, all on channel 0; other files use four tracks or four
channels of one track — in the order they appear (soprano first).  Times are
quantised to sixteenth steps and each voice made monophonic; every such
adjustment is reported in ``ImportResult.messages``.

Export writes a type-1 file at 480 ticks per quarter: a conductor track
(tempo, time signature, key signature) and one named track per voice on its
own channel with a program change.  At equal times a note-off comes before
the next note-on, so repeated notes are re-struck cleanly.
"""
from __future__ import annotations

import io
from collections import defaultdict, deque
from fractions import Fraction
from pathlib import Path
from typing import Mapping, Sequence

import mido

from ..errors import FileFormatError
from ..score.model import STEPS_PER_QUARTER, Key, Meter, Score, Voice
from .atomic import atomic_write_bytes
from .parts import Chooser, PartInfo, choose_parts
from .separate import separate
from .common import (ImportResult, RawNote, build_score, check_bar_count, check_size, chorale_meter, estimate_key, reading,
                     to_step, voice_count_error)

EXPORT_TICKS_PER_QUARTER = 480
#: General MIDI program 52 (0-based) is "Choir Aahs".
DEFAULT_PROGRAM = 52
EXPORT_VELOCITY = 80
PERCUSSION_CHANNEL = 9

#: The text of the marker that stands for a phrase end (a fermata) in an exported MIDI file.
FERMATA_MARKER = "Fermata"

_LETTER_FIFTHS = {"F": -1, "C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5}


def key_from_midi_name(name: str) -> Key:
    """mido's key names ('Bb', 'F#m') → Key: letter's place on the circle of fifths, ±7 per accidental."""
    minor = name.endswith("m")
    tonic = name[:-1] if minor else name
    fifths = _LETTER_FIFTHS[tonic[0]] + 7 * (tonic.count("#") - tonic.count("b")) - (3 if minor else 0)
    return Key(fifths, "minor" if minor else "major")


def key_to_midi_name(key: Key) -> str:
    """Key → mido's key name: 'Bb' for B-flat major, 'Gm' for G minor."""
    tonic = key.name.split()[0]
    return tonic + "m" if key.mode == "minor" else tonic


def read_midi(path: str | Path, *, parts: Sequence[int] | None = None, choose: Chooser | None = None
              ) -> ImportResult:
    """Read a four-voice MIDI file into a Score; raise FileFormatError if it is not one.

    Fewer than four voices (one track, or a keyboard's two hands) are separated (``io.separate``); of
    more, the four named Soprano, Alto, Tenor, Bass, or ``parts`` (0-based, S, A, T, B order), or those
    ``choose`` picks, are read.
    """
    path = Path(path)
    with reading(path, "MIDI file"):
        check_size(path)
        # From memory, not the open file: mido reads a chunk by its stated length, and a damaged
        # length (4 GB in a 100-byte file) would make a file read allocate all of it.
        midi = mido.MidiFile(file=io.BytesIO(path.read_bytes()))
        return _import(midi, path, parts, choose)


def _import(midi: mido.MidiFile, path: Path, parts: Sequence[int] | None, choose: Chooser | None
            ) -> ImportResult:
    if midi.type == 2:
        raise FileFormatError("MIDI type 2 (independent sequences) is not supported")
    tpq = midi.ticks_per_beat
    if not tpq or tpq <= 0:
        raise FileFormatError("the MIDI file uses SMPTE time, not ticks per quarter note")
    messages: list[str] = []
    tempo_us: tuple[int, int] | None = None  # (tick, microseconds per quarter) of the first tempo
    meters: list[tuple[int, int, int]] = []  # (tick, numerator, denominator)
    key: Key | None = None
    title = ""
    fermatas: list[Fraction] = []
    voices: dict[tuple[int, int], list[RawNote]] = defaultdict(list)
    track_names: dict[int, str] = {}
    drums = 0
    for track_no, track in enumerate(midi.tracks):
        tick = 0
        sounding: dict[tuple[int, int], deque[int]] = defaultdict(deque)
        for msg in track:
            tick += msg.time
            if msg.type == "set_tempo":
                if tempo_us is None or tick < tempo_us[0]:
                    tempo_us = (tick, msg.tempo)
            elif msg.type == "time_signature":
                meters.append((tick, msg.numerator, msg.denominator))
            elif msg.type == "track_name":
                track_names.setdefault(track_no, msg.name.strip())
                if track_no == 0 and not title:
                    title = msg.name.strip()
            elif msg.type == "marker" and msg.text.strip() == FERMATA_MARKER:
                fermatas.append(Fraction(tick, tpq))
            elif msg.type == "key_signature" and key is None:
                key = key_from_midi_name(msg.key)
            elif msg.type == "note_on" and msg.velocity > 0:
                if msg.channel == PERCUSSION_CHANNEL:
                    drums += 1
                    continue
                sounding[(msg.channel, msg.note)].append(tick)
            elif msg.type == "note_off" or msg.type == "note_on":
                starts = sounding.get((msg.channel, msg.note))
                if starts:
                    start = starts.popleft()
                    voices[(track_no, msg.channel)].append(
                        RawNote(Fraction(start, tpq), Fraction(tick, tpq), msg.note))
        unclosed = 0
        for (channel, note), starts in sounding.items():
            for start in starts:  # a note never released ends with its track
                voices[(track_no, channel)].append(RawNote(Fraction(start, tpq), Fraction(tick, tpq), note))
                unclosed += 1
        if unclosed:
            messages.append(f"ended {unclosed} note(s) that were never released at the end of track {track_no}")
    if drums:
        messages.append(f"ignored {drums} drum note(s) on channel 10")

    meter = _meter(meters, messages)
    streams = [k for k in sorted(voices) if voices[k]]
    found = [sorted(voices[k], key=lambda r: (r.onset, r.pitch)) for k in streams]
    if not found:
        raise FileFormatError("the MIDI file contains no notes")
    check_bar_count(max(r.end for v in found for r in v), meter)
    remarks = []
    if len(found) > 4 or parts is not None:
        infos = [_info(i, track_names.get(track, ""), notes) for i, ((track, _channel), notes)
                 in enumerate(zip(streams, found))]
        refusal = voice_count_error(len(found), "MIDI", "voice") if len(found) != 4 else None
        if refusal is not None:
            refusal = FileFormatError(f"{refusal}; choose four with --parts, e.g. --parts 1,2,3,4")
        choice = choose_parts(infos, parts, choose, unit="voice", refusal=refusal)
        found = [found[i] for i in choice.indices]
        if choice.remark:
            remarks.append(choice.remark)
    elif len(found) < 4:
        found = _separated(found, messages)
    if key is None:
        bass = found[3]
        key = estimate_key(found, bass[-1].pitch if bass else None)
        remarks.append(f"the file states no key; {key.name} fits its notes best")
    tempo = mido.tempo2bpm(tempo_us[1]) if tempo_us else 120.0
    score = build_score(found, meter=meter, key=key, tempo=tempo, title=title or path.stem, messages=messages)
    score.fermatas = {s for s in map(to_step, fermatas) if 0 <= s < score.total_steps}
    return ImportResult(score=score, messages=messages, source=path, remarks=remarks)


def _info(index: int, name: str, notes: list[RawNote]) -> PartInfo:
    pitches = [n.pitch for n in notes]
    return PartInfo(index + 1, name, "", len(pitches), min(pitches), max(pitches))


def _separated(found: list[list[RawNote]], messages: list[str]) -> list[list[RawNote]]:
    """Four voices from one, two or three streams: two (a keyboard's hands) split into S/A above and
    T/B below where each holds two voices; otherwise all together into S, A, T, B.  Says so in ``messages``."""
    halves = None
    if len(found) == 2:
        upper, lower = sorted(found, key=lambda v: -sum(n.pitch for n in v) / len(v))
        try:
            halves = [separate(upper, [Voice.SOPRANO, Voice.ALTO]), separate(lower, [Voice.TENOR, Voice.BASS])]
            how = "the upper and lower stream"
        except FileFormatError:   # a hand plays three notes at once somewhere: separate all four together
            pass
    if halves is None:
        halves = [separate([n for v in found for n in v], list(Voice))]
        how = "the notes" if len(found) == 1 else f"the {len(found)} streams together"
    by_order = sum(h.by_order for h in halves)
    by_line = sum(h.by_line for h in halves)
    streams = "1 track and channel" if len(found) == 1 else f"{len(found)} tracks or channels"
    messages.append(f"the file has {streams}, not four voices: {how} were separated into soprano, alto, tenor "
                    f"and bass — {by_order} note(s) by pitch order where every voice sounds, {by_line} by the nearest line; "
                    "check the voices")
    return [v for h in halves for v in h.voices]


def _meter(meters: list[tuple[int, int, int]], messages: list[str]) -> Meter:
    if not meters:
        return Meter(4, 4)  # the MIDI default when no time signature is given
    meters.sort()
    first = meters[0]
    for _, num, den in meters:
        if (num, den) != first[1:]:
            raise FileFormatError(
                f"the meter changes from {first[1]}/{first[2]} to {num}/{den}; Chorale Studio needs one meter")
    return chorale_meter(first[1], first[2], messages)


def midi_bytes(score: Score, programs: Mapping[Voice, int] | None = None) -> bytes:
    """The score as a type-1 Standard MIDI File, in memory."""
    ticks = EXPORT_TICKS_PER_QUARTER // STEPS_PER_QUARTER  # per sixteenth step
    midi = mido.MidiFile(type=1, ticks_per_beat=EXPORT_TICKS_PER_QUARTER)
    conductor = mido.MidiTrack()
    if score.title:
        conductor.append(mido.MetaMessage("track_name", name=score.title, time=0))
    conductor.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(score.tempo), time=0))
    conductor.append(mido.MetaMessage("time_signature", numerator=score.meter.numerator,
                                      denominator=score.meter.denominator, time=0))
    conductor.append(mido.MetaMessage("key_signature", key=key_to_midi_name(score.key), time=0))
    now = 0
    for step in sorted(score.fermatas):   # phrase ends as markers, which sequencers show on their timeline
        conductor.append(mido.MetaMessage("marker", text=FERMATA_MARKER, time=step * ticks - now))
        now = step * ticks
    conductor.append(mido.MetaMessage("end_of_track", time=score.total_steps * ticks - now))
    midi.tracks.append(conductor)
    for voice in Voice:
        program = (programs or {}).get(voice, DEFAULT_PROGRAM)
        channel = int(voice)
        track = mido.MidiTrack()
        track.append(mido.MetaMessage("track_name", name=voice.label, time=0))
        track.append(mido.Message("program_change", channel=channel, program=program, time=0))
        # (tick, 0 = off / 1 = on, pitch): sorting puts note-offs before note-ons at equal times.
        events = []
        for n in score.notes(voice):
            events.append((n.start * ticks, 1, n.pitch))
            events.append((n.end * ticks, 0, n.pitch))
        events.sort()
        now = 0
        for tick, on, pitch in events:
            kind = "note_on" if on else "note_off"
            track.append(mido.Message(kind, channel=channel, note=pitch,
                                      velocity=EXPORT_VELOCITY if on else 0, time=tick - now))
            now = tick
        track.append(mido.MetaMessage("end_of_track", time=max(0, score.total_steps * ticks - now)))
        midi.tracks.append(track)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def write_midi(score: Score, path: str | Path, programs: Mapping[Voice, int] | None = None) -> None:
    """Save ``score`` as a MIDI file (atomically: an existing file is replaced only on success)."""
    atomic_write_bytes(path, midi_bytes(score, programs))
