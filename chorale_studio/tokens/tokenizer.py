"""Build and read Hugging Face WordLevel tokenizers (whitespace-split words, like the seed's)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from ..errors import ModelFolderError
from . import vocab as V


def build_tokenizer(words: Sequence[str] = V.EXTENDED_WORDS):
    """A `tokenizers.Tokenizer` whose ids follow ``words`` (specials first, as in the seed)."""
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import WhitespaceSplit

    tok = Tokenizer(WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tok.pre_tokenizer = WhitespaceSplit()
    return tok


def save_tokenizer(folder: str | Path, words: Sequence[str] = V.EXTENDED_WORDS) -> None:
    """Write tokenizer.json plus the small config files `AutoTokenizer` needs."""
    from transformers import PreTrainedTokenizerFast

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fast = PreTrainedTokenizerFast(tokenizer_object=build_tokenizer(words), unk_token="[UNK]",
                                   pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
                                   mask_token="[MASK]")
    fast.save_pretrained(folder)


def read_vocab(folder: str | Path) -> dict[str, int]:
    """word → id from a checkpoint's own tokenizer.json; ModelFolderError if there is none usable."""
    path = Path(folder) / "tokenizer.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        vocab = data["model"]["vocab"]
    except FileNotFoundError:
        raise ModelFolderError(f"{folder} has no tokenizer.json, so it is not a chorale model folder") from None
    except (ValueError, KeyError, TypeError):
        raise ModelFolderError(f"{path} is not a word-level tokenizer file") from None
    if not isinstance(vocab, dict) or not all(w in vocab for w in ("PIECE_START", "TRACK_START", "BAR_START")):
        raise ModelFolderError(f"the vocabulary in {path} is not the chorale language (no PIECE_START, "
                               "TRACK_START or BAR_START)")
    return {str(w): int(i) for w, i in vocab.items()}
