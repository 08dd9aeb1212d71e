"""The card tells the truth: every number it states is checked against the released files."""

from __future__ import annotations

import io
import math
import re

import pandas as pd
import pyarrow.parquet as pq
import pytest
from huggingface_hub import DatasetCard

from services.release import bundle, tier_data
from services.release.card import facts
from services.release.card import render as card
from services.strategy import presets, sampling
from services.strategy.consent import MARKETING_FIELD


def _frames(b: bundle.Bundle) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two configs as released, read back independently of the builder."""
    if b.channel == "download":
        return (pd.read_json(io.BytesIO(b.files["conversations.jsonl"]), lines=True),
                pd.read_json(io.BytesIO(b.files["training_pairs.jsonl"]), lines=True))
    return (pq.read_table(io.BytesIO(b.files["data/conversations.parquet"])).to_pandas(),
            pq.read_table(io.BytesIO(b.files["data/training_pairs.parquet"])).to_pandas())


def _table(text: str, header: str) -> dict[str, int]:
    """A distribution table of the card: name → conversations (its key column checked by `_keys`)."""
    return {name: n for name, _, n in _rows(text, header)}


def _keys(text: str, header: str) -> dict[str, str]:
    """The same table: name → the key the data files spell, as the card prints it."""
    return {name: key for name, key, _ in _rows(text, header)}


def _rows(text: str, header: str) -> list[tuple[str, str, int]]:
    block = text.split(f"| {header} | key | conversations |", 1)[1].split("\n\n", 1)[0]
    rows = [line.split("|")[1:4] for line in block.splitlines()[2:] if line.startswith("|")]
    return [(name.strip(), key.strip().strip("`"), int(n.strip().replace(",", ""))) for name, key, n in rows]


def _n(number: float) -> str:
    return facts.fmt_number(number)


BUILT = [(preset, tier) for preset, tiers in (("giveaway", ["full"]), ("billboard", ["preview", "eq-100"]),
                                              ("hybrid", ["full"])) for tier in tiers]


@pytest.fixture(scope="module")
def bundles_by_preset(demo_dataset):
    out = {}
    for preset in presets.PRESETS:
        plan = presets.PRESETS[preset]()
        out[preset] = (plan, bundle.build_plan(demo_dataset, plan, sampling.select_plan(demo_dataset, plan),
                                               with_image=False))
    return out


@pytest.mark.parametrize(("preset", "tier"), BUILT)
def test_every_number_on_the_card_comes_from_the_files(bundles_by_preset, preset, tier, demo_dataset):
    _, built = bundles_by_preset[preset]
    b = built[tier]
    convs, pairs = _frames(b)
    text = b.card
    messages = int(convs["messages"].map(len).sum())
    glance = re.search(r"\*\*At a glance:\*\* ([\d,]+) multi-turn conversations, ([\d,]+) supervised\s+examples "
                       r"\(assistant turns\), (\d+) client personas, (\d+) emotional arcs,\s+(\d+) financial-planning "
                       r"topics\. (\d+) % human-reviewed; (\d+) % AI-generated\.", text)
    assert glance, "the summary sentence is missing"
    assert glance.groups() == (_n(len(convs)), _n(len(pairs)), str(convs["persona_key"].nunique()),
                               str(convs["arc_key"].nunique()), str(convs["topic_key"].nunique()),
                               str(round(100 * pairs["human_reviewed"].mean())), "100")
    assert f"| `conversations` (default) | {_n(len(convs))} |" in text
    assert f"| `training_pairs` | {_n(len(pairs))} |" in text
    assert f"hold {_n(messages)} messages in all,\n{_n(round(messages / len(convs), 1))} per conversation" in text
    assert _table(text, "persona") == convs["persona_name"].value_counts().to_dict()
    assert _table(text, "emotional arc") == convs["arc_name"].value_counts().to_dict()
    assert _table(text, "topic") == convs["topic_name"].value_counts().to_dict()
    for header, dim in (("persona", "persona"), ("emotional arc", "arc"), ("topic", "topic")):
        assert _keys(text, header) == dict(zip(convs[f"{dim}_name"], convs[f"{dim}_key"], strict=True))
    q = convs["quality"]
    assert (f"Average conversation quality: {_n(round(q.mean(), 2))} (lowest {_n(round(q.min(), 2))}, "
            f"highest {_n(round(q.max(), 2))})") in text
    cells = len(set(zip(convs["persona_key"], convs["arc_key"], strict=True)))
    all_cells = len(set(zip(demo_dataset.conversation_table["persona_key"],
                            demo_dataset.conversation_table["arc_key"], strict=True)))
    assert f"cover {_n(cells)} of the {_n(all_cells)} persona × arc combinations" in text
    crisis = int((convs["arc_key"] == "crisis_to_referral").sum())
    assert (f"{_n(crisis)} conversations follow a crisis-to-referral arc" in text) == bool(crisis)
    edge = int((convs["tier"] == "edge_case").sum())
    assert f"{_n(edge)} conversations are edge cases" in text
    sizes = sorted(sum(len(m["content"].encode("utf-8")) for m in messages) for messages in convs["messages"])
    p95 = sizes[math.ceil(0.95 * len(sizes)) - 1]
    assert (f"The longest\nconversation is {_n(sizes[-1])} bytes of text (mean {_n(round(sum(sizes) / len(sizes)))},"
            f"\n95th percentile {_n(p95)})") in text
    length = int(re.search(r"max_length=(\d+)\)", text).group(1))
    longest = max(len(messages) for messages in convs["messages"])
    assert length >= sizes[-1] + 16 * longest  # every conversation fits, with the chat template's markers
    # and nothing else: every number stated is one of those, a label's own digits, or the year
    independent = {_n(x) for x in (len(convs), len(pairs), messages, round(messages / len(convs), 1), cells, all_cells,
                                   crisis, edge, round(q.mean(), 2), round(q.min(), 2), round(q.max(), 2), 100,
                                   round(100 * pairs["human_reviewed"].mean()), convs["persona_key"].nunique(),
                                   convs["arc_key"].nunique(), convs["topic_key"].nunique(), sizes[-1], p95,
                                   round(sum(sizes) / len(sizes)))}
    independent |= {_n(v) for col in ("persona_name", "arc_name", "topic_name")
                    for v in convs[col].value_counts().to_numpy()}
    labels = " ".join(pd.concat([convs["persona_name"], convs["arc_name"], convs["topic_name"]]).unique())
    independent |= set(card.card_numbers(labels)) | set(card.card_numbers(card.LICENSE_TEXTS["cc-by-4.0"]))
    independent.add(str(b.manifest["citation_year"]))
    assert set(card.card_numbers(text)) <= independent


def test_yaml_header(bundles_by_preset):
    _, built = bundles_by_preset["hybrid"]
    data = DatasetCard(built["full"].card).data.to_dict()
    assert data["license"] == "cc-by-4.0" and data["language"] == ["en"]
    assert data["size_categories"] == ["n<1K"] and data["task_categories"] == ["text-generation"]
    assert {"synthetic", "conversational", "financial-planning", "emotional-intelligence", "lora"} <= set(data["tags"])
    assert [c["config_name"] for c in data["configs"]] == ["conversations", "training_pairs"]
    assert data["configs"][0]["default"] is True
    assert data["extra_gated_fields"]["Company"] == "text"
    assert data["extra_gated_fields"]["Role or use case"]["type"] == "select"
    assert data["extra_gated_fields"][MARKETING_FIELD] == {"type": "select", "options": ["Yes", "No"]}
    assert data["extra_gated_heading"] and data["extra_gated_button_content"] == "Get access"
    _, public = bundles_by_preset["giveaway"]
    assert "extra_gated_fields" not in DatasetCard(public["full"].card).data.to_dict()


def test_size_categories_are_the_hubs_at_every_size():
    """Issue #12: 1M rows or more gave `n>1M`, which is not a Hub value."""
    import json
    from pathlib import Path

    import datasets

    known = set(json.loads((Path(datasets.__file__).parent / "utils/resources/size_categories.json").read_text()))
    sizes = (0, 999, 1000, 9999, 10_000, 250_000, 10**6, 5 * 10**7, 10**9, 10**12, 10**13)
    got = [facts.size_category(n) for n in sizes]
    assert got == ["n<1K", "n<1K", "1K<n<10K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M",
                   "1B<n<10B", "n>1T", "n>1T"]
    assert set(got) <= known  # the `datasets` library's own list of the Hub's values


def test_a_custom_license_is_named_on_the_card_and_its_text_shipped(demo_dataset):
    plan = presets.preset_giveaway()
    tier = plan.tiers[0].model_copy(update={"license": "other", "license_name": "BrightRun terms",
                                            "license_link": "https://brightrun.ai/terms"})
    plan = plan.model_copy(update={"tiers": [tier]})
    b = bundle.build_plan(demo_dataset, plan, sampling.select_plan(demo_dataset, plan), with_image=False)["full"]
    data = DatasetCard(b.card).data
    assert (data.license, data.license_name, data.license_link) == ("other", "BrightRun terms",
                                                                     "https://brightrun.ai/terms")
    assert b.files["LICENSE"].startswith(b"License: other")


def test_calls_to_action_and_sections(bundles_by_preset):
    _, built = bundles_by_preset["billboard"]
    text = built["preview"].card
    landing = ("https://huggingface.co/spaces/brightrun/financial-eq-billboard-eq-100"
               "?utm_source=huggingface&utm_medium=dataset_card&utm_campaign=preview")
    assert f"More examples: [get eq-100 (download, behind an email form)]({landing})" in text
    assert "- [eq-100](https://huggingface.co/spaces/brightrun/financial-eq-billboard-eq-100)" in text  # siblings
    assert "- [preview](https://huggingface.co/datasets/brightrun/financial-eq-billboard-preview)" in \
        built["eq-100"].card
    assert "https://huggingface.co/datasets/brightrun/financial-eq-billboard-preview/discussions" in text
    for section in ("## Dataset Details", "## Dataset Structure", "## Uses", "### Out-of-Scope Use",
                    "## Dataset Creation", "## Bias, Risks, and Limitations", "## License", "## Citation"):
        assert section in text
    assert "from trl import SFTConfig, SFTTrainer" in text and "load_dataset(" in text
    assert "not financial advice" in text


def test_the_words_are_editable_and_the_numbers_stay(demo_dataset):
    plan = presets.preset_giveaway()
    sel = sampling.select_plan(demo_dataset, plan)["full"]
    data = tier_data.prepare_tier(demo_dataset, plan, sel, with_image=False)
    edited = bundle.finish_bundle(data, plan, card.CardText(title="Advisor EQ", summary="Hand-written intro."))
    assert "# Advisor EQ" in edited.card and "Hand-written intro." in edited.card
    assert edited.facts == bundle.finish_bundle(data, plan).facts
    assert DatasetCard(edited.card).data.to_dict()["pretty_name"] == "Advisor EQ"


def test_featured_conversation_is_the_example(demo_dataset):
    plan = presets.preset_giveaway()
    featured = demo_dataset.columns.conversation_id[7]
    plan.tiers[0].featured_conversation = featured
    b = bundle.build_bundle(demo_dataset, plan, sampling.select_plan(demo_dataset, plan)["full"], with_image=False)
    first_user = next(m.content for m in __import__("services.dataset.chat", fromlist=["to_messages"]).to_messages(
        demo_dataset.conversation(featured)) if m.role == "user")
    example = b.card.split("<!-- example:start -->")[1].split("<!-- example:end -->")[0]
    assert first_user.split(".")[0] in example


def test_a_jsonl_source_without_an_advisor_profile_still_renders(demo_export):
    from services.dataset.loader import load_dataset
    from services.demo import generator as demo

    small = dict(demo_export, conversations=demo_export["conversations"][:12])
    small["training_file_metadata"] = dict(small["training_file_metadata"], total_conversations=12)
    data = demo.to_jsonl_bytes(small).replace(b'"consultant_profile"', b'"other_profile"', 1)
    ds = load_dataset(data, "training.jsonl")
    plan = presets.preset_giveaway()
    b = bundle.build_bundle(ds, plan, sampling.select_plan(ds, plan)["full"], with_image=False)
    assert "follows these principles" not in b.card
    assert f"**At a glance:** {len(ds)} multi-turn conversations" in b.card


def test_the_card_says_what_generated_the_data_beside_the_license(bundles_by_preset):
    """Issue #12: a reader weighs the generating model's terms beside the dataset's license."""
    built = bundles_by_preset["giveaway"][1]["full"]
    card = built.card
    license_section = card.split("## License", 1)[1].split("## Citation", 1)[0]
    assert "generated with `claude-sonnet-4-5` (export format `brightrun-lora-v4`, version `4.0.0`)" in license_section
    assert built.manifest["generator"]["model"] == "claude-sonnet-4-5"


def test_the_cards_preview_shows_no_markup_the_hub_hides(demo_dataset):
    """The Hub hides HTML comments; a preview that does not render HTML must not show them as text."""
    from services.release import bundle
    from services.release.card.render import card_body
    from services.strategy import presets, sampling

    plan = presets.preset_billboard()
    built = bundle.build_plan(demo_dataset, plan, sampling.select_plan(demo_dataset, plan), with_image=False)
    card = built["preview"].card
    assert "<!-- example:start -->" in card  # kept in the file: the card truth check finds the example by it
    body = card_body(card)
    assert "<!--" not in body and "-->" not in body and not body.startswith("---")
    assert "## " in body
