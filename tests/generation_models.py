"""Tiny chorale models for the generation tests: random GPT-2 weights saved as a real model folder.

Random weights are enough to test the engine: the grammar and the strict rules must make every
sample valid music whatever the model says.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import pytest

from chorale_studio.tokens.tokenizer import save_tokenizer
from chorale_studio.tokens.vocab import EXTENDED_WORDS


def save_random_model(folder: Path, words: Sequence[str], *, layers: int = 2, width: int = 64, heads: int = 2,
                      positions: int = 1024, seed: int = 0) -> Path:
    """A GPT-2 with random weights and ``words`` as its vocabulary, saved the way training saves one."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(seed)
    config = GPT2Config(vocab_size=len(words), n_layer=layers, n_embd=width, n_head=heads, n_positions=positions,
                        bos_token_id=None, eos_token_id=None, pad_token_id=list(words).index("[PAD]"))
    GPT2LMHeadModel(config).save_pretrained(folder)
    save_tokenizer(folder, words)
    return folder


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    """A tiny extended-vocabulary model (2 layers × 64) in a folder of its own."""
    return save_random_model(tmp_path_factory.mktemp("tiny-model"), EXTENDED_WORDS)


@pytest.fixture(scope="session")
def model(model_dir):
    from chorale_studio.generation.model import ChoraleModel

    return ChoraleModel.load(model_dir)
