"""Files: MIDI (mido), MusicXML (music21) and .chorale project files."""
