"""MusicXML in and out: Bach's four-part chorales come in (pickups and all) and go back out as a
valid, engraveable SATB score that music21 and MuseScore read with the same notes."""
import collections
import functools
import shutil
import subprocess
from fractions import Fraction

import pytest
import xmlschema
from music21 import chord, converter, corpus, stream

from chorale_studio.errors import FileFormatError, ImportCancelled
from chorale_studio.io.musicxml import musicxml_bytes, read_musicxml, score_from_music21, write_musicxml
from chorale_studio.score.model import Key, Meter, Note, Score, Voice


def _chorale_with_pickup() -> Score:
    """A 3/4 tune in A major with a quarter-note pickup, a bass note tied over a barline,
    a silent alto bar and a leading tone (G#) and a flat seventh (G natural)."""
    score = Score(bars=3, meter=Meter(3, 4), key=Key(3), tempo=66, title="Pickup test", pickup=4)
    score.set_notes(Voice.SOPRANO, [Note(start=8, length=4, pitch=76), Note(start=12, length=6, pitch=73),
                                    Note(start=18, length=2, pitch=74), Note(start=20, length=4, pitch=76),
                                    Note(start=24, length=5, pitch=68), Note(start=29, length=7, pitch=69)])
    score.set_notes(Voice.ALTO, [Note(start=8, length=4, pitch=69), Note(start=12, length=12, pitch=69)])
    score.set_notes(Voice.TENOR, [Note(start=8, length=4, pitch=61), Note(start=12, length=12, pitch=64),
                                  Note(start=24, length=12, pitch=67)])
    score.set_notes(Voice.BASS, [Note(start=8, length=8, pitch=45), Note(start=16, length=20, pitch=40)])
    return score


@functools.lru_cache(maxsize=1)
def _xsd(path):
    # "sandbox": the schema's imports (xml.xsd, xlink.xsd) load from its own folder, never the network.
    return xmlschema.XMLSchema(str(path), allow="sandbox")


def _voices_as_music21_reads_them(m21: stream.Score) -> list[list[tuple[int, Fraction, Fraction]]]:
    """(pitch, onset, duration) per part, ties merged: what a musician would call the notes."""
    out = []
    for part in m21.parts:
        notes = []
        for n in part.stripTies().flatten().notes:
            top = max(p.midi for p in n.pitches) if isinstance(n, chord.Chord) else n.pitch.midi
            notes.append((top, Fraction(n.offset), Fraction(n.quarterLength)))
        out.append(notes)
    return out


def test_a_pickup_chorale_round_trips_through_musicxml(tmp_path):
    score = _chorale_with_pickup()
    path = tmp_path / "pickup.musicxml"
    write_musicxml(score, path)
    result = read_musicxml(path)
    assert result.score == score
    assert result.messages == []


def test_the_exported_score_reads_like_a_chorale_in_music21(tmp_path):
    path = tmp_path / "pickup.musicxml"
    write_musicxml(_chorale_with_pickup(), path)
    m21 = converter.parse(path)
    parts = list(m21.parts)
    assert [p.partName for p in parts] == ["Soprano", "Alto", "Tenor", "Bass"]
    clefs = [type(p.recurse().getElementsByClass("Clef").first()).__name__ for p in parts]
    assert clefs == ["TrebleClef", "TrebleClef", "Treble8vbClef", "BassClef"]
    first = parts[0].getElementsByClass(stream.Measure).first()
    assert first.duration.quarterLength == 1.0 and first.number == 0  # the incomplete pickup measure
    ks = parts[0].recurse().getElementsByClass("KeySignature").first()
    assert (ks.sharps, ks.mode) == (3, "major")
    assert parts[0].recurse().getElementsByClass("MetronomeMark").first().getQuarterBPM() == 66
    # The leading tone is spelled G sharp, the flat seventh G natural (not F double-sharp, not A flat),
    # and the bass's A and E are tied over the barlines they cross.
    assert "G#4" in [n.nameWithOctave for n in parts[0].recurse().notes]
    assert [n.nameWithOctave for n in parts[2].recurse().notes][-1] == "G4"
    bass = list(parts[3].recurse().notes)
    assert [(n.nameWithOctave, n.tie.type if n.tie else None) for n in bass] == [
        ("A2", "start"), ("A2", "stop"), ("E2", "start"), ("E2", "stop")]
    # The silent alto bar is one whole-measure rest.
    alto_rests = list(parts[1].getElementsByClass(stream.Measure)[2].notesAndRests)
    assert len(alto_rests) == 1 and alto_rests[0].isRest and alto_rests[0].quarterLength == 3.0


def test_exported_musicxml_is_valid_against_the_musicxml_4_schema(tmp_path, musicxml_xsd):
    path = tmp_path / "pickup.musicxml"
    write_musicxml(_chorale_with_pickup(), path)
    _xsd(musicxml_xsd).validate(str(path))


def test_an_exported_bach_chorale_is_valid_against_the_schema(tmp_path, musicxml_xsd):
    score = read_musicxml(corpus.getWork("bwv248.64-s")).score
    path = tmp_path / "bwv248.musicxml"
    write_musicxml(score, path)
    _xsd(musicxml_xsd).validate(str(path))


@pytest.mark.skipif(shutil.which("musescore3") is None or shutil.which("xvfb-run") is None,
                    reason="musescore3 (and xvfb-run) not installed")
def test_musescore_3_engraves_the_exported_score(tmp_path):
    path = tmp_path / "chorale.musicxml"
    write_musicxml(read_musicxml(corpus.getWork("bwv10.7")).score, path)
    pdf = tmp_path / "chorale.pdf"
    run = subprocess.run(["xvfb-run", "-a", "musescore3", "-o", str(pdf), str(path)],
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    assert "no instrument found" not in run.stdout + run.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


@pytest.mark.skipif(shutil.which("musescore3") is None or shutil.which("xvfb-run") is None,
                    reason="musescore3 (and xvfb-run) not installed")
def test_musescore_3_reads_a_pickup_piece_back_note_for_note_with_its_short_last_bar(tmp_path):
    path = tmp_path / "bwv66.6.musicxml"
    write_musicxml(read_musicxml(corpus.getWork("bach/bwv66.6")).score, path)
    again = tmp_path / "from-musescore.musicxml"
    run = subprocess.run(["xvfb-run", "-a", "musescore3", "-o", str(again), str(path)],
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    ours, theirs = converter.parse(path), converter.parse(again)
    assert _voices_as_music21_reads_them(theirs) == _voices_as_music21_reads_them(ours)
    for part in theirs.parts:
        bars = [m.duration.quarterLength for m in part.getElementsByClass(stream.Measure)]
        assert bars[0] == 1 and bars[-1] == 3   # the pickup, and the short bar that balances it


def test_a_compressed_mxl_round_trips(tmp_path):
    score = _chorale_with_pickup()
    path = tmp_path / "pickup.mxl"
    write_musicxml(score, path)
    assert read_musicxml(path).score == score


def test_a_bach_chorale_with_a_pickup_starts_bar_0_at_the_upbeat():
    result = read_musicxml(corpus.getWork("bwv248.64-s"))
    score = result.score
    assert score.pickup == 4 and score.meter == Meter(4, 4)
    assert score.key == Key(2, "major") and score.tempo == 96
    # The upbeat F#4 sits in the last quarter of bar 0.
    assert score.notes(Voice.SOPRANO)[0] == Note(start=12, length=4, pitch=66)
    # Its 32nd-note ornament and a two-note chord are reported, not silently dropped.
    assert any(m.startswith("quantised") for m in result.messages)
    assert "Soprano: kept the top note of 2 chord(s)" in result.messages


def test_six_unnamed_parts_are_read_as_the_four_lowest_numbered_singing_ones_or_as_chosen(tmp_path):
    m21 = stream.Score()
    for pitch in ("C7", "C5", "G4", "E4", "C3", "C2"):   # the first sings too high, the last too low
        part = stream.Part()
        part.append(stream.Measure([chord.Chord([pitch], quarterLength=4)]))
        m21.insert(0, part)
    path = tmp_path / "sextet.musicxml"
    m21.write("musicxml", fp=path)
    result = read_musicxml(path)
    assert [n.pitch for _, n in result.score.all_notes()] == [72, 67, 64, 48]
    assert result.remarks[0] == ("the part names do not say which are S, A, T, B; took parts 2, 3, 4, 5 "
                                 "(choose others with --parts, e.g. --parts 2,3,4,5)")
    asked = []
    chosen = read_musicxml(path, choose=lambda parts, default: asked.append((parts, default)) or [1, 2, 3, 5])
    assert [n.pitch for _, n in chosen.score.all_notes()] == [72, 67, 64, 36]
    assert [p.number for p in asked[0][0]] == [1, 2, 3, 4, 5, 6] and asked[0][1] == [1, 2, 3, 4]
    assert not asked[0][0][0].sings and asked[0][0][1].sings
    with pytest.raises(ImportCancelled):
        read_musicxml(path, choose=lambda parts, default: None)


def test_text_that_is_not_musicxml_gives_one_clear_error(tmp_path):
    path = tmp_path / "notes.musicxml"
    path.write_text("<score-partwise><part id='P1'><measure number='1'>")
    with pytest.raises(FileFormatError) as err:
        read_musicxml(path)
    assert str(err.value).startswith(f"could not read {path}: ") and "\n" not in str(err.value)


def _bach_chorale_paths():
    return sorted(p for p in corpus.getComposer("bach") if p.suffix in (".mxl", ".xml"))


@pytest.mark.slow
def test_bach_chorales_survive_musicxml_to_score_to_musicxml():
    """Every four-part Bach chorale of music21's corpus in 4/4 or 3/4: its notes, read back by music21
    from our export, are the original's (pitch, onset, duration per voice, ties merged)."""
    imported, same, changed, skipped = 0, 0, [], collections.Counter()
    for path in _bach_chorale_paths():
        original = converter.parse(path)
        try:
            result = score_from_music21(original, plain=True)   # the voices of many parts: test_io_getting_music_in
        except FileFormatError as exc:
            skipped[str(exc).split(";")[0]] += 1
            continue
        imported += 1
        again = converter.parse(musicxml_bytes(result.score), format="musicxml")
        if _voices_as_music21_reads_them(again) == _voices_as_music21_reads_them(original):
            same += 1
        else:
            changed.append((path.name, result.messages))
    print(f"\nBach chorales: {imported} imported, {same} identical after the round trip, "
          f"{len(changed)} changed by import adjustments, skipped: {dict(skipped)}")
    assert same >= 300
    # A chorale whose notes changed must have said why (quantising, chords, grace notes).
    assert all(messages for _, messages in changed), changed


def test_a_musicxml_file_without_a_key_signature_gets_the_key_its_notes_fit(tmp_path):
    from chorale_studio.io.musicxml import read_musicxml, write_musicxml
    from chorale_studio.score import Key, Note, Score, Voice

    s = Score(bars=2, key=Key(2))   # D major music: F# and C# throughout
    for v, pitches in zip(Voice, ((74, 78, 76, 74), (66, 69, 67, 66), (62, 62, 61, 62), (50, 45, 45, 50))):
        s.set_notes(v, [Note(start=8 * i, length=8, pitch=p) for i, p in enumerate(pitches)])
    path = tmp_path / "d.musicxml"
    write_musicxml(s, path)
    import re

    text, dropped = re.subn(r"<key>.*?</key>", "", path.read_text(encoding="utf-8"), flags=re.S)
    assert dropped == 4   # one signature per part
    path.write_text(text, encoding="utf-8")
    result = read_musicxml(path)
    assert result.score.key == Key(2)
    assert result.remarks == ["the file states no key; D major fits its notes best"]
