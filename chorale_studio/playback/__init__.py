"""Sound: FluidSynth synth, transport and offline WAV rendering."""
