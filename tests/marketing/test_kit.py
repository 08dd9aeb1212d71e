"""The share kit: a phone-sized image saying only what the tier releases, an excerpt, the viewer link."""

from __future__ import annotations

import struct

import pytest

from services.marketing import kit
from services.release import tier_data
from services.release.errors import ReleaseError
from services.strategy import presets, sampling


@pytest.fixture(scope="module")
def billboard_data(demo_dataset):
    plan = presets.preset_billboard()
    chosen = sampling.select_plan(demo_dataset, plan)
    return {tier: tier_data.prepare_tier(demo_dataset, plan, chosen[tier], with_image=False)
            for tier in ("preview", "eq-100")}


@pytest.fixture(scope="module")
def billboard_rows(billboard_data):
    return {tier: data.conversations.to_pylist() for tier, data in billboard_data.items()}


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_image_is_portrait_and_phone_sized(billboard_rows, billboard_data):
    index, row = kit.released_row(billboard_data["preview"], billboard_rows["preview"][3]["conversation_id"])
    assert (index, row) == (3, billboard_rows["preview"][3])  # read from the files: the row and its number
    png = kit.share_png(kit.excerpt_of(row, "EQ dataset"))
    assert _png_size(png) == (kit.WIDTH, kit.HEIGHT) == (1080, 1350)
    assert len(png) > 20_000  # text was drawn, not an empty canvas


def test_the_image_says_nothing_the_released_row_does_not(billboard_rows, demo_dataset):
    """Every word on the image comes from the released row, the dataset's name or the kit's labels."""
    rows = billboard_rows["eq-100"]  # counted in examples: some conversations are cut
    source = demo_dataset.conversation_table.set_index("conversation_id")["turns"]
    cut = next(r for r in rows if r["turns"] < source[r["conversation_id"]])
    excerpt = kit.excerpt_of(cut, "EQ dataset")
    released = " ".join(m["content"] for m in cut["messages"]) + " " + " ".join(
        cut[k] for k in ("persona_name", "arc_name", "topic_name"))
    labels = {"EQ", "dataset", "Client", "Advisor", "·", "synthetic", "training", "conversation", "…"}
    for line in kit.share_lines(excerpt):
        for word in line["text"].split():
            assert word in labels or word.rstrip(" .,;…") in released, (word, line["text"])
    assert all(0 <= line["y"] <= kit.HEIGHT for line in kit.share_lines(excerpt))


def test_a_conversation_outside_the_tier_is_refused(billboard_rows, billboard_data):
    preview_ids = {r["conversation_id"] for r in billboard_rows["preview"]}
    outsider = next(r["conversation_id"] for r in billboard_rows["eq-100"] if r["conversation_id"] not in preview_ids)
    with pytest.raises(ReleaseError, match="not in the released tier"):
        kit.released_row(billboard_data["preview"], outsider)


def test_the_excerpt_to_paste(billboard_rows):
    row = billboard_rows["preview"][3]
    excerpt = kit.excerpt_of(row, "EQ dataset", turns=2)
    text = kit.excerpt_text(excerpt)
    first_user = next(m["content"] for m in row["messages"] if m["role"] == "user")
    assert text.startswith(f"{row['persona_name']} · {row['arc_name']} · {row['topic_name']}\n\n")
    assert f"Client: {first_user.strip()}" in text and "\n\nAdvisor: " in text
    assert text.rstrip().endswith("— from EQ dataset")
    assert [role for role, _ in excerpt.messages] == ["user", "assistant"]


def test_the_viewer_link_names_config_split_and_row():
    assert kit.viewer_link("brightrun/eq", 12) == \
        "https://huggingface.co/datasets/brightrun/eq/viewer/conversations/train?row=12"
    assert kit.viewer_link("o/r", 0, endpoint="http://127.0.0.1:9/").startswith("http://127.0.0.1:9/datasets/o/r/")
