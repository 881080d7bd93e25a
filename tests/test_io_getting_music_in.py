"""Getting music in (#23): a composer opens the chorales they have, as people store them — a cantata
chorale with its instruments, the same chorale in closed score, a one-track MIDI file from a keyboard —
and a pickup piece ends with the short bar that balances it.  Real files: music21's corpus, and the
closed-score and one-track versions made from it here."""
import copy
import io
import subprocess
import sys

import mido
import pytest
from music21 import chord, clef, converter, corpus, stream

from chorale_studio.errors import FileFormatError
from chorale_studio.io.midi import midi_bytes, read_midi
from chorale_studio.io.musicxml import musicxml_bytes, read_musicxml
from chorale_studio.io.parts import PartInfo, by_names, parse_parts, voice_named
from chorale_studio.score.model import Meter, Voice


def _sung_parts(work: str) -> list[stream.Part]:
    return [p for p in corpus.parse(work).parts if p.partName in ("Soprano", "Alto", "Tenor", "Bass")]


def _notes_of(parts: list[stream.Part]) -> list[list[tuple[float, float, int]]]:
    """(onset, length, pitch) per part as music21 reads it, ties merged: the composer's notes."""
    return [[(float(n.offset), float(n.quarterLength), n.pitch.midi) for n in p.stripTies().flatten().notes]
            for p in parts]


def _as_read(score) -> list[list[tuple[float, float, int]]]:
    shift = (score.steps_per_bar - score.pickup) % score.steps_per_bar
    return [[((n.start - shift) / 4, n.length / 4, n.pitch) for n in score.notes(v)] for v in Voice]


def closed_score(work: str, path, *, chords_where_rhythms_agree: bool = False) -> None:
    """The chorale on two staves as hymnals print it: soprano and alto as voices 1 and 2 of the upper
    staff, tenor and bass of the lower; with ``chords_where_rhythms_agree``, bars where both voices of a
    staff move together are written as chords on one stem instead."""
    s, a, t, b = _sung_parts(work)
    closed = stream.Score()
    for (upper, lower), staff_clef in (((s, a), clef.TrebleClef), ((t, b), clef.BassClef)):
        staff = stream.Part()
        for mu, ml in zip(upper.getElementsByClass(stream.Measure), lower.getElementsByClass(stream.Measure)):
            m = stream.Measure(number=mu.number)
            m.paddingLeft = mu.paddingLeft
            for e in mu.getElementsByClass(["TimeSignature", "KeySignature"]):
                m.insert(0, copy.deepcopy(e))
            un, ln = list(mu.notesAndRests), list(ml.notesAndRests)
            together = [(x.offset, x.quarterLength, x.isRest, bool(x.tie)) for x in un] == \
                       [(y.offset, y.quarterLength, y.isRest, bool(y.tie)) for y in ln]
            if chords_where_rhythms_agree and together and not any(x.isRest for x in un):
                for x, y in zip(un, ln):
                    c = chord.Chord([x.pitch, y.pitch], quarterLength=x.quarterLength)
                    c.tie, c.expressions = copy.deepcopy(x.tie), list(x.expressions)
                    m.insert(x.offset, c)
            else:
                for number, source in ((1, un), (2, ln)):
                    layer = stream.Voice(id=str(number))
                    for e in source:
                        layer.insert(e.offset, copy.deepcopy(e))
                    m.insert(0, layer)
            staff.append(m)
        staff.getElementsByClass(stream.Measure)[0].insert(0, staff_clef())
        closed.insert(0, staff)
    closed.write("musicxml", fp=path)


def one_track_midi(score, path, *, hands: bool = False) -> None:
    """``score`` as a keyboard exports it: one track on one channel (type 0), or with ``hands`` two tracks,
    soprano and alto in the right hand, tenor and bass in the left."""
    full = mido.MidiFile(file=io.BytesIO(midi_bytes(score)))
    merged = mido.merge_tracks(full.tracks)
    out = mido.MidiFile(type=1 if hands else 0, ticks_per_beat=full.ticks_per_beat)
    for channels in ((0, 1), (2, 3)) if hands else ((0, 1, 2, 3),):
        track, tick, last = mido.MidiTrack(), 0, 0
        for msg in merged:
            tick += msg.time
            if msg.is_meta or msg.channel in channels:
                track.append(msg.copy(time=tick - last) if msg.is_meta else
                             msg.copy(time=tick - last, channel=channels[0]))
                last = tick
        out.tracks.append(track)
    out.save(path)


def _in_the_right_voice(original, imported) -> float:
    """Share of the original's notes (start, pitch) that the import put in the same voice."""
    total = sum(len(original.notes(v)) for v in Voice)
    same = sum(len({(n.start, n.pitch) for n in original.notes(v)} & {(n.start, n.pitch) for n in imported.notes(v)})
               for v in Voice)
    return same / total


# ---- many parts ---------------------------------------------------------------------------------

def test_bwv_1_6_with_its_horn_opens_as_the_four_sung_parts_found_by_their_names():
    result = read_musicxml(corpus.getWork("bach/bwv1.6"))
    assert _as_read(result.score) == _notes_of(_sung_parts("bach/bwv1.6"))   # all 344 sung notes, none of the horn's
    assert result.score.note_count() == 344
    assert result.remarks == ["took the parts named Soprano, Alto, Tenor, Bass as S, A, T, B; left out Horn 2"]


def test_bwv_248_23_2_with_flutes_oboes_and_organ_opens_as_its_four_voices_in_12_8_read_as_3_4():
    result = read_musicxml(corpus.getWork("bach/bwv248.23-2"))
    assert result.score.meter == Meter(3, 4)
    assert _as_read(result.score) == _notes_of(_sung_parts("bach/bwv248.23-2"))
    assert "left out Flutes, Oboe d'amore, Oboe da caccia, Organ" in result.remarks[0]
    assert any("12/8" in m and "2 bars of 3/4" in m for m in result.messages)


def test_parts_can_be_chosen_by_number_for_s_a_t_b():
    chosen = read_musicxml(corpus.getWork("bach/bwv1.6"), parts=parse_parts("1,3,4,5"))
    assert _as_read(chosen.score)[0][:3] == _notes_of(list(corpus.parse("bach/bwv1.6").parts)[:1])[0][:3]
    assert chosen.remarks == ["took parts 1, 3, 4, 5 as S, A, T, B (Horn 2, Alto, Tenor, Bass)"]
    with pytest.raises(FileFormatError, match="--parts names part 9, but the file has 5 parts"):
        read_musicxml(corpus.getWork("bach/bwv1.6"), parts=parse_parts("2,3,4,9"))


@pytest.mark.parametrize("name, voice", [("Soprano", Voice.SOPRANO), ("S.", Voice.SOPRANO), ("Sopran 1", Voice.SOPRANO),
                                         ("Cantus", Voice.SOPRANO), ("Alt", Voice.ALTO), ("Coro Alto", Voice.ALTO),
                                         ("Tenore", Voice.TENOR), ("T", Voice.TENOR), ("Basso", Voice.BASS),
                                         ("Basso continuo", None), ("Organ", None), ("Horn 2", None)])
def test_a_voice_is_known_by_its_name_in_the_usual_languages_and_abbreviations(name, voice):
    assert voice_named(name) is voice


def test_parts_whose_names_begin_with_a_voice_are_its_voices_when_full_names_do_not_decide():
    # BWV 41.6 names its sung parts with the instruments doubling them: "Soprano Oboe 1 Violin1" … "Bass Continuo"
    names = [p.partName for p in corpus.parse("bach/bwv41.6").parts]
    assert by_names([PartInfo(i + 1, n) for i, n in enumerate(names)]) == [5, 6, 7, 8]
    # full names decide first: the "Basso" sings, the "Basso continuo" beside it plays
    assert by_names([PartInfo(i + 1, n) for i, n in enumerate(
        ["Basso continuo", "Soprano", "Alto", "Tenore", "Basso"])]) == [1, 2, 3, 4]
    # two parts beginning with a bass, no full name decides: not read as the bass
    assert by_names([PartInfo(i + 1, n) for i, n in enumerate(
        ["Soprano Oboe", "Alto", "Tenor", "Bass Continuo", "Bass Fagotto"])]) is None


# ---- closed score -------------------------------------------------------------------------------

@pytest.mark.parametrize("chords", [False, True], ids=["voices", "chords-where-rhythms-agree"])
def test_the_chorale_in_closed_score_opens_with_the_same_notes_as_in_open_score(tmp_path, chords):
    path = tmp_path / "bwv1.6-closed.musicxml"
    closed_score("bach/bwv1.6", path, chords_where_rhythms_agree=chords)
    assert len(converter.parse(path).parts) == 2
    result = read_musicxml(path)
    open_score = read_musicxml(corpus.getWork("bach/bwv1.6")).score
    assert result.score.same_music(open_score)
    assert result.score.pickup == 4 and result.score.fermatas == open_score.fermatas
    assert result.remarks == ["read the two staves as a closed score: soprano and alto above, tenor and bass below"]


# ---- MIDI with fewer than four voices -----------------------------------------------------------

@pytest.mark.parametrize("hands", [False, True], ids=["one-track", "two-hands"])
def test_a_one_track_midi_file_of_a_chorale_opens_with_its_voices_separated(tmp_path, hands):
    original = read_musicxml(corpus.getWork("bach/bwv1.6")).score
    original.pickup = 0   # a MIDI file has no pickup: the music starts on a beat of bar 1
    path = tmp_path / "bwv1.6.mid"
    one_track_midi(original, path, hands=hands)
    assert len(mido.MidiFile(path).tracks) == (2 if hands else 1)
    result = read_midi(path)
    share = _in_the_right_voice(original, result.score)
    print(f"\nBWV 1.6 from {'two hands' if hands else 'one track'}: {share:.1%} of the notes in the right voice")
    assert share >= 0.98
    assert any(m.startswith("the file has") and "were separated into soprano, alto, tenor and bass" in m
               for m in result.messages)


def test_one_track_separation_over_forty_chorales_puts_nine_notes_in_ten_in_the_right_voice(tmp_path):
    right = total = pieces = 0
    works = [p for p in corpus.getComposer("bach") if p.suffix == ".mxl"][:40]
    for work in works:
        try:
            original = read_musicxml(work).score
        except FileFormatError:
            continue
        original.pickup = 0
        one_track_midi(original, tmp_path / "one.mid")
        imported = read_midi(tmp_path / "one.mid").score
        n = original.note_count()
        right, total = right + _in_the_right_voice(original, imported) * n, total + n
        pieces += 1
    print(f"\n{pieces} Bach chorales from one track: {right / total:.1%} of {total} notes in the right voice")
    assert right / total >= 0.9


def test_a_one_track_file_with_six_notes_struck_at_once_cannot_be_separated_and_says_so(tmp_path):
    path = tmp_path / "piano.mid"
    track = mido.MidiTrack([mido.Message("note_on", note=p, velocity=64) for p in (48, 55, 60, 64, 67, 72)] +
                           [mido.Message("note_off", note=48, time=1920)] +
                           [mido.Message("note_off", note=p) for p in (55, 60, 64, 67, 72)])
    mido.MidiFile(type=0, tracks=[track]).save(path)
    with pytest.raises(FileFormatError, match="6 notes start together at quarter 0; they cannot be separated "
                                              "into 4 voices"):
        read_midi(path)


# ---- the pickup's balancing bar -----------------------------------------------------------------

def test_a_pickup_piece_ends_with_the_short_bar_that_balances_it_in_musicxml_and_the_score_pane():
    from chorale_studio.notation.written import write_bar

    score = read_musicxml(corpus.getWork("bach/bwv66.6")).score
    assert score.pickup == 4 and score.written_span(score.bars - 1) == (144, 156)
    exported = converter.parse(musicxml_bytes(score), format="musicxml")
    for part in exported.parts:
        bars = [m.duration.quarterLength for m in part.getElementsByClass(stream.Measure)]
        assert bars[0] == 1 and bars[-1] == 3 and set(bars[1:-1]) == {4}
    last = [w for v in Voice for w in write_bar(score, v, score.bars - 1)]
    assert max(w.start + w.steps for w in last) == 156 and not any(w.is_rest for w in last)


# ---- the command line ---------------------------------------------------------------------------

def _convert(*args):
    return subprocess.run([sys.executable, "-m", "chorale_studio", "convert", *map(str, args)],
                          capture_output=True, text=True, timeout=180)


def test_convert_opens_every_kind_of_file_a_composer_has(tmp_path):
    closed_score("bach/bwv1.6", tmp_path / "closed.musicxml")
    original = read_musicxml(corpus.getWork("bach/bwv1.6")).score
    original.pickup = 0
    one_track_midi(original, tmp_path / "one.mid")
    runs = {
        "bwv66.6": _convert(corpus.getWork("bach/bwv66.6"), tmp_path / "pickup.musicxml"),
        "bwv1.6": _convert(corpus.getWork("bach/bwv1.6"), tmp_path / "a.chorale"),
        "bwv1.6 --parts": _convert(corpus.getWork("bach/bwv1.6"), tmp_path / "b.chorale", "--parts", "1,3,4,5"),
        "bwv248.23-2": _convert(corpus.getWork("bach/bwv248.23-2"), tmp_path / "c.mid"),
        "bwv248.23-2 --parts": _convert(corpus.getWork("bach/bwv248.23-2"), tmp_path / "d.mid", "--parts", "4,5,6,7"),
        "closed": _convert(tmp_path / "closed.musicxml", tmp_path / "e.musicxml"),
        "one track": _convert(tmp_path / "one.mid", tmp_path / "f.musicxml"),
        "bad --parts": _convert(corpus.getWork("bach/bwv1.6"), tmp_path / "g.mid", "--parts", "2,3"),
    }
    for name, run in runs.items():
        if name == "bad --parts":
            assert run.returncode == 2 and "--parts takes four different part numbers" in run.stderr, run.stderr
        else:
            assert run.returncode == 0, (name, run.stderr)
            assert run.stdout.startswith("wrote "), (name, run.stdout)
    assert "left out Horn 2" in runs["bwv1.6"].stderr
    assert "took parts 1, 3, 4, 5 as S, A, T, B (Horn 2, Alto, Tenor, Bass)" in runs["bwv1.6 --parts"].stderr
    assert "were separated into soprano, alto, tenor and bass" in runs["one track"].stderr
    assert read_midi(tmp_path / "c.mid").score.same_music(read_midi(tmp_path / "d.mid").score)
    for part in converter.parse(tmp_path / "pickup.musicxml").parts:   # the pickup, and the bar balancing it
        bars = [m.duration.quarterLength for m in part.getElementsByClass(stream.Measure)]
        assert bars[0] == 1 and bars[-1] == 3


def test_analyze_and_engrave_take_the_same_parts_option(tmp_path, capsys):
    from chorale_studio.cli import main

    work = str(corpus.getWork("bach/bwv1.6"))
    assert main(["analyze", work, "--parts", "2,3,4,5"]) == 0
    report = capsys.readouterr().out
    assert "took parts 2, 3, 4, 5 as S, A, T, B (Soprano, Alto, Tenor, Bass)" in report
    assert main(["engrave", work, "-o", str(tmp_path / "bwv1.6.svg"), "--parts", "2,3,4,5"]) == 0
    assert (tmp_path / "bwv1.6.svg").read_text().count('class="note"') == 344
    assert main(["analyze", work, "--parts", "2,3,4"]) == 2
    assert "--parts takes four different part numbers" in capsys.readouterr().err


def test_the_corpora_still_take_only_plain_four_part_chorales_in_4_4_or_3_4():
    """Training and the corpus baseline read Bach as he wrote it: no voices chosen from many parts, no
    12/8 read as 3/4 (a model must not learn a compound meter as a simple one)."""
    from chorale_studio.io.musicxml import score_from_music21

    with pytest.raises(FileFormatError, match="has 5 parts"):
        score_from_music21(corpus.parse("bach/bwv1.6"), plain=True)
    m21 = corpus.parse("bach/bwv248.23-2")
    m21.remove([p for p in m21.parts if p.partName not in ("Soprano", "Alto", "Tenor", "Bass")])
    with pytest.raises(FileFormatError, match="is in 12/8"):
        score_from_music21(m21, plain=True)
    assert score_from_music21(corpus.parse("bach/bwv66.6"), plain=True).score.note_count() == 163


def test_three_parts_are_refused_with_what_chorale_studio_reads_instead(tmp_path):
    m21 = stream.Score()
    for pitch in ("C5", "G4", "C3"):
        part = stream.Part()
        part.append(stream.Measure([chord.Chord([pitch], quarterLength=4)]))
        m21.insert(0, part)
    m21.write("musicxml", fp=tmp_path / "trio.musicxml")
    with pytest.raises(FileFormatError, match="has 3 parts; Chorale Studio reads four parts \\(S, A, T, B\\), four "
                                              "of more, or a closed score on two staves"):
        read_musicxml(tmp_path / "trio.musicxml")
