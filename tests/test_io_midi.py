"""MIDI in and out: the JS Fakes import as four voices, ordinary SATB files too, and our export
is a clean type-1 file whose tracks a sequencer shows as Soprano, Alto, Tenor and Bass."""
from pathlib import Path

import mido
import pytest

from chorale_studio.errors import FileFormatError
from chorale_studio.io.midi import DEFAULT_PROGRAM, EXPORT_TICKS_PER_QUARTER, read_midi, write_midi
from chorale_studio.score.model import Key, Meter, Note, Score, Voice


def _notes_per_track(midi: mido.MidiFile) -> list[list[tuple[int, int, int, int]]]:
    """(channel, start tick, length in ticks, pitch) of every note, per track, read with mido alone."""
    out = []
    for track in midi.tracks:
        tick, open_, notes = 0, {}, []
        for msg in track:
            tick += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                open_[msg.note] = tick
            elif msg.type in ("note_off", "note_on"):
                start = open_.pop(msg.note)
                notes.append((msg.channel, start, tick - start, msg.note))
        out.append(notes)
    return out


def _chorale() -> Score:
    """Four bars in G minor, 3/4, with a repeated note in the soprano and a held bass across a barline."""
    score = Score(bars=4, meter=Meter(3, 4), key=Key(-2, "minor"), tempo=72, title="Little chorale")
    score.set_notes(Voice.SOPRANO, [Note(start=0, length=4, pitch=67), Note(start=4, length=4, pitch=67),
                                    Note(start=8, length=2, pitch=69), Note(start=10, length=2, pitch=70),
                                    Note(start=12, length=12, pitch=72), Note(start=36, length=12, pitch=67)])
    score.set_notes(Voice.ALTO, [Note(start=0, length=8, pitch=62), Note(start=8, length=16, pitch=63)])
    score.set_notes(Voice.TENOR, [Note(start=0, length=12, pitch=58), Note(start=12, length=1, pitch=57)])
    score.set_notes(Voice.BASS, [Note(start=0, length=20, pitch=43), Note(start=20, length=28, pitch=38)])
    return score


def test_js_fake_497_imports_as_four_voices_of_whole_bars(jsfakes_dir):
    result = read_midi(jsfakes_dir / "497.mid")
    score = result.score
    assert score.meter == Meter(4, 4)
    assert score.tempo == 120
    assert all(score.notes(v) for v in Voice)
    # Bar 0 of 497 opens with quarter notes Bb4 / F4 / D4 / Bb3, the JS Fakes' soprano-to-bass order.
    assert [score.notes(v)[0] for v in Voice] == [Note(start=0, length=4, pitch=p) for p in (70, 65, 62, 58)]
    assert score.total_steps >= max(n.end for _, n in score.all_notes()) > score.total_steps - 16
    assert result.source == jsfakes_dir / "497.mid"


def test_every_js_fake_imports_on_the_grid_without_changes(jsfakes_dir):
    files = sorted(jsfakes_dir.glob("*.mid"))
    assert len(files) == 500
    for f in files:
        result = read_midi(f)
        # The JS Fakes are already on the sixteenth grid and monophonic: nothing is adjusted, and the
        # only remark is the key estimate (they carry no key signature).
        assert result.messages == [], f.name
        assert len(result.remarks) == 1 and "fits its notes best" in result.remarks[0], f.name
        assert result.score.note_count() > 0


def test_exported_midi_has_a_conductor_and_four_named_voice_tracks_with_exact_ticks(tmp_path):
    score = _chorale()
    out = tmp_path / "chorale.mid"
    write_midi(score, out, programs={Voice.BASS: 32})
    midi = mido.MidiFile(out)
    assert midi.type == 1 and midi.ticks_per_beat == EXPORT_TICKS_PER_QUARTER
    assert len(midi.tracks) == 5
    conductor = {m.type: m for m in midi.tracks[0]}
    assert conductor["set_tempo"].tempo == mido.bpm2tempo(72)
    assert (conductor["time_signature"].numerator, conductor["time_signature"].denominator) == (3, 4)
    assert conductor["key_signature"].key == "Gm"
    assert [t.name for t in midi.tracks[1:]] == ["Soprano", "Alto", "Tenor", "Bass"]
    programs = [[(m.channel, m.program) for m in t if m.type == "program_change"] for t in midi.tracks[1:]]
    assert programs == [[(0, DEFAULT_PROGRAM)], [(1, DEFAULT_PROGRAM)], [(2, DEFAULT_PROGRAM)], [(3, 32)]]
    sixteenth = EXPORT_TICKS_PER_QUARTER // 4
    for voice, notes in zip(Voice, _notes_per_track(midi)[1:]):
        assert notes == [(int(voice), n.start * sixteenth, n.length * sixteenth, n.pitch)
                         for n in score.notes(voice)]


def test_a_repeated_note_is_released_before_it_is_struck_again(tmp_path):
    out = tmp_path / "repeat.mid"
    write_midi(_chorale(), out)
    soprano = [m for m in mido.MidiFile(out).tracks[1] if m.type in ("note_on", "note_off")]
    # The two G4 quarter notes: on, off, then (at the same tick) on again.
    assert [(m.type, m.note, m.time) for m in soprano[:3]] == [("note_on", 67, 0), ("note_off", 67, 480),
                                                                ("note_on", 67, 0)]


def test_export_and_import_give_back_the_same_chorale(tmp_path):
    score = _chorale()
    out = tmp_path / "again.mid"
    write_midi(score, out)
    result = read_midi(out)
    assert result.score == score
    assert result.messages == []


def _satb_track_notes() -> list[list[tuple[int, int, int]]]:
    """(start tick, length, pitch) per voice at 96 ticks per quarter, a little off the grid."""
    return [[(0, 96, 72), (97, 95, 74)], [(0, 192, 67)], [(2, 190, 64)], [(0, 96, 48), (96, 96, 43)]]


def _write_tracks(path: Path, voices, *, one_track: bool = False, tpq: int = 96) -> None:
    midi = mido.MidiFile(type=0 if one_track else 1, ticks_per_beat=tpq)
    events = []
    for i, notes in enumerate(voices):
        channel = i if one_track else 0
        for start, length, pitch in notes:
            events.append((start, 1, channel, pitch, i))
            events.append((start + length, 0, channel, pitch, i))
    groups = [events] if one_track else [[e for e in events if e[4] == i] for i in range(len(voices))]
    for group in groups:
        track, now = mido.MidiTrack(), 0
        for tick, on, channel, pitch, _ in sorted(group):
            track.append(mido.Message("note_on", channel=channel, note=pitch, velocity=64 if on else 0,
                                      time=tick - now))
            now = tick
        midi.tracks.append(track)
    midi.save(path)


def test_an_ordinary_four_track_file_is_quantised_and_the_moves_are_reported(tmp_path):
    path = tmp_path / "satb.mid"
    _write_tracks(path, _satb_track_notes())
    result = read_midi(path)
    assert result.score.notes(Voice.SOPRANO) == (Note(start=0, length=4, pitch=72), Note(start=4, length=4, pitch=74))
    assert result.score.notes(Voice.TENOR) == (Note(start=0, length=8, pitch=64),)
    assert any("quantised 2 note(s)" in m and "0.08 of a sixteenth" in m for m in result.messages), result.messages


def test_four_channels_in_one_track_are_the_four_voices(tmp_path):
    path = tmp_path / "type0.mid"
    _write_tracks(path, _satb_track_notes(), one_track=True)
    score = read_midi(path).score
    assert [score.notes(v)[0].pitch for v in Voice] == [72, 67, 64, 48]


def test_overlapping_notes_in_one_voice_are_trimmed_and_reported(tmp_path):
    path = tmp_path / "legato.mid"
    voices = _satb_track_notes()
    voices[0] = [(0, 144, 72), (96, 96, 74)]  # the first note is still held when the second starts
    _write_tracks(path, voices)
    result = read_midi(path)
    assert result.score.notes(Voice.SOPRANO) == (Note(start=0, length=4, pitch=72), Note(start=4, length=4, pitch=74))
    assert "Soprano: shortened 1 note(s) that overlapped the next one" in result.messages


def test_a_midi_file_with_six_voices_is_refused_by_name(tmp_path):
    path = tmp_path / "six.mid"
    _write_tracks(path, _satb_track_notes() + [[(0, 192, 60)], [(0, 192, 55)]])
    with pytest.raises(FileFormatError) as err:
        read_midi(path)
    assert str(err.value) == (f"could not read {path}: this MIDI file has 6 voices; "
                              "Chorale Studio needs exactly four (S, A, T, B); choose four with --parts, "
                              "e.g. --parts 1,2,3,4")
    assert [n.pitch for _, n in read_midi(path, parts=[0, 1, 2, 5]).score.all_notes()][-1] == 55


def test_of_six_named_tracks_the_ones_named_soprano_alto_tenor_and_bass_are_the_voices(tmp_path):
    path = tmp_path / "cantata.mid"
    _write_tracks(path, [[(0, 192, 84)]] + _satb_track_notes() + [[(0, 192, 36)]])
    midi = mido.MidiFile(path)
    for track, name in zip(midi.tracks, ("Flute", "Sopran", "Alt", "Tenor", "Bass", "Continuo")):
        track.insert(0, mido.MetaMessage("track_name", name=name))
    midi.save(path)
    result = read_midi(path)
    assert [result.score.notes(v)[0].pitch for v in Voice] == [72, 67, 64, 48]
    assert result.remarks[0] == ("took the voices named Sopran, Alt, Tenor, Bass as S, A, T, B; "
                                 "left out Flute, Continuo")


def test_five_four_time_is_refused_with_the_meter_named_and_six_eight_is_read_as_three_four(tmp_path):
    path = tmp_path / "jig.mid"
    _write_tracks(path, _satb_track_notes())
    midi = mido.MidiFile(path)
    midi.tracks[0].insert(0, mido.MetaMessage("time_signature", numerator=5, denominator=4))
    midi.save(path)
    with pytest.raises(FileFormatError, match="is in 5/4; Chorale Studio handles 4/4 and 3/4 only"):
        read_midi(path)
    midi.tracks[0][0] = mido.MetaMessage("time_signature", numerator=6, denominator=8)
    midi.save(path)
    result = read_midi(path)
    assert result.score.meter == Meter(3, 4)
    assert "the piece is in 6/8, which Chorale Studio does not write; each of its bars was read as a bar of 3/4 " \
           "(every note keeps its time)" in result.messages


@pytest.mark.parametrize("content, reason", [
    (b"", "the file is empty"),
    (bytes(range(256)) * 4, "not a readable MIDI file"),
    (b"MThd\x00\x00\x00\x06\x00\x01\x00\x01\x00\x60", "the MIDI file is cut off"),  # header, then nothing
], ids=["empty", "random bytes", "truncated"])
def test_files_that_are_not_midi_give_one_clear_error(tmp_path, content, reason):
    path = tmp_path / "bad.mid"
    path.write_bytes(content)
    with pytest.raises(FileFormatError) as err:
        read_midi(path)
    assert str(err.value).startswith(f"could not read {path}: {reason}")
    assert "\n" not in str(err.value)


def test_a_midi_file_without_notes_is_refused(tmp_path):
    path = tmp_path / "silence.mid"
    midi = mido.MidiFile()
    midi.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500000)]))
    midi.save(path)
    with pytest.raises(FileFormatError, match="contains no notes"):
        read_midi(path)


def test_a_piece_longer_than_the_bar_limit_is_refused_before_it_is_built(tmp_path):
    path = tmp_path / "endless.mid"
    voices = _satb_track_notes()
    voices[3] = [(0, 96, 48), (96 * 4 * (Score.MAX_BARS + 5), 96, 43)]  # one note thousands of bars later
    _write_tracks(path, voices)
    with pytest.raises(FileFormatError, match=f"the piece has {Score.MAX_BARS + 6} bars; Chorale Studio handles "
                                              f"up to {Score.MAX_BARS}"):
        read_midi(path)
