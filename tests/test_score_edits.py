"""What the editor's gestures do to a piece, without a window: ``score.edits`` answers what the voices
hold afterwards and leaves the piece it was asked about as it was."""
import pytest

from chorale_studio.score import Meter, Note, Score, ScoreError, Voice, parse_bar_range
from chorale_studio.score import edits

S, A = Voice.SOPRANO, Voice.ALTO


def piece() -> Score:
    score = Score(bars=4)
    score.set_notes(S, [Note(0, 16, 67), Note(16, 8, 69)])
    score.set_notes(A, [Note(0, 8, 60)])
    return score


def test_a_note_drawn_over_a_held_note_cuts_it_around_itself():
    score = piece()
    after = edits.laid_over(score, [(S, Note(4, 4, 72))])
    assert after == {S: (Note(0, 4, 67), Note(4, 4, 72), Note(8, 8, 67), Note(16, 8, 69))}
    assert score == piece(), "the piece asked about is unchanged"


def test_moving_a_note_onto_another_trims_the_one_it_lands_on():
    score = piece()
    after = edits.replaced(score, [(S, Note(16, 8, 69))], [(S, Note(12, 8, 71))])
    assert after == {S: (Note(0, 12, 67), Note(12, 8, 71))}


def test_shifting_past_the_edge_of_the_piece_is_refused_and_within_it_moves_every_note():
    score = piece()
    assert edits.shifted(score, [(S, Note(16, 8, 69))], 48, 0) is None
    assert edits.shifted(score, [(S, Note(16, 8, 69))], 0, 100) is None
    assert edits.shifted(score, [(S, Note(16, 8, 69)), (A, Note(0, 8, 60))], 4, 12) == [
        (S, Note(20, 8, 81)), (A, Note(4, 8, 72))]


def test_pasting_near_the_end_drops_what_would_start_after_it_and_shortens_what_runs_past():
    score = piece()
    copied = [(S, Note(0, 16, 67)), (A, Note(8, 8, 60)), (S, Note(32, 4, 70))]
    assert edits.pasted(score, copied, 52) == [(S, Note(52, 12, 67)), (A, Note(60, 4, 60))]
    assert edits.pasted(score, [], 0) == []


def test_deleting_notes_keeps_the_rest_of_their_voice():
    assert edits.without(piece(), [(S, Note(0, 16, 67))]) == {S: (Note(16, 8, 69),)}


def test_a_new_meter_keeps_every_note_at_its_step_and_clears_bar_locks():
    score = piece()
    score.bars = 6
    score.set_locked([(S, 5)])
    three = edits.with_meter(score, Meter(3, 4))
    assert three.bars == 8 and three.notes(S) == score.notes(S) and three.locks == set()
    back = edits.with_meter(three, Meter(4, 4))
    assert back.bars == 6 and back.notes(A) == score.notes(A)


def test_a_continuation_adds_its_bars_and_keeps_the_piece_before_them():
    score = piece()
    longer = score.copy()
    longer.insert_bars(4, 2)
    longer.set_notes(A, [*longer.notes(A), Note(64, 16, 62)])
    out = edits.continued(score, longer, [(A, 4), (A, 5)])
    assert out.bars == 6 and out.notes(A) == (Note(0, 8, 60), Note(64, 16, 62))
    with pytest.raises(ScoreError):
        edits.continued(longer, score, [])


def test_assigning_a_shorter_piece_with_other_locks_replaces_everything():
    target, source = piece(), Score(bars=2)
    target.set_locked([(S, 3)])
    source.set_locked([(A, 1)])
    edits.assign(target, source)
    assert target == source


def test_bar_ranges_are_read_as_zero_based_and_checked_against_the_piece():
    assert parse_bar_range("2:6", 8) == (2, 6)
    with pytest.raises(ScoreError, match="A:B"):
        parse_bar_range("2-6", 8)
    with pytest.raises(ScoreError, match="outside"):
        parse_bar_range("4:9", 8)
