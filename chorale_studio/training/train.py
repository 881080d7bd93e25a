"""Training a GPT-2 on the corpus text with the transformers Trainer.

The same code runs on the laptop's CPU, on one GPU, or on several under `torchrun`
(the Trainer handles distribution).  Checkpoints are written every ``save_steps``;
``resume`` continues from the newest one.  The final folder is a Hugging Face model
folder (config.json, model.safetensors, tokenizer.json, generation_config.json) plus
``loss.png`` and ``training.json`` with the figures the model card quotes.
"""
from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

from ..errors import ChoraleError
from ..tokens import vocab as V


@dataclass
class TrainSettings:
    out: Path
    texts: Sequence[str] | None = None          # training lines given directly (tests)
    corpus_dir: Path | None = None              # or a folder made by build_corpus
    vocabulary: str = "extended"                # "extended" or "seed" (the 119 seed words only)
    layers: int = 4
    width: int = 256
    heads: int = 4
    context: int = 1024
    max_steps: int = 2000
    batch_size: int = 16
    lr: float = 1e-3
    warmup_steps: int = 100
    save_steps: int = 200
    eval_steps: int = 200
    resume: bool = False
    init: Path | None = None                    # fine-tune: start from this model folder's weights
    max_minutes: float = 0.0
    seed: int = 1234
    progress: bool = True
    dataloader_workers: int = 0
    extra: dict = field(default_factory=dict)


def words_for(vocabulary: str) -> list[str]:
    if vocabulary == "extended":
        return list(V.EXTENDED_WORDS)
    if vocabulary == "seed":
        return list(V.SEED_WORDS)
    raise ChoraleError(f"unknown vocabulary {vocabulary!r} (use extended or seed)")


def _read_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class _Examples:
    """Token-id lists, each cut to the context length."""

    def __init__(self, lines: Sequence[str], word_ids: dict[str, int], context: int):
        unk = word_ids["[UNK]"]
        self.items = [[word_ids.get(w, unk) for w in line.split()][:context] for line in lines]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> dict:
        return {"input_ids": self.items[i]}


def _collate(pad_id: int):
    import torch

    def collate(batch: list[dict]) -> dict:
        n = max(len(b["input_ids"]) for b in batch)
        ids = torch.full((len(batch), n), pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), n), dtype=torch.long)
        for i, b in enumerate(batch):
            ids[i, : len(b["input_ids"])] = torch.tensor(b["input_ids"])
            mask[i, : len(b["input_ids"])] = 1
        labels = ids.masked_fill(mask == 0, -100)
        return {"input_ids": ids, "attention_mask": mask, "labels": labels}

    return collate


def new_model(words: Sequence[str], layers: int, width: int, heads: int, context: int):
    from transformers import GPT2Config, GPT2LMHeadModel

    ids = {w: i for i, w in enumerate(words)}
    config = GPT2Config(vocab_size=len(words), n_positions=context, n_embd=width, n_layer=layers, n_head=heads,
                        bos_token_id=ids["PIECE_START"], eos_token_id=ids["[SEP]"], pad_token_id=ids["[PAD]"])
    return GPT2LMHeadModel(config)


def plot_loss(history: list[dict], path: Path) -> None:
    """Training and validation loss against steps, as a PNG beside the checkpoints."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    train = [(h["step"], h["loss"]) for h in history if "loss" in h]
    val = [(h["step"], h["eval_loss"]) for h in history if "eval_loss" in h]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    if train:
        ax.plot(*zip(*train), label="training loss", color="#3b7dd8", linewidth=1)
    if val:
        ax.plot(*zip(*val), label="validation loss", color="#d8543b", marker="o", markersize=3)
    ax.set_xlabel("step")
    ax.set_ylabel("loss (nats per word)")
    ax.set_title(path.parent.name)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _length_grouping(arguments_class) -> dict:
    """Batches of similar length waste far less time on padding (examples run 95–800 words);
    the option's name differs between transformers releases."""
    import inspect

    params = inspect.signature(arguments_class).parameters
    if "train_sampling_strategy" in params:
        return {"train_sampling_strategy": "group_by_length"}
    if "group_by_length" in params:
        return {"group_by_length": True}
    return {}


def _initial_model(folder: Path, words: Sequence[str]):
    """A checkpoint to fine-tune; its vocabulary must be the one trained here, word for word."""
    from transformers import GPT2LMHeadModel

    from ..tokens.tokenizer import read_vocab

    vocab = read_vocab(folder)
    if any(vocab.get(w) != i for i, w in enumerate(words)):
        raise ChoraleError(f"the model in {folder} numbers its words differently; it cannot be fine-tuned here")
    return GPT2LMHeadModel.from_pretrained(folder, local_files_only=True)


def train_model(settings: TrainSettings) -> Path:
    """Train (or resume) and save the final model folder; returns its path."""
    import torch
    from transformers import GenerationConfig, Trainer, TrainerCallback, TrainingArguments, set_seed

    from ..tokens.tokenizer import save_tokenizer

    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    words = words_for(settings.vocabulary)
    word_ids = {w: i for i, w in enumerate(words)}
    if settings.texts is not None:
        train_lines, val_lines = list(settings.texts), list(settings.texts[: max(1, len(settings.texts) // 10)])
    elif settings.corpus_dir is not None:
        train_lines = _read_lines(Path(settings.corpus_dir) / "train.txt")
        val_lines = _read_lines(Path(settings.corpus_dir) / "validation.txt")
    else:
        raise ChoraleError("training needs example texts or a corpus folder")
    if settings.vocabulary == "seed":
        seed_words = set(words)
        train_lines = [line for line in train_lines if set(line.split()) <= seed_words]
        val_lines = [line for line in val_lines if set(line.split()) <= seed_words]
    if not train_lines:
        raise ChoraleError("the corpus has no training examples")
    set_seed(settings.seed)
    model = (_initial_model(Path(settings.init), words) if settings.init is not None
             else new_model(words, settings.layers, settings.width, settings.heads, settings.context))
    gpu = torch.cuda.is_available()
    args = TrainingArguments(
        output_dir=str(out / "checkpoints"),
        max_steps=settings.max_steps,
        per_device_train_batch_size=settings.batch_size,
        per_device_eval_batch_size=settings.batch_size,
        learning_rate=settings.lr,
        warmup_steps=min(settings.warmup_steps, max(1, settings.max_steps // 10)),
        lr_scheduler_type="cosine",
        weight_decay=0.01,
        logging_steps=max(1, min(50, settings.max_steps // 20)),
        eval_strategy="steps",
        eval_steps=settings.eval_steps,
        save_strategy="steps",
        save_steps=settings.save_steps,
        save_total_limit=2,
        load_best_model_at_end=True,
        metric_for_best_model="eval_loss",
        greater_is_better=False,
        seed=settings.seed,
        report_to=[],
        disable_tqdm=not settings.progress,
        bf16=gpu,
        dataloader_num_workers=settings.dataloader_workers,
        remove_unused_columns=False,
        **_length_grouping(TrainingArguments),
    )
    started = time.time()

    class WallClock(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            if settings.max_minutes and time.time() - started > settings.max_minutes * 60:
                control.should_training_stop = True
                control.should_save = True
                control.should_evaluate = True
            return control

    optimizers = (None, None)
    if settings.max_minutes:
        # With a wall-time budget the cosine decay follows the clock, so the learning rate has
        # come down when time runs out, whatever the step rate of the machine turns out to be.
        optimizer = torch.optim.AdamW(model.parameters(), lr=settings.lr, weight_decay=0.01)
        budget = settings.max_minutes * 60
        warmup = args.warmup_steps

        def factor(step: int) -> float:
            if step < warmup:
                return (step + 1) / warmup
            return 0.5 * (1 + math.cos(math.pi * min(1.0, (time.time() - started) / budget)))

        optimizers = (optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, factor))
    trainer = Trainer(model=model, args=args, train_dataset=_Examples(train_lines, word_ids, settings.context),
                      eval_dataset=_Examples(val_lines, word_ids, settings.context),
                      data_collator=_collate(word_ids["[PAD]"]), callbacks=[WallClock()], optimizers=optimizers)
    resume = None
    if settings.resume:
        ckpts = sorted((out / "checkpoints").glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1]))
        resume = str(ckpts[-1]) if ckpts else None
    result = trainer.train(resume_from_checkpoint=resume)
    metrics = trainer.evaluate()
    if not trainer.is_world_process_zero():
        return out
    model = trainer.model.float()
    model.config.use_cache = True   # the Trainer turns the cache off while training; generation wants it
    model.generation_config = GenerationConfig(bos_token_id=word_ids["PIECE_START"], eos_token_id=word_ids["[SEP]"],
                                               pad_token_id=word_ids["[PAD]"], do_sample=True, temperature=1.0,
                                               top_k=0)
    model.save_pretrained(out, safe_serialization=True)
    save_tokenizer(out, words)
    history = trainer.state.log_history
    plot_loss(history, out / "loss.png")
    n_params = sum(p.numel() for p in model.parameters())
    summary = {
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(settings).items()
                     if k not in ("texts",)},
        "parameters": n_params,
        "steps": trainer.state.global_step,
        "train_examples": len(train_lines),
        "train_loss": result.training_loss,
        "validation_loss": metrics.get("eval_loss"),
        "validation_perplexity": math.exp(metrics["eval_loss"]) if "eval_loss" in metrics else None,
        "wall_seconds": round(time.time() - started, 1),
        "device": torch.cuda.get_device_name(0) if gpu else f"cpu ({os.cpu_count()} cores)",
        "history": history,
    }
    (out / "training.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return out
