"""The piano roll's parts: view state and geometry (``view``), the margins around the notes — ruler,
lock lane and keyboard (``margins``) —, the note canvas (``canvas``, painted by ``painting``) and one
class per mouse gesture (``gestures``).  ``ui.piano_roll.PianoRoll`` puts them together.
"""
