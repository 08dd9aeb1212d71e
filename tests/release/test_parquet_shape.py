"""Parquet shaped for the viewer and `datasets` (issue #23, part 2): row groups and shards by size,
the page index, the card's configs globbing the shards, the check that blocks a file out of shape."""

from __future__ import annotations

import io

import pyarrow.parquet as pq
import pytest

from services.release import bundle, tier_data
from services.release.checks import runner
from services.release.parquet import ParquetLimits, config_files, shape_problems
from services.strategy import presets, sampling

SMALL = ParquetLimits(row_group_bytes=60_000, file_bytes=250_000)  # the real limits, scaled to the demo


@pytest.fixture(scope="module")
def sharded(demo_dataset, tmp_path_factory):
    plan = presets.preset_giveaway()
    chosen = sampling.select_plan(demo_dataset, plan)
    data = tier_data.prepare_tier(demo_dataset, plan, chosen["full"], with_image=False, limits=SMALL)
    b = bundle.finish_bundle(data, plan)
    return demo_dataset, plan, chosen, b


def _meta(data: bytes):
    return pq.ParquetFile(io.BytesIO(data)).metadata


def test_a_small_release_stays_one_file_per_config_with_its_page_index(demo_dataset):
    plan = presets.preset_giveaway()
    b = bundle.build_bundle(demo_dataset, plan, sampling.select_plan(demo_dataset, plan)["full"], with_image=False)
    parquet = sorted(p for p in b.files if p.endswith(".parquet"))
    assert parquet == ["data/conversations.parquet", "data/training_pairs.parquet"]
    meta = _meta(b.files["data/training_pairs.parquet"])
    assert all(meta.row_group(i).column(j).has_offset_index
               for i in range(meta.num_row_groups) for j in range(meta.row_group(i).num_columns))
    assert 'path: data/conversations.parquet' in b.card


def test_a_large_config_is_sharded_into_small_row_groups_and_globbed(sharded):
    _, _, _, b = sharded
    shards = sorted(p for p in b.files if p.startswith("data/training_pairs/"))
    assert len(shards) >= 2 and shards[0] == f"data/training_pairs/train-00000-of-{len(shards):05d}.parquet"
    for path in shards:
        meta = _meta(b.files[path])
        assert sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)) <= SMALL.file_bytes
        assert meta.num_row_groups >= 2
        assert all(meta.row_group(i).total_byte_size <= SMALL.row_group_bytes or meta.row_group(i).num_rows == 1
                   for i in range(meta.num_row_groups))
    assert "path: data/training_pairs/train-*" in b.card
    rows = sum(_meta(b.files[p]).num_rows for p in shards)
    assert rows == b.facts.supervised_examples
    assert shape_problems(b.files, ["conversations", "training_pairs"], SMALL) == []


def test_datasets_loads_every_row_of_every_sharded_config(sharded, tmp_path):
    import datasets

    _, _, _, b = sharded
    folder = b.write(tmp_path)
    pairs = datasets.load_dataset(str(folder), "training_pairs", split="train")
    conversations = datasets.load_dataset(str(folder), "conversations", split="train")
    assert (len(pairs), len(conversations)) == (b.facts.supervised_examples, b.facts.conversations)


def test_the_checks_pass_a_sharded_release_and_block_a_file_out_of_shape(sharded):
    ds, plan, chosen, b = sharded
    report = {c.name: c for c in runner.check_tier(b, plan, chosen, ds.consultant_profile, 21).checks}
    assert report["card truth"].status == "pass"  # the configs' globs point at real files
    assert report["parquet shape"].status == "pass"
    from services.release.parquet import config_paths

    target = config_paths("conversations", b.files)[0]
    whole = pq.read_table(io.BytesIO(b.files[target]))
    buffer = io.BytesIO()
    pq.write_table(whole, buffer)  # one row group, no page index: what the viewer reads badly
    broken = bundle.Bundle(tier=b.tier, channel=b.channel, repo_id=b.repo_id,
                           files={**b.files, target: buffer.getvalue()}, facts=b.facts,
                           card=b.card, conversation_ids=b.conversation_ids, links=b.links)
    from services.release.checks.shape import check_shape

    result = check_shape(broken, ParquetLimits(row_group_bytes=60_000, file_bytes=10**9))
    assert result is not None and result.status == "block"
    details = [p.detail for p in result.places]
    assert any(d.startswith(f"{target}: row group 0 holds") and d.endswith("uncompressed (at most 60 kB)")
               for d in details)
    assert any("has no page index" in d for d in details)


def test_a_release_of_more_files_than_one_commit_takes_is_blocked_with_the_figures(sharded):
    from services.release.checks.shape import check_shape

    _, _, _, b = sharded
    allowed = len(b.files) - 1
    result = check_shape(b, ParquetLimits(row_group_bytes=60_000, file_bytes=250_000, commit_files=allowed))
    assert result is not None and result.status == "block"
    assert [p.detail for p in result.places] == [f"{len(b.files)} files (at most {allowed})"]
    assert check_shape(b, SMALL).status == "pass"  # the default: at most 100


def test_a_row_larger_than_the_limit_stands_alone():
    import pyarrow as pa

    table = pa.table({"text": ["x" * 10, "y" * 5000, "z" * 10, "w" * 10]})
    (data,) = config_files("c", table, ParquetLimits(row_group_bytes=1000, file_bytes=10**9)).values()
    meta = _meta(data)
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [1, 1, 2]
