"""A composer marks the end of a phrase (a fermata): it stays with its beat through edits, and is saved in
the project, exported to MusicXML as a fermata and to MIDI as a marker, and read back from both."""
from __future__ import annotations

from chorale_studio.io.midi import read_midi, write_midi
from chorale_studio.io.musicxml import musicxml_bytes, read_musicxml, write_musicxml
from chorale_studio.io.project import load_project, save_project
from chorale_studio.score import Key, Note, Score, Voice, edits


def chorale() -> Score:
    s = Score(bars=4)
    for v, pitch in zip(Voice, (72, 67, 64, 48)):
        s.set_notes(v, [Note(b * 16 + q * 4, 4, pitch) for b in range(4) for q in range(4)])
    s.set_fermata(28)       # bar 2, beat 4
    s.set_fermata(60)
    return s


def test_a_fermata_round_trips_through_the_project_file_musicxml_and_midi(tmp_path):
    s = chorale()
    save_project(tmp_path / "a.chorale", s)
    assert load_project(tmp_path / "a.chorale").score.fermatas == {28, 60}
    assert b"<fermata" in musicxml_bytes(s)
    write_musicxml(s, tmp_path / "a.musicxml")
    assert read_musicxml(tmp_path / "a.musicxml").score.fermatas == {28, 60}
    write_midi(s, tmp_path / "a.mid")
    assert read_midi(tmp_path / "a.mid").score.fermatas == {28, 60}


def test_phrase_ends_follow_their_beat_when_bars_are_inserted_or_deleted_and_go_with_their_bar():
    s = chorale()
    s.insert_bars(0, 1)
    assert s.fermatas == {44, 76}
    s.delete_bars(1, 2)
    assert s.fermatas == {44}
    assert s.window(2, 1).fermatas == {12} and s.copy() == s


def test_transposing_moves_every_pitch_and_the_key_and_names_the_notes_that_leave_their_range():
    s = chorale()
    up = edits.transposed(s, 5)
    assert [n.pitch - 5 for _, n in up.all_notes()] == [n.pitch for _, n in s.all_notes()]
    assert up.key == Key(-1) and up.fermatas == s.fermatas
    assert edits.transposed(s, 2, key=Key(2)).key == Key(2)
    assert {v for v, _ in edits.out_of_range(edits.transposed(s, 12))} == {Voice.SOPRANO, Voice.ALTO, Voice.TENOR}
    assert edits.semitones_between(Key(0), Key.parse("F major")) == 5
    assert edits.semitones_between(Key(0), Key.parse("G major")) == -5
