"""A composer types a melody with the computer keyboard in note-input mode (N), as in a notation program:
letters enter notes at the cursor, number keys pick the length, arrows correct the last note, every entry
is one undo step; with the mode off, the keys are the window's again.  Real key events through pytest-qt."""
from __future__ import annotations

import threading

import mido
import pytest
from PySide6.QtCore import QCoreApplication, Qt

from chorale_studio.score import Key, Note, Score, Voice
from windows import open_window, private_settings  # noqa: F401  (fixture)


@pytest.fixture
def window(qtbot):
    with open_window(qtbot, score=Score(bars=8)) as w:
        w.roll.canvas.setFocus()
        yield w


def keys(qtbot, window, text: str) -> None:
    """Press the keys of ``text`` on the roll: letters and digits as they are, '.' the dot, '^'/'v' the
    arrows up/down, '+'/'-' Ctrl+Up/Down, '<' Backspace, ' ' nothing (for reading)."""
    special = {"^": (Qt.Key_Up, Qt.NoModifier), "v": (Qt.Key_Down, Qt.NoModifier),
               "+": (Qt.Key_Up, Qt.ControlModifier), "-": (Qt.Key_Down, Qt.ControlModifier),
               "<": (Qt.Key_Backspace, Qt.NoModifier), ".": (Qt.Key_Period, Qt.NoModifier)}
    for ch in text:
        if ch == " ":
            continue
        key, mods = special[ch] if ch in special else (getattr(Qt, f"Key_{ch.upper()}"), Qt.NoModifier)
        qtbot.keyClick(window.roll.canvas, key, mods)


def test_typing_a_four_bar_soprano_melody_gives_the_notes_and_lengths_typed_one_undo_step_each(window, qtbot):
    keys(qtbot, window, "n")
    assert window.note_input.active and window.registry["note_input"].isChecked()
    keys(qtbot, window, "5 E D C D  E E 0 E  4 F E D E 6 F  7 G + v ^")
    assert window.doc.score.notes(Voice.SOPRANO) == (
        Note(0, 4, 64), Note(4, 4, 62), Note(8, 4, 60), Note(12, 4, 62),         # quarters, nearest octave
        Note(16, 4, 64), Note(20, 4, 64), Note(28, 4, 64),                       # a quarter rest at 24
        Note(32, 2, 65), Note(34, 2, 64), Note(36, 2, 62), Note(38, 2, 64), Note(40, 8, 65),
        Note(48, 16, 79))                                                         # G4, an octave up, down, up
    stack = window.doc.undo_stack
    assert stack.count() == 16   # 13 notes and 3 corrections; a rest over silence changes nothing
    stack.undo()
    stack.undo()
    assert window.doc.score.notes(Voice.SOPRANO)[-1] == Note(48, 16, 79)
    stack.undo()
    assert window.doc.score.notes(Voice.SOPRANO)[-1] == Note(48, 16, 67)
    stack.undo()
    assert window.doc.score.notes(Voice.SOPRANO)[-1] == Note(40, 8, 65)
    assert window.note_input.cursor == 64 and window.roll.view.input_cursor == (64, Voice.SOPRANO, 16)


def test_backspace_takes_the_last_entry_back_and_the_dot_lengthens_by_half(window, qtbot):
    keys(qtbot, window, "n 5. C D <")
    assert window.doc.score.notes(Voice.SOPRANO) == (Note(0, 6, 72),)   # C5 nearest the soprano's middle
    assert window.note_input.cursor == 6
    keys(qtbot, window, ". E")
    assert window.doc.score.notes(Voice.SOPRANO)[-1] == Note(6, 4, 76)


def test_letters_follow_the_key_signature_and_the_active_voice(window, qtbot):
    window.editor.set_key(Key(2))   # D major: F and C are sharp
    window.doc.set_active_voice(Voice.BASS)
    keys(qtbot, window, "n 6 D F C")
    assert [n.pitch for n in window.doc.score.notes(Voice.BASS)] == [50, 54, 49]   # D3 F#3 C#3 near the bass's middle
    qtbot.keyClick(window.roll.canvas, Qt.Key_2, Qt.AltModifier)   # Alt+2: the alto
    keys(qtbot, window, "A")
    assert window.doc.score.notes(Voice.ALTO) == (Note(24, 8, 57),)   # A3 nearer the alto's middle (E♭4)


def test_number_keys_pick_the_length_only_while_note_input_is_on_and_n_or_esc_leaves_it(window, qtbot):
    keys(qtbot, window, "3")
    assert window.doc.active_voice is Voice.TENOR and not window.note_input.active   # the roll's voice keys
    keys(qtbot, window, "n 4")
    assert window.doc.active_voice is Voice.TENOR and window.note_input.length == 2
    keys(qtbot, window, "n")
    assert not window.note_input.active and window.roll.view.input_cursor is None
    keys(qtbot, window, "1 c")
    assert window.doc.active_voice is Voice.SOPRANO and window.doc.score.note_count() == 0
    keys(qtbot, window, "n")
    qtbot.keyClick(window.roll.canvas, Qt.Key_Escape)
    assert not window.note_input.active


def test_note_input_is_in_the_guide_the_shortcuts_window_and_the_edit_menu(window):
    shortcuts = window.help.show_shortcuts()
    assert "Note Input" in shortcuts.texts()
    assert "note input" in window.help.show_guide().text.toPlainText().lower()
    assert window.registry["note_input"] in window.menuBar().actions()[1].menu().actions()


# ---- a MIDI keyboard ----------------------------------------------------------------------------

def _play(window, messages) -> None:
    """Feed real mido messages to the port callback from another thread, as python-rtmidi calls it."""
    feeder = threading.Thread(target=lambda: [window.midi_keyboard.receive(m) for m in messages])
    feeder.start()
    feeder.join()
    QCoreApplication.processEvents()   # the queued messages reach the GUI thread


def _key(pitch: int) -> list[mido.Message]:
    return [mido.Message("note_on", note=pitch, velocity=70), mido.Message("note_off", note=pitch, velocity=0)]


def test_a_melody_played_on_a_midi_keyboard_enters_the_notes_at_the_cursor_one_undo_step_each(window, qtbot):
    keys(qtbot, window, "n 5")
    melody = [64, 62, 60, 62, 64, 64, 64]   # bars 1–2: E D C D | E E E (a half note)
    _play(window, [m for p in melody[:6] for m in _key(p)])
    keys(qtbot, window, "6")
    _play(window, _key(64))
    keys(qtbot, window, "5")
    # bars 3–4: a rest, then D D E, and a chord of G, E, C struck together from the alto down
    keys(qtbot, window, "0")
    _play(window, [m for p in (62, 62, 64) for m in _key(p)])
    window.doc.set_active_voice(Voice.ALTO)
    _play(window, [mido.Message("note_on", note=p, velocity=70) for p in (60, 67, 64)] +
          [mido.Message("note_off", note=p) for p in (67, 60, 64)])
    qtbot.waitUntil(lambda: len(window.doc.score.notes(Voice.BASS)) == 1, timeout=5000)
    score = window.doc.score
    assert score.notes(Voice.SOPRANO) == (
        Note(0, 4, 64), Note(4, 4, 62), Note(8, 4, 60), Note(12, 4, 62), Note(16, 4, 64), Note(20, 4, 64),
        Note(24, 8, 64), Note(36, 4, 62), Note(40, 4, 62), Note(44, 4, 64))
    assert [score.notes(v) for v in (Voice.ALTO, Voice.TENOR, Voice.BASS)] == [
        (Note(48, 4, 67),), (Note(48, 4, 64),), (Note(48, 4, 60),)]
    assert window.doc.undo_stack.count() == 11   # ten notes and one chord


def test_keys_played_with_note_input_off_enter_nothing_and_say_how(window, qtbot):
    _play(window, _key(60))
    qtbot.waitUntil(lambda: "note input" in window.statusBar().currentMessage().lower(), timeout=5000)
    assert window.doc.score.note_count() == 0


def test_without_a_midi_system_the_menu_says_so_and_the_app_runs_on(window):
    from chorale_studio.io.midi_input import input_ports

    ports = input_ports()
    window.midi_keyboard.fill_menu()
    entries = [a.text() for a in window.midi_keyboard.menu.actions()]
    if ports.problem:   # these test machines have no ALSA sequencer
        assert entries == [ports.problem[0].upper() + ports.problem[1:]]
        assert entries[0].startswith("No MIDI system on this computer")
    else:
        assert entries[0] == "None" and entries[1:len(ports.names) + 1] == list(ports.names)
    assert window.registry["midi_input"] in window.menuBar().actions()[1].menu().actions()
