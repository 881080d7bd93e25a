"""Corpus building, training and evaluation of the chorale GPT-2."""
