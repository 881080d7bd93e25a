"""The score: four monophonic voices, edits that keep it valid, locks, bars, keys."""
import pytest

from chorale_studio.score import DEFAULT_RANGES, Key, Meter, Note, Score, ScoreError, Voice


def chorale(bars=4) -> Score:
    s = Score(bars=bars)
    for v, p in zip(Voice, (72, 67, 64, 48)):
        s.set_notes(v, [Note(start=b * 16, length=16, pitch=p) for b in range(bars)])
    return s


def test_a_voice_sings_one_note_at_a_time():
    s = Score()
    s.add_note(Voice.ALTO, Note(start=0, length=8, pitch=65))
    with pytest.raises(ScoreError, match="overlap"):
        s.add_note(Voice.ALTO, Note(start=4, length=8, pitch=67))
    s.add_note(Voice.TENOR, Note(start=4, length=8, pitch=60))   # another voice may
    assert s.notes(Voice.ALTO) == (Note(0, 8, 65),)


def test_notes_past_the_end_and_negative_lengths_are_refused():
    s = Score(bars=2)
    with pytest.raises(ScoreError, match="past the end"):
        s.add_note(Voice.BASS, Note(start=28, length=8, pitch=48))
    with pytest.raises(ScoreError, match="positive"):
        Note(start=0, length=-4, pitch=60)
    with pytest.raises(ScoreError):
        Note(start=0, length=4, pitch=128)


def test_moving_and_resizing_a_note_keep_the_voice_valid():
    s = chorale()
    n = s.notes(Voice.SOPRANO)[0]
    moved = s.move_note(Voice.SOPRANO, n, pitch=74)
    assert s.pitch_at(Voice.SOPRANO, 3) == 74
    with pytest.raises(ScoreError):
        s.resize_note(Voice.SOPRANO, moved, 20)   # would run into the next bar's note
    assert s.notes(Voice.SOPRANO)[0] == moved     # a refused edit changes nothing


def test_inserting_a_bar_shifts_later_music_and_locks():
    s = chorale()
    s.set_locked([(Voice.ALTO, 2)])
    s.insert_bars(1)
    assert s.bars == 5
    assert s.pitch_at(Voice.SOPRANO, 16) is None and s.pitch_at(Voice.SOPRANO, 32) == 72
    assert s.is_locked(Voice.ALTO, 3) and not s.is_locked(Voice.ALTO, 2)


def test_deleting_bars_closes_the_gap_and_forgets_their_locks():
    s = chorale()
    s.set_locked([(Voice.BASS, 1), (Voice.BASS, 3)])
    s.delete_bars(1, 2)
    assert s.bars == 2 and len(s.notes(Voice.BASS)) == 2
    assert s.locks == {(Voice.BASS, 1)}


def test_replacing_cells_changes_only_those_cells_and_never_a_locked_one():
    s = chorale()
    s.set_locked([(Voice.TENOR, 2)])
    s.replace_cells([(Voice.ALTO, 1)], {(Voice.ALTO, 1): [Note(16, 8, 69), Note(24, 8, 67)]})
    assert [n.pitch for n in s.notes_in_cell(Voice.ALTO, 1)] == [69, 67]
    assert s.notes_in_cell(Voice.ALTO, 2) == [Note(32, 16, 67)]
    with pytest.raises(ScoreError, match="locked"):
        s.replace_cells([(Voice.TENOR, 2)], {})
    with pytest.raises(ScoreError, match="does not fit"):
        s.replace_cells([(Voice.ALTO, 0)], {(Voice.ALTO, 0): [Note(12, 8, 60)]})


def test_a_note_held_over_a_barline_belongs_to_both_cells_and_splits_cleanly():
    s = Score(bars=2)
    s.add_note(Voice.SOPRANO, Note(start=8, length=16, pitch=72))
    assert s.notes_in_cell(Voice.SOPRANO, 0) == [Note(8, 8, 72)]
    assert s.notes_in_cell(Voice.SOPRANO, 1) == [Note(16, 8, 72)]
    assert s.split_at_barlines().notes(Voice.SOPRANO) == (Note(8, 8, 72), Note(16, 8, 72))


def test_three_four_bars_are_twelve_steps_and_other_meters_are_refused():
    assert Score(meter=Meter(3, 4)).total_steps == 48
    with pytest.raises(ScoreError, match="not supported"):
        Meter(6, 8)


def test_keys_are_named_as_a_musician_spells_them():
    assert Key(-2).name == "Bb major" and Key(-3, "minor").name == "C minor"
    assert Key(-7).name == "Cb major" and Key(3, "minor").name == "F# minor"
    assert Key(-2).transposed(2) == Key(0) and Key(0, "minor").tonic == 9


def test_ranges_are_data_and_can_be_changed():
    s = Score(ranges={Voice.SOPRANO: (62, 79)})
    assert s.ranges[Voice.SOPRANO] == (62, 79) and s.ranges[Voice.BASS] == DEFAULT_RANGES[Voice.BASS]
    assert s.in_range(Voice.SOPRANO, 79) and not s.in_range(Voice.SOPRANO, 81)


def test_plain_data_round_trip_and_malformed_data_gives_a_clear_error():
    s = chorale()
    s.set_locked([(Voice.SOPRANO, 0)])
    assert Score.from_dict(s.to_dict()) == s
    bad = s.to_dict()
    bad["voices"]["S"] = [[0, 16, 72], [8, 16, 74]]
    with pytest.raises(ScoreError, match="overlap"):
        Score.from_dict(bad)
    with pytest.raises(ScoreError, match="malformed"):
        Score.from_dict({"voices": {}})


def test_removing_a_note_leaves_the_rest_and_a_missing_note_is_named():
    s = chorale(bars=2)
    first = s.notes(Voice.TENOR)[0]
    s.remove_note(Voice.TENOR, first)
    assert s.notes(Voice.TENOR) == (Note(16, 16, 64),)
    with pytest.raises(ScoreError, match="tenor has no note"):
        s.remove_note(Voice.TENOR, first)
