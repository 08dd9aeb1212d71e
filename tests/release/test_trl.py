"""The released files train in the real TRL: both configs, as loaded by `datasets`, in `SFTTrainer`.

A tiny Llama and a byte-level BPE tokenizer are built offline from the bundle's own text (no
download), with a chat template that marks the assistant's turns, so `assistant_only_loss=True`
is exercised for real. The card's own snippet runs too, with that model in place of its name.
`make test` installs torch, transformers and TRL (requirements-trl.txt) and runs it with the rest.
"""

from __future__ import annotations

import re

import pytest

torch = pytest.importorskip("torch", reason="torch is not installed: `make test` installs requirements-trl.txt "
                                            "(as CI does); a bare `pytest` in a venv without it skips these")
trl = pytest.importorskip("trl", reason="TRL is not installed: `make test` installs requirements-trl.txt")

from services.dataset.loader import load_dataset  # noqa: E402
from services.demo import generator  # noqa: E402
from services.release import bundle  # noqa: E402
from services.strategy import presets, sampling  # noqa: E402

pytestmark = pytest.mark.trl

SPECIALS = ["<unk>", "<pad>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"]
# The assistant's turns inside {% generation %}: what `assistant_only_loss` needs of a template.
TEMPLATE = ("{%- for message in messages %}"
            "{%- if message['role'] == 'assistant' %}{{ '<|assistant|>\n' }}{% generation %}"
            "{{ message['content'] + '<|end|>' }}{% endgeneration %}{{ '\n' }}"
            "{%- else %}{{ '<|' + message['role'] + '|>\n' + message['content'] + '<|end|>\n' }}{%- endif %}"
            "{%- endfor %}{%- if add_generation_prompt %}{{ '<|assistant|>\n' }}{%- endif %}")


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """The giveaway's Hub folder, written as it would be published."""
    ds = load_dataset(generator.demo_bytes(24), "demo")
    plan = presets.preset_giveaway()
    built = bundle.build_plan(ds, plan, sampling.select_plan(ds, plan), with_image=False)["full"]
    return built, built.write(tmp_path_factory.mktemp("release"))


def _load(folder, config, tmp_path, monkeypatch):
    import datasets

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    return datasets.load_dataset(str(folder), config, split="train", cache_dir=str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def tokenizer(released):
    import pyarrow.parquet as pq
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    _, folder = released
    texts = [m["content"] for row in pq.read_table(folder / "data/conversations.parquet").to_pylist()
             for m in row["messages"]]
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(texts, trainers.BpeTrainer(vocab_size=600, special_tokens=SPECIALS,
                                                       initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", pad_token="<pad>", eos_token="<|end|>",
                                   chat_template=TEMPLATE)


def _model(tokenizer):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    return LlamaForCausalLM(LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
        num_key_value_heads=2, max_position_embeddings=16_384, pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id))


def _config(tmp_path, **kw):
    return trl.SFTConfig(output_dir=str(tmp_path / "out"), max_steps=2, per_device_train_batch_size=2, report_to=[],
                         save_strategy="no", use_cpu=True, assistant_only_loss=True, **kw)


@pytest.mark.parametrize("config", ["conversations", "training_pairs"])
def test_both_configs_train_as_released_with_assistant_only_loss(released, tokenizer, config, tmp_path, monkeypatch):
    _, folder = released
    dataset = _load(folder, config, tmp_path, monkeypatch)
    trainer = trl.SFTTrainer(model=_model(tokenizer), args=_config(tmp_path, max_length=8192), train_dataset=dataset,
                             processing_class=tokenizer)
    result = trainer.train()
    assert trainer.state.global_step == 2 and result.training_loss == pytest.approx(result.training_loss)  # finite
    first = trainer.train_dataset[0]
    kept = [t for t, label in zip(first["input_ids"], first["labels"], strict=True) if label != -100]  # the loss's
    trained_on = tokenizer.decode(kept)
    row = dataset[0]
    answers = ([m["content"] for m in row["messages"] if m["role"] == "assistant"] if config == "conversations"
               else [row["completion"][0]["content"]])
    assert trained_on.replace("<|end|>", "") == "".join(answers)  # the advisor's words, and only them


def test_the_cards_snippet_runs_as_written(released, tokenizer, tmp_path, monkeypatch):
    """The card's code, with a local tiny model for the named one and the folder for the repo id."""
    built, folder = released
    snippet = re.search(r"```python\n(from datasets import load_dataset\nfrom trl import.*?)```", built.card, re.S)
    code = snippet.group(1)
    assert "assistant_only_loss=True" in code and re.search(r"max_length=\d+\)", code)
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    code = code.replace(f'"{built.repo_id}"', repr(str(folder))).replace('"Qwen/Qwen2.5-0.5B-Instruct"', "model")
    code = code.replace('output_dir="eq-advisor-lora"', f"output_dir={str(tmp_path / 'out')!r}, max_steps=1, "
                                                        "report_to=[], save_strategy='no', use_cpu=True")
    code = code.replace("train_dataset=dataset,", "train_dataset=dataset, processing_class=tokenizer,")
    scope = {"model": _model(tokenizer), "tokenizer": tokenizer}
    exec(compile(code, "card snippet", "exec"), scope)  # the card's own lines: trainer.train() included
    assert scope["trainer"].state.global_step == 1
