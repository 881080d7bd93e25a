"""A composer's hand-written progressions, checked by the voice-leading analysis one rule at a time."""
import json

import pytest

from chorale_studio.analysis import analyze, estimate_key, judge, sonorities
from chorale_studio.analysis.findings import (CONTRARY_FIFTHS, CROSSING, HIDDEN_OCTAVES, KINDS, OUT_OF_KEY, OVERLAP,
                                              PARALLEL_FIFTHS, PARALLEL_OCTAVES, RANGE, SPACING)
from chorale_studio.score import Key, Meter, Note, Score, Voice

S, A, T, B = Voice

_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def midi(name: str) -> int:
    """'C5' → 72, 'F#4' → 66, 'Bb3' → 58."""
    pc = _PC[name[0]] + name[1:-1].count("#") - name[1:-1].count("b")
    return 12 * (int(name[-1]) + 1) + pc


def chorale(*chords: str, key: Key = Key(), length: int = 4) -> Score:
    """Block chords, one per quarter note: each chord written soprano-to-bass, e.g. 'C5 A4 F4 F3'."""
    spb = Meter().steps_per_bar
    score = Score(bars=max(1, -(-len(chords) * length // spb)), key=key)
    for i, chord in enumerate(chords):
        for voice, name in zip(Voice, chord.split()):
            score.add_note(voice, Note(start=i * length, length=length, pitch=midi(name)))
    return score


def kinds(score: Score) -> list[str]:
    return [f.kind for f in analyze(score).findings]


def test_a_textbook_parallel_fifth_between_soprano_and_bass_is_found():
    # IV to V with soprano C5→D5 over bass F3→G3: the classic student mistake, and nothing else wrong.
    report = analyze(chorale("C5 F4 A3 F3", "D5 B4 D4 G3"))
    assert [(f.kind, f.voices, f.bar, f.step) for f in report.findings] == [(PARALLEL_FIFTHS, (S, B), 0, 4)]
    assert report.findings[0].message.startswith("Parallel fifths between soprano and bass")
    assert report.findings[0].message.endswith("bar 1 beat 2")


def test_a_fifth_moving_to_a_sixth_is_not_a_parallel():
    # IV to the cadential six-four: soprano and bass both rise, from a fifth to a sixth.
    assert kinds(chorale("C5 A4 C4 F3", "E5 G4 C4 G3")) == []


def test_parallel_octaves_between_inner_voices_are_found():
    # Alto and tenor both climb an octave apart.
    report = analyze(chorale("E5 C5 C4 C3", "F5 D5 D4 G3"))
    assert (PARALLEL_OCTAVES, (A, T)) in [(f.kind, f.voices) for f in report.findings]


def test_a_fifth_revoiced_by_octave_leaps_in_both_voices_is_not_a_contrary_fifth():
    # On one D major chord the soprano leaps up an octave and the bass down: the same fifth, re-voiced.
    assert kinds(chorale("A4 F#4 D4 D3", "A5 A4 A3 D2", key=Key(2))) == []


def test_fifths_by_contrary_motion_are_found_once():
    # V to I: the soprano falls D5→G4 while the bass rises G2→C3, a fifth to a fifth.
    assert kinds(chorale("D5 G4 B3 G2", "G4 E4 C4 C3")) == [CONTRARY_FIFTHS]


def test_a_hidden_octave_into_the_soprano_is_found_once():
    # Soprano leaps E5→G5 while the bass rises C3→G3 into an octave.
    report = analyze(chorale("E5 G4 C4 C3", "G5 G4 D4 G3"))
    assert [(f.kind, f.voices) for f in report.findings] == [(HIDDEN_OCTAVES, (S, B))]


def test_the_same_similar_motion_into_an_octave_is_allowed_when_the_soprano_steps():
    # IV after I with the soprano stepping E5→F5: outer voices reach an octave, but by step.
    assert kinds(chorale("E5 C5 G4 C3", "F5 C5 A4 F3")) == []


def test_a_crossing_held_over_two_chords_is_found_once():
    # The tenor leaps above the alto and stays there for a repeated chord.
    report = analyze(chorale("E5 G4 C4 C3", "E5 E4 G4 C3", "E5 E4 G4 C3"))
    assert [(f.kind, f.voices, f.step) for f in report.findings] == [(CROSSING, (A, T), 4)]


def test_an_overlap_is_found_once():
    # The bass rises to C4, above the tenor's previous B3, while the tenor moves on to E4.
    report = analyze(chorale("D5 G4 B3 G3", "C5 G4 E4 C4"))
    assert [(f.kind, f.voices) for f in report.findings] == [(OVERLAP, (T, B))]


def test_a_gap_wider_than_an_octave_between_soprano_and_alto_is_found_once():
    report = analyze(chorale("E5 G4 C4 C3", "G5 E4 C4 C3", "G5 E4 C4 C3"))
    assert [(f.kind, f.voices, f.step) for f in report.findings] == [(SPACING, (S, A), 4)]


def test_tenor_and_bass_may_be_a_twelfth_apart_but_not_more():
    assert kinds(chorale("E5 C5 G4 C3")) == []
    assert kinds(chorale("E5 C5 A4 C3")) == [SPACING]


def test_a_clean_cadence_has_no_findings():
    report = analyze(chorale("E5 C5 G4 C3", "F5 C5 A4 F3", "D5 B4 G4 G3", "E5 C5 G4 C3"))
    assert report.findings == []
    assert report.sonority_changes == 4 and report.notes == 16
    assert all(rate == 0 for rate in report.rates_per_100_changes.values())


def test_notes_outside_the_range_and_the_key_are_found_per_note():
    # The soprano leaps to C6, above its range; the tenor sings F#, foreign to C major.
    report = analyze(chorale("E5 C5 G4 C3", "C6 C5 F#4 C3"))
    assert sorted((f.kind, f.voices) for f in report.findings) == [(OUT_OF_KEY, (T,)), (RANGE, (S,))]
    assert report.counts[RANGE] == 1 and report.counts[OUT_OF_KEY] == 1
    assert report.rates_per_note[RANGE] == pytest.approx(1 / 8)


def test_the_leading_tone_of_a_minor_key_is_in_the_key():
    cadence = chorale("B4 E4 G#3 E3", "A4 E4 A3 A2", key=Key(0, "minor"))
    assert kinds(cadence) == []
    assert [f.kind for f in analyze(cadence, key=Key(0, "major")).findings] == [OUT_OF_KEY]


def test_the_key_of_music_without_a_signature_is_estimated():
    a_minor = chorale("E5 C5 A4 A3", "E5 B4 G#4 E3", "C5 A4 E4 A2")
    assert estimate_key(a_minor) == Key(0, "minor")
    d_major = chorale("F#5 D5 A4 D3", "E5 C#5 A4 A2", "F#5 D5 A4 D3")
    assert estimate_key(d_major) == Key(2, "major")
    assert estimate_key(Score()) == Key(0, "major")


def test_a_passing_note_makes_its_own_sonority():
    score = chorale("E5 C5 G4 C3", "F5 C5 A4 F3")
    score.set_notes(A, [Note(start=0, length=2, pitch=72), Note(start=2, length=2, pitch=71),
                        Note(start=4, length=4, pitch=72)])
    assert [s.step for s in sonorities(score)] == [0, 2, 4]
    assert analyze(score).sonority_changes == 3


def test_a_rest_interrupts_the_comparison_of_neighbouring_chords():
    score = chorale("C5 F4 A3 F3", "D5 B4 D4 G3")
    score.set_notes(B, [Note(start=0, length=2, pitch=midi("F3")), Note(start=4, length=4, pitch=midi("G3"))])
    report = analyze(score)
    assert report.sonority_changes == 3
    assert report.counts[PARALLEL_FIFTHS] == 0


def test_candidates_are_judged_by_what_a_musician_hears_and_regions_count_alone():
    clean = chorale("E5 C5 G4 C3", "F5 C5 A4 F3", "D5 B4 G4 G3", "E5 C5 G4 C3")
    faulty = chorale("C5 E4 G3 C3", "C5 F4 A3 F3", "D5 B4 D4 G3", "E5 C5 C4 C3")
    assert judge(clean).badness == 0.0 and judge(clean).describe() == "no flaws heard"
    verdict = judge(faulty)
    assert verdict.badness > 0
    # The last chord (E, C, C, C in different octaves) has no fifth: an incomplete chord, not a unison.
    assert verdict.counts["incomplete_chord"] == 1 and verdict.counts["unison"] == 0
    assert "1 incomplete chord" in verdict.describe()
    # The fifths arrive at step 8: a region that starts after them does not see them.
    assert judge(faulty, region=(8, 16)).badness > 0
    late = judge(faulty, region=(12, 16))
    assert sum(late.counts[k] for k in (PARALLEL_FIFTHS, "parallel_octaves")) == 0
    assert late.counts["incomplete_chord"] == 1
    # Two voices on one pitch on a beat is heard as a unison; the model's surprise adds to the badness.
    doubled = chorale("C5 C5 G4 C3", "F5 C5 A4 F3")
    assert judge(doubled).counts["unison"] == 1 and judge(doubled).counts["incomplete_chord"] == 1
    assert judge(clean, surprise=0.5).badness == 5.0


def test_the_report_travels_as_json():
    data = json.loads(json.dumps(analyze(chorale("C5 F4 A3 F3", "D5 B4 D4 G3")).to_dict()))
    assert data["counts"][PARALLEL_FIFTHS] == 1 and set(data["counts"]) == set(KINDS)
    assert data["rates_per_100_changes"][PARALLEL_FIFTHS] == pytest.approx(50.0)
    assert data["findings"][0]["voices"] == ["S", "B"] and data["key"] == "C major"


def test_beats_after_the_first_are_named_with_their_fraction():
    score = chorale("C5 F4 A3 F3", "D5 B4 D4 G3", length=6)  # second chord on beat 2.5
    assert analyze(score).findings[0].message.endswith("bar 1 beat 2.5")


def test_a_flaw_where_the_written_bars_meet_the_kept_ones_is_heard_with_the_written_bars():
    # The tenor leaps to A4, above the alto's G4 a moment before: an overlap at the second chord (step 4).
    score = chorale("C5 G4 E4 C3", "D5 B4 A4 G3")
    assert [f.step for f in analyze(score).findings if f.kind == OVERLAP] == [4]
    assert judge(score, region=(0, 4)).counts[OVERLAP] == 1, "the seam into the kept chord belongs to the region"
    assert judge(score, region=(4, 8)).counts[OVERLAP] == 1
    assert judge(score, region=(8, 8)).counts[OVERLAP] == 0


def test_a_candidate_is_judged_by_its_phrase_ends_and_lines_too_and_they_are_named():
    # C major: a fermata on a first-inversion chord in bar 1, and the tenor leaping F3 → B3 (a tritone).
    score = chorale("E5 C5 G4 C3", "D5 A4 F3 D3", "D5 B4 B3 G2", "C5 C5 G3 E3")
    score.fermatas = {12}
    verdict = judge(score)
    assert verdict.counts["weak_cadence"] == 1 and verdict.counts["tritone_leap"] == 1
    said = verdict.describe(most=8)
    assert "weak cadence at bar 1" in said and "tritone leap in the tenor" in said, said
    score = chorale("E5 C5 G4 C3", "D5 A4 F4 D3", "D5 B4 G4 G2", "C5 G4 E4 C3")
    score.fermatas = {12}
    better = judge(score)   # the phrase ends on C–E–G over C, and the tenor steps
    assert better.counts["weak_cadence"] == 0 and better.counts["tritone_leap"] == 0
    assert better.badness < verdict.badness
