"""Project files: a composer's .chorale keeps everything (locks, settings), and a bad or newer file
is refused with a clear message while nothing on disk is damaged."""
import json
import os

import pytest

from chorale_studio.errors import FileFormatError
from chorale_studio.io.atomic import atomic_write_bytes
from chorale_studio.io.project import SCHEMA_VERSION, load_project, project_bytes, save_project
from chorale_studio.score.model import Key, Meter, Note, Score, Voice

SETTINGS = {"temperature": 0.9, "top_p": 0.95, "seed": 7, "style": "bach"}


def _locked_chorale() -> Score:
    score = Score(bars=2, meter=Meter(3, 4), key=Key(-3, "minor"), tempo=63.5, title="Für Elise's cousin",
                  pickup=4)
    score.set_notes(Voice.SOPRANO, [Note(start=8, length=4, pitch=67), Note(start=12, length=12, pitch=72)])
    score.set_notes(Voice.BASS, [Note(start=8, length=16, pitch=48)])
    score.ranges[Voice.ALTO] = (55, 72)
    score.set_locked([(Voice.SOPRANO, 1), (Voice.BASS, 0)])
    return score


def test_a_saved_project_opens_with_the_same_score_locks_and_settings(tmp_path):
    path = tmp_path / "piece.chorale"
    save_project(path, _locked_chorale(), SETTINGS)
    project = load_project(path)
    assert project.score == _locked_chorale()
    assert project.settings == SETTINGS
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["format"], data["schema_version"]) == ("chorale-studio", SCHEMA_VERSION)


def test_saving_over_a_project_replaces_it_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "piece.chorale"
    save_project(path, Score())
    os.chmod(path, 0o640)
    save_project(path, _locked_chorale())
    assert load_project(path).score == _locked_chorale()
    assert os.stat(path).st_mode & 0o777 == 0o640  # the file keeps its permissions
    assert [p.name for p in tmp_path.iterdir()] == ["piece.chorale"]


def test_a_save_that_fails_while_serialising_leaves_the_old_file_untouched(tmp_path):
    path = tmp_path / "piece.chorale"
    save_project(path, _locked_chorale())
    before = path.read_bytes()
    with pytest.raises(FileFormatError, match="could not save the project: its generation settings"):
        save_project(path, Score(), {"callback": object()})  # settings that are not JSON data
    assert path.read_bytes() == before


def test_a_save_into_a_read_only_folder_leaves_the_old_file_untouched(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    path = folder / "piece.chorale"
    save_project(path, _locked_chorale())
    before = path.read_bytes()
    os.chmod(folder, 0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: a read-only folder is still writable")
        with pytest.raises(FileFormatError, match=r"could not save to .*piece.chorale: permission denied"):
            save_project(path, Score())
        assert path.read_bytes() == before
        assert [p.name for p in folder.iterdir()] == ["piece.chorale"]
    finally:
        os.chmod(folder, 0o700)


def test_saving_into_a_missing_folder_says_so(tmp_path):
    with pytest.raises(FileFormatError, match="could not save to .*: no such file or directory"):
        atomic_write_bytes(tmp_path / "nowhere" / "piece.chorale", b"{}")


def test_a_project_from_a_newer_chorale_studio_is_refused_with_the_versions(tmp_path):
    path = tmp_path / "future.chorale"
    data = json.loads(project_bytes(_locked_chorale()))
    data["schema_version"] = 7
    path.write_text(json.dumps(data))
    with pytest.raises(FileFormatError) as err:
        load_project(path)
    assert str(err.value) == (f"could not read {path}: it was made by a newer Chorale Studio (schema 7; this "
                              f"version reads up to {SCHEMA_VERSION}); please update Chorale Studio")


@pytest.mark.parametrize("content, reason", [
    (None, "the project file is cut off (incomplete JSON)"),
    (b"", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "it is not a Chorale Studio project (not text)"),
    (b"[1, 2, 3]", "it is not a Chorale Studio project"),
    (b'{"format": "chorale-studio", "schema_version": 1, "score": {"bars": -3}}', "a score has 1 to"),
    (b'{"format": "chorale-studio", "schema_version": 1, "score": {"bars": 2, "voices": {"S": [[0, 4]]}}}',
     "the score data is malformed"),
], ids=["truncated", "empty", "binary", "not a project", "bad bar count", "malformed note"])
def test_damaged_project_files_give_one_clear_error(tmp_path, content, reason):
    path = tmp_path / "bad.chorale"
    if content is None:
        content = project_bytes(_locked_chorale())[:200]
    path.write_bytes(content)
    with pytest.raises(FileFormatError) as err:
        load_project(path)
    assert str(err.value).startswith(f"could not read {path}: {reason}")
    assert "\n" not in str(err.value)
