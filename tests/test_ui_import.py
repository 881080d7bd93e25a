"""A composer opens the chorales they have in the window (#23): a cantata chorale with its instruments
opens as its four sung parts, a score whose part names say nothing asks which four to read (and cancelling
loses nothing), and a closed score and a one-track MIDI file open with their voices.  Real corpus files."""
from __future__ import annotations

import pytest
from music21 import chord, corpus, stream
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from chorale_studio.io.musicxml import read_musicxml
from chorale_studio.io.project import save_project
from chorale_studio.score import Note, Score, Voice
from chorale_studio.ui.part_chooser import PartChooser
from test_io_getting_music_in import closed_score, one_track_midi
from windows import open_window, private_settings  # noqa: F401  (fixture)


@pytest.fixture
def window(qtbot):
    with open_window(qtbot) as w:
        yield w


def _sextet(path) -> None:
    """Six parts without names, one chord each: high to low."""
    m21 = stream.Score()
    for pitch in ("C6", "C5", "G4", "E4", "C3", "C2"):
        part = stream.Part()
        part.append(stream.Measure([chord.Chord([pitch], quarterLength=4)]))
        m21.insert(0, part)
    m21.write("musicxml", fp=path)


def _answer_the_chooser(choice: list[int] | None, seen: list) -> None:
    """When the part chooser opens, pick ``choice`` (S, A, T, B) and press OK, or Cancel when None."""
    def answer():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PartChooser):
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.choice())
        if choice is None:
            dialog.reject()
            return
        for box, index in zip(dialog.boxes, choice):
            box.setCurrentIndex(index)
        dialog.buttons.button(QDialogButtonBox.Ok).click()
    QTimer.singleShot(0, answer)


def test_bwv_1_6_opens_as_its_four_sung_parts_without_a_question(window):
    assert window.open_file(corpus.getWork("bach/bwv1.6"))
    assert window.doc.score.note_count() == 344
    assert "left out Horn 2" in window.statusBar().currentMessage()


def test_a_score_whose_names_do_not_say_asks_which_four_parts_and_reads_those(window, tmp_path):
    path = tmp_path / "sextet.musicxml"
    _sextet(path)
    seen: list = []
    _answer_the_chooser([0, 2, 3, 4], seen)
    assert window.open_file(path)
    assert seen == [[1, 2, 3, 4]]   # the default: the four lowest-numbered parts in singing range (C6 is not)
    assert [n.pitch for _, n in window.doc.score.all_notes()] == [84, 67, 64, 48]


def test_cancelling_the_choice_of_parts_opens_nothing_and_keeps_the_piece(window, tmp_path):
    hymn = tmp_path / "hymn.chorale"
    score = Score(bars=4)
    score.set_notes(Voice.BASS, [Note(0, 16, 48)])
    save_project(hymn, score)
    assert window.open_file(hymn)
    before = window.doc.score.to_dict()
    path = tmp_path / "sextet.musicxml"
    _sextet(path)
    seen: list = []
    _answer_the_chooser(None, seen)
    assert not window.open_file(path)
    assert seen and window.doc.score.to_dict() == before and window.doc.path == hymn
    assert not window.doc.is_modified()
    assert not [b for b in window.findChildren(QMessageBox) if b.isVisible()]   # a choice, not an error


def test_a_closed_score_and_a_one_track_midi_file_open_with_their_voices(window, tmp_path):
    original = read_musicxml(corpus.getWork("bach/bwv1.6")).score
    closed_score("bach/bwv1.6", tmp_path / "closed.musicxml")
    assert window.open_file(tmp_path / "closed.musicxml")
    assert window.doc.score.same_music(original)
    original.pickup = 0
    one_track_midi(original, tmp_path / "one.mid")
    window.doc.undo_stack.setClean()
    assert window.open_file(tmp_path / "one.mid")
    assert window.doc.score.note_count() == original.note_count()
    box, = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert "were separated into soprano, alto, tenor and bass" in box.informativeText()
