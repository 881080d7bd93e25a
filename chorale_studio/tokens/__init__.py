"""The token language: vocabulary, encoding, decoding and the grammar automaton."""
