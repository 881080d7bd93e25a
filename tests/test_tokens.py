"""The seed language: encoding reproduces the public row, every JS Fakes window round-trips,
the grammar automaton accepts exactly well-formed pieces, and foreign text is repaired or refused."""
import pytest

from chorale_studio.errors import TokenError
from chorale_studio.io.midi import read_midi
from chorale_studio.score import Meter, Note, Score, Voice
from chorale_studio.tokens import grammar as G
from chorale_studio.tokens import vocab as V
from chorale_studio.tokens.decode import decode_text, decode_words
from chorale_studio.tokens.encode import Header, encode_score_text, encode_seed_window, encode_window

SBAT = Voice.parse_list("S,B,A,T")


def test_the_seed_vocabulary_has_119_words_and_ours_is_a_strict_superset():
    assert len(V.SEED_WORDS) == 119
    assert set(V.SEED_WORDS) < set(V.EXTENDED_WORDS)
    assert V.SEED_WORDS[:5] == ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"]


def test_bars_0_to_3_of_chorale_497_read_exactly_like_the_public_row(jsfakes_dir, seed_reference_text):
    score = read_midi(jsfakes_dir / "497.mid").score
    assert " ".join(encode_seed_window(score, 0, SBAT)) == seed_reference_text


@pytest.mark.slow
def test_every_window_of_all_500_js_fakes_round_trips_in_seed_words(jsfakes_dir):
    seed_words = set(V.SEED_WORDS)
    files = sorted(jsfakes_dir.glob("*.mid"))
    assert len(files) == 500
    windows = 0
    for f in files:
        score = read_midi(f).score
        split = score.split_at_barlines()
        for b in range(score.bars - 3):
            words = encode_seed_window(score, b, SBAT)
            assert set(words) <= seed_words, f"{f.name} bars {b}-{b + 3}"
            assert G.check(words) is None, f"{f.name} bars {b}-{b + 3}: {G.check(words)}"
            back = decode_words(words, repair=False).score
            assert back.same_music(split.window(b, 4)), f"{f.name} bars {b}-{b + 3}"
            windows += 1
    assert windows > 4000


def _two_bar_soprano() -> Score:
    s = Score(bars=2)
    s.add_note(Voice.SOPRANO, Note(start=0, length=5, pitch=72))   # 5 steps: 4 + 1 in seed words
    s.add_note(Voice.SOPRANO, Note(start=12, length=8, pitch=74))  # held across the barline
    s.add_note(Voice.BASS, Note(start=0, length=32, pitch=48))
    return s


def test_a_note_held_over_the_barline_is_cut_in_two_and_decoded_as_two_notes():
    s = _two_bar_soprano()
    words = encode_window(s, 0, 2)
    assert words.count("NOTE_ON=74") == 2 and words.count("NOTE_ON=48") == 2
    back = decode_words(words, repair=False).score
    assert back.notes(Voice.SOPRANO) == (Note(0, 5, 72), Note(12, 4, 74), Note(16, 4, 74))
    assert back.same_music(s.split_at_barlines())


def test_seed_words_spell_a_five_step_note_as_four_plus_one_and_extended_words_as_one():
    s = _two_bar_soprano()
    seed = encode_window(s, 0, 2)
    assert seed[seed.index("NOTE_ON=72") + 1: seed.index("NOTE_OFF=72")] == ["TIME_DELTA=4", "TIME_DELTA=1"]
    ext = encode_window(s, 0, 2, steps=V.ALL_STEPS)
    assert ext[ext.index("NOTE_ON=72") + 1] == "TIME_DELTA=5"


def test_whole_piece_text_keeps_meter_and_key_and_reads_back():
    s = Score(bars=3, meter=Meter(3, 4))
    s.add_note(Voice.ALTO, Note(start=0, length=12, pitch=65))
    s.add_note(Voice.TENOR, Note(start=14, length=10, pitch=55))
    text = encode_score_text(s, "BACH")
    assert text.startswith("PIECE_START STYLE=BACH GENRE=BACH METER=3/4 KEY=0 MODE=MAJOR")
    back = decode_text(text, repair=False)
    assert back.score.meter == Meter(3, 4) and back.style == "BACH"
    assert back.score.same_music(s)


def test_the_grammar_allows_only_words_that_keep_the_bar_exact_and_the_voice_monophonic():
    state = G.start(G.GrammarConfig(ranges=G.ranges_of(Score().ranges)))
    for w in "PIECE_START STYLE=JSFAKES GENRE=JSFAKES TRACK_START INST=48 BAR_START NOTE_ON=60".split():
        state.advance(w)
    allowed = state.allowed()
    assert "NOTE_OFF=60" not in allowed           # a note needs a length first
    assert not any(w.startswith("NOTE_ON") for w in allowed)   # monophony
    state.advance("TIME_DELTA=12")
    allowed = state.allowed()
    assert "TIME_DELTA=4" in allowed and "TIME_DELTA=6" not in allowed   # the bar has 4 steps left
    assert "NOTE_OFF=60" in allowed and "NOTE_OFF=61" not in allowed
    state.advance("NOTE_OFF=60")
    assert "NOTE_ON=52" not in state.allowed() and "NOTE_ON=53" in state.allowed()  # the alto's range
    assert "BAR_END" not in state.allowed()


def test_the_grammar_honours_a_required_track_order_and_distinct_instruments():
    state = G.start(G.GrammarConfig(order=tuple(SBAT), bars=1))
    for w in "PIECE_START STYLE=JSFAKES GENRE=JSFAKES TRACK_START".split():
        state.advance(w)
    assert state.allowed() == {"INST=0"}
    with pytest.raises(TokenError):
        state.copy().advance("INST=48")


def test_fill_prompts_have_placeholders_and_sections_in_text_order(jsfakes_dir):
    score = read_midi(jsfakes_dir / "497.mid").score
    cells = [(Voice.BASS, 5), (Voice.ALTO, 3)]
    words = encode_window(score, 2, 6, header=Header.for_score(score), steps=V.ALL_STEPS, fill_cells=cells)
    assert words.count("FILL_PLACEHOLDER") == 2 and words.count("FILL_START") == 2
    config = G.GrammarConfig(bars=6, steps=V.ALL_STEPS, allow_fill=True)
    assert G.check(words, config) is None
    piece = decode_words(words, repair=False)
    assert piece.placeholders == [(Voice.ALTO, 1), (Voice.BASS, 3)]   # alto's track comes first
    assert piece.score.same_music(score.window(2, 6).split_at_barlines())


def test_foreign_text_with_an_overfull_bar_is_repaired_and_the_repair_is_named():
    s = _two_bar_soprano()
    words = encode_window(s, 0, 2)
    i = words.index("NOTE_OFF=72")
    words[i - 1] = "TIME_DELTA=3"   # the 4+1 becomes 4+3: the bar now holds 18 steps
    piece = decode_words(words)
    assert any("18 steps" in r for r in piece.repairs)
    assert piece.score.bars == 2 and piece.score.notes(Voice.SOPRANO)[1].start == 14
    with pytest.raises(TokenError, match="18 steps"):
        decode_words(words, repair=False)


@pytest.mark.parametrize("mutate, message", [
    (lambda w: w + ["TRACK_START", "INST=0", "BAR_START", "TIME_DELTA=16", "BAR_END", "TRACK_END"],
     "INST=0 appears twice"),
    (lambda w: w[: w.index("TRACK_END") + 1], "1 tracks"),
    (lambda w: ["PIECE_START", "FOO"] + w[1:], "'FOO' cannot stand in the header"),
    (lambda w: w[: w.index("INST=24") + 3], "found the end of the text"),
    (lambda w: [], "empty"),
])
def test_broken_text_is_refused_with_a_message_naming_the_problem(mutate, message):
    words = encode_window(_two_bar_soprano(), 0, 2)
    with pytest.raises(TokenError, match=message):
        decode_words(mutate(words))


def test_five_tracks_are_refused():
    words = encode_window(_two_bar_soprano(), 0, 2)
    extra = ["TRACK_START", "INST=99", "BAR_START", "TIME_DELTA=16", "BAR_END", "TRACK_END"]
    with pytest.raises(TokenError):
        decode_words(words + extra)
    assert G.check(words + extra) is not None


def test_the_tokens_command_prints_the_public_row_and_refuses_a_bad_window(jsfakes_dir, seed_reference_text):
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "chorale_studio", "tokens", str(jsfakes_dir / "497.mid")]
    out = subprocess.run(cmd + ["--bars", "0:4", "--order", "S,B,A,T"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == seed_reference_text
    bad = subprocess.run(cmd + ["--bars", "10:14"], capture_output=True, text=True)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "outside" in bad.stderr
