"""The phrasing checker counts what a musician hears: cadences on full root-position triads, eighth-note
steps, suspensions that fall, leaps and augmented seconds, and cross relations — and nothing else."""
from __future__ import annotations

from chorale_studio.analysis.phrasing import (Phrasing, augmented_seconds, cross_relations, eighth_steps, final_tonic,
                                              fermata_chords, find_cross_relations, find_suspensions, onsets_per_quarter,
                                              phrasing, suspensions, tritone_leaps, wide_leaps)
from chorale_studio.score import Key, Note, Score, Voice

S, A, T, B = Voice


def chorale(voices: dict[Voice, list[tuple[int, int]]], bars: int = 1, key: Key = Key(), fermatas=()) -> Score:
    """A score from (pitch, length) lists per voice, each voice's notes one after the other from step 0."""
    score = Score(bars=bars, key=key, fermatas=set(fermatas))
    for v, line in voices.items():
        notes, step = [], 0
        for pitch, length in line:
            notes.append(Note(step, length, pitch))
            step += length
        score.set_notes(v, notes)
    return score


# ---- phrase ends --------------------------------------------------------------------------
def test_a_fermata_on_a_root_position_triad_counts_and_one_in_first_inversion_does_not():
    #              beats 1–2: C major, root position      beats 3–4: C major, E in the bass
    score = chorale({S: [(72, 8), (72, 8)], A: [(67, 8), (67, 8)], T: [(64, 8), (60, 8)], B: [(48, 8), (52, 8)]},
                    fermatas={0, 8})
    assert fermata_chords(score) == (1, 2)
    assert fermata_chords(score, [8]) == (0, 1), "C/E is a full triad, but not in root position"


def test_a_fermata_chord_without_its_fifth_or_with_a_seventh_is_not_a_complete_triad():
    score = chorale({S: [(72, 8), (70, 8)], A: [(64, 8), (64, 8)], T: [(60, 8), (55, 8)], B: [(48, 8), (48, 8)]},
                    fermatas={0, 8})
    assert fermata_chords(score) == (0, 2), "C–E–C–C has no fifth; C–E–G–B♭ is a seventh chord"


def test_a_four_three_suspension_resolving_under_the_fermata_still_closes_on_the_triad():
    #  G major: the alto holds C over the fermata's first beat, then falls to B
    score = chorale({S: [(74, 16)], A: [(72, 4), (71, 12)], T: [(67, 16)], B: [(43, 16)]}, fermatas={0})
    assert fermata_chords(score) == (1, 1)


def test_the_last_chord_is_the_tonic_in_root_position_a_picardy_third_counts_a_dominant_does_not():
    minor = Key.parse("A minor")
    picardy = chorale({S: [(69, 16)], A: [(64, 16)], T: [(61, 16)], B: [(45, 16)]}, key=minor)
    assert final_tonic(picardy) == (1, 1)
    no_fifth = chorale({S: [(69, 16)], A: [(69, 16)], T: [(60, 16)], B: [(45, 16)]}, key=minor)
    assert final_tonic(no_fifth) == (1, 1), "Bach's final chords often leave out the fifth"
    inverted = chorale({S: [(69, 16)], A: [(64, 16)], T: [(57, 16)], B: [(48, 16)]}, key=minor)
    assert final_tonic(inverted) == (0, 1), "C in the bass: the tonic in first inversion"
    half_close = chorale({S: [(68, 16)], A: [(64, 16)], T: [(59, 16)], B: [(52, 16)]}, key=minor)
    assert final_tonic(half_close) == (0, 1), "E major: a half close"


def test_the_last_chord_is_the_one_that_sounds_last():
    #  the final chord comes after a rest in the soprano
    score = chorale({S: [(72, 8)], A: [(67, 8), (64, 8)], T: [(64, 8), (60, 8)], B: [(48, 8), (53, 8)]})
    assert final_tonic(score) == (0, 1), "F in the bass under E and C at the end"


# ---- melodic lines ------------------------------------------------------------------------
def test_eighth_notes_moving_by_step_count_and_leaping_eighths_or_stepping_quarters_do_not():
    #           C quarter, D eighth (step), E eighth (step), G eighth (leap both sides), C quarter...
    score = chorale({A: [(60, 4), (62, 2), (64, 2), (69, 2), (60, 2), (65, 4)]})
    assert eighth_steps(score, A) == (2, 6), "D and E pass by step; A leaps in and out; 60 eighth leaps on"


def test_a_neighbour_note_counts_once():
    score = chorale({T: [(60, 4), (62, 2), (60, 10)]})
    assert eighth_steps(score, T) == (1, 3)


def test_a_tritone_and_a_seventh_are_counted_and_a_rest_breaks_the_line():
    score = chorale({B: [(53, 4), (47, 4), (57, 4), (45, 4)]})    # F–B tritone, B–A seventh, A–A octave
    assert tritone_leaps(score, B) == (1, 4)
    assert wide_leaps(score, B) == (2, 4), "the seventh B2–A3 and the octave A3–A2"
    broken = Score(bars=1)
    broken.set_notes(B, [Note(0, 4, 53), Note(8, 4, 47)])
    assert tritone_leaps(broken, B) == (0, 2), "a leap across a rest is no melodic interval"


def test_an_augmented_second_is_three_semitones_on_neighbouring_letters():
    minor = Key.parse("A minor")
    score = chorale({A: [(65, 4), (68, 4), (69, 4), (65, 4)]}, key=minor)   # F–G♯–A, then A–F (a third)
    assert augmented_seconds(score, A) == (1, 4)
    third = chorale({A: [(71, 4), (74, 4)]}, key=minor)   # B–D: three semitones, but a minor third
    assert augmented_seconds(third, A) == (0, 2)


# ---- suspensions --------------------------------------------------------------------------
def test_a_held_dissonance_that_falls_by_step_over_a_held_bass_is_a_suspension():
    #  alto: C held from beat 2 over beat 3 (a 4th above G in the bass), falls to B
    score = chorale({S: [(76, 16)], A: [(67, 4), (72, 6), (71, 6)], T: [(62, 16)], B: [(55, 4), (43, 12)]})
    found = find_suspensions(score)
    assert [(x.voice, x.beat, x.above_bass) for x in found] == [(A, 8, 29)], found
    assert suspensions(score) == (1, 4)


def test_a_held_dissonance_that_rises_or_a_held_consonance_is_no_suspension():
    rising = chorale({S: [(76, 16)], A: [(67, 4), (72, 6), (74, 6)], T: [(62, 16)], B: [(55, 4), (43, 12)]})
    assert suspensions(rising) == (0, 4), "C rising to D"
    consonant = chorale({S: [(76, 16)], A: [(67, 4), (71, 6), (69, 6)], T: [(62, 16)], B: [(55, 4), (43, 12)]})
    assert suspensions(consonant) == (0, 4), "B over G is a third"
    struck = chorale({S: [(76, 16)], A: [(67, 8), (72, 2), (71, 6)], T: [(62, 16)], B: [(55, 4), (43, 12)]})
    assert suspensions(struck) == (0, 4), "C struck after the beat is an appoggiatura at most, not held over it"


def test_a_suspension_whose_bass_moves_before_the_resolution_is_not_counted():
    #  the alto's C is a 4th above G on beat 3, but the bass moves to E before the C falls to B
    moving = chorale({S: [(76, 16)], A: [(67, 4), (72, 8), (71, 4)], T: [(62, 16)], B: [(55, 4), (43, 6), (40, 6)]})
    assert suspensions(moving) == (0, 4)
    held = chorale({S: [(76, 16)], A: [(67, 4), (72, 8), (71, 4)], T: [(62, 16)], B: [(55, 4), (43, 12)]})
    assert suspensions(held) == (1, 4)


def test_suspensions_are_counted_only_in_the_voices_asked_about():
    score = chorale({S: [(76, 16)], A: [(67, 4), (72, 6), (71, 6)], T: [(62, 16)], B: [(55, 4), (43, 12)]})
    assert suspensions(score, voices=[T, B]) == (0, 4)


# ---- cross relations ----------------------------------------------------------------------
def test_a_cross_relation_at_the_same_time_and_one_in_the_next_chord_are_counted():
    #  C major: the soprano's B♭ against the alto's B at once
    score = chorale({S: [(70, 4), (72, 12)], A: [(71, 4), (67, 12)], T: [(53, 8), (57, 8)],
                     B: [(41, 8), (38, 8)]}, bars=1)
    assert [x.simultaneous for x in find_cross_relations(score)] == [True]
    successive = chorale({S: [(72, 4), (74, 4)], A: [(65, 4), (66, 4)], T: [(60, 4), (62, 4)],
                          B: [(53, 4), (50, 4)]})
    # F in the alto going to F♯ in the alto is a chromatic line, not a cross relation …
    assert cross_relations(successive) == (0, 2)
    across = chorale({S: [(72, 4), (74, 4)], A: [(65, 4), (69, 4)], T: [(60, 4), (62, 4)], B: [(50, 4), (54, 4)]})
    # … the alto's F answered by the bass's F♯ is one
    found = find_cross_relations(across)
    assert [(x.voices, x.simultaneous) for x in found] == [((A, B), False)]
    assert cross_relations(across) == (1, 2)


def test_a_cross_relation_between_two_given_voices_is_not_the_writers():
    score = chorale({S: [(72, 4), (74, 4)], A: [(65, 4), (69, 4)], T: [(60, 4), (62, 4)], B: [(50, 4), (54, 4)]})
    assert cross_relations(score, voices=[S, T]) == (0, 2)
    assert cross_relations(score, voices=[B]) == (1, 2)


# ---- rhythm and the sum over pieces -------------------------------------------------------
def test_onsets_per_quarter_and_counts_add_up_over_passages():
    score = chorale({S: [(72, 16)], A: [(67, 4), (65, 2), (64, 2), (62, 8)], T: [(64, 16)], B: [(48, 16)]},
                    fermatas={0})
    assert onsets_per_quarter(score, A) == (4, 4)
    one = phrasing(score, ends_piece=True)
    both = Phrasing().add(one).add(one)
    f = both.figures()
    assert f["onsets_per_quarter"] == {"S": 0.25, "A": 1.0, "T": 0.25, "B": 0.25}
    assert f["fermata_triads"] == 1.0 and f["final_tonic"] == 0.0, "the last chord is C–D–C–C"
    assert both.notes == 14 and both.eighth_steps == 4
    assert phrasing(score).figures()["final_tonic"] is None, "a passage that does not end the piece"


def test_a_fermata_marked_again_on_a_lower_voice_under_the_same_soprano_note_is_one_phrase_end():
    #  the bass moves from C to E under the soprano's fermata C, and the file marks both
    score = chorale({S: [(72, 16)], A: [(67, 16)], T: [(64, 16)], B: [(48, 8), (52, 8)]}, fermatas={0, 8})
    assert fermata_chords(score) == (1, 1)


# ---- spelling in the chord ----------------------------------------------------------------
def test_a_chromatic_note_is_named_by_its_chord_so_a_minor_fourth_is_no_cross_relation():
    #  B♭ major: E♭–G♭–B♭ with F in the tenor.  The key alone would call the alto's G♭ an F♯ (against F: a clash).
    score = chorale({S: [(70, 16)], A: [(66, 16)], T: [(65, 16)], B: [(51, 16)]}, key=Key.parse("Bb major"))
    assert cross_relations(score) == (0, 1)
    #  … while in D–F♯–A after the alto's F, F♯ in the bass is one
    score = chorale({S: [(74, 4), (74, 4)], A: [(65, 4), (69, 4)], T: [(58, 4), (62, 4)], B: [(46, 4), (54, 4)]},
                    key=Key.parse("Bb major"))
    assert cross_relations(score) == (1, 2)


def test_c_to_e_flat_over_an_f_seventh_chord_is_a_minor_third_not_an_augmented_second():
    #  C major: the key alone would call E♭ a D♯
    score = chorale({S: [(72, 8), (72, 8)], A: [(69, 8), (69, 8)], T: [(60, 8), (63, 8)], B: [(53, 8), (53, 8)]})
    assert augmented_seconds(score, T) == (0, 2)
    #  E minor: C–D♯ under B–D♯–F♯–A is one
    score = chorale({S: [(71, 8), (71, 8)], A: [(66, 8), (66, 8)], T: [(60, 8), (63, 8)], B: [(47, 8), (45, 8)]},
                    key=Key.parse("E minor"))
    assert augmented_seconds(score, T) == (1, 2)


def test_a_chromatic_neighbour_keeps_its_key_name_rather_than_share_a_letter_with_the_note_it_decorates():
    #  G minor: the alto's B natural as a lower neighbour of C, over A♭–C–E♭: not C♭ against the tenor's C
    score = chorale({S: [(75, 16)], A: [(60, 2), (59, 2), (60, 12)], T: [(60, 16)], B: [(56, 16)]},
                    key=Key.parse("G minor"))
    assert cross_relations(score) == (0, 3)
