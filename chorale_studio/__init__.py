"""Chorale Studio: write four-voice chorales together with a small language model."""
__version__ = "0.1.0"
