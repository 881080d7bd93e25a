"""The chorale domain: Score, Voice, Note, Meter, Key and locks (plain Python, no Qt, no torch)."""
from .model import (DEFAULT_RANGES, STEPS_PER_QUARTER, VOICES, Cell, Key, Meter, Note, Score, ScoreError,
                    Voice, parse_bar_range, pitch_name)

__all__ = ["Cell", "DEFAULT_RANGES", "Key", "Meter", "Note", "Score", "ScoreError", "STEPS_PER_QUARTER",
           "VOICES", "Voice", "parse_bar_range", "pitch_name"]
