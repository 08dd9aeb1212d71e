"""The streaming bundle (issue #23, part 1): rows go through in batches into the Parquet writers, the
facts' tally and the card's example, so the release does not depend on the batch size; files are
staged on disk and moved into place; a failure leaves nothing behind; the writer holds about one
row group."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from services.release import bundle, convert, parquet, tier_data
from services.release.parquet import ConfigWriter, ParquetLimits
from services.release.sinks import MemorySink
from services.strategy import presets, sampling
from services.utils.files import read_whole, sha256_of

SMALL = ParquetLimits(row_group_bytes=60_000, file_bytes=250_000)  # the real limits, scaled to the demo


def _digests(files) -> dict[str, str]:
    return {path: sha256_of(source) for path, source in sorted(files.items())}


@pytest.mark.parametrize("limits", [parquet.DEFAULT_LIMITS, SMALL], ids=["one file per config", "sharded"])
def test_the_release_is_the_same_bytes_whatever_the_batch_size(demo_dataset, limits):
    plan = presets.preset_giveaway()
    selection = sampling.select_plan(demo_dataset, plan)["full"]
    whole = tier_data.prepare_tier(demo_dataset, plan, selection, with_image=False, limits=limits, batch=1000)
    streamed = tier_data.prepare_tier(demo_dataset, plan, selection, with_image=False, limits=limits, batch=7)
    assert _digests(streamed.data_files) == _digests(whole.data_files)
    assert streamed.facts == whole.facts and streamed.example == whole.example
    assert streamed.conversation_ids == whole.conversation_ids == sorted(whole.conversation_ids)
    assert len(whole.data_files) > (2 if limits is SMALL else 1)


def test_a_download_tier_streams_its_lines_and_zips_the_same_bytes_from_disk(demo_dataset, tmp_path):
    plan = presets.preset_billboard()
    selection = sampling.select_plan(demo_dataset, plan)["eq-100"]
    in_memory = bundle.build_bundle(demo_dataset, plan, selection, with_image=False)
    staged = bundle.build_bundle(demo_dataset, plan, selection, with_image=False, staging=tmp_path)
    assert all(isinstance(staged.files[p], Path) for p in ("conversations.jsonl", "training_pairs.jsonl"))
    assert staged.files["training_pairs.jsonl"].read_bytes() == in_memory.files["training_pairs.jsonl"]
    zipped = staged.write(tmp_path / "out")
    assert zipped.read_bytes() == in_memory.zip_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # the staging folder is gone


def test_a_staged_release_is_moved_into_place_and_leaves_nothing_behind(demo_dataset, tmp_path):
    plan = presets.preset_giveaway()
    selection = sampling.select_plan(demo_dataset, plan)["full"]
    in_memory = bundle.build_bundle(demo_dataset, plan, selection, with_image=False)
    staged = bundle.build_bundle(demo_dataset, plan, selection, with_image=False, staging=tmp_path)
    data = staged.files["data/training_pairs.parquet"]
    assert isinstance(data, Path) and data.parent.parent.name.startswith(".full.staging.")
    assert staged.manifest["files"] == in_memory.manifest["files"]
    folder = staged.write(tmp_path)
    assert {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file()} == _digests(in_memory.files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]
    assert staged.files["data/training_pairs.parquet"] == folder / "data/training_pairs.parquet"


def test_a_build_that_fails_midway_leaves_no_staging_folder(demo_dataset, tmp_path, monkeypatch):
    plan = presets.preset_giveaway()
    selection = sampling.select_plan(demo_dataset, plan)["full"]
    batches = convert.tier_batches

    def breaks_after_one(*args, **kwargs):
        stream = batches(*args, **kwargs)
        yield next(stream)
        raise OSError("disk full")

    monkeypatch.setattr(convert, "tier_batches", breaks_after_one)
    with pytest.raises(OSError, match="disk full"):
        bundle.build_plan(demo_dataset, plan, {"full": selection}, with_image=False, staging=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_writer_holds_about_one_row_group_and_writes_each_as_it_fills(demo_dataset):
    plan = presets.preset_giveaway()
    selection = sampling.select_plan(demo_dataset, plan)["full"]
    sink = MemorySink()
    writer = ConfigWriter("training_pairs", convert.TRAINING_PAIRS_SCHEMA, sink, SMALL)
    written = []
    for _, pairs in convert.tier_batches(demo_dataset, selection, 1):
        writer.write(pairs)
        assert writer.pending_bytes <= SMALL.row_group_bytes  # what waits is less than a group
        written.append(writer.rows_written)
    assert 0 < written[len(written) // 2] < written[-1]  # groups went out while rows still came in
    names = writer.close()
    assert writer.rows_written == selection.supervised_examples > 0 and len(names) >= 2
    read = [parquet.parquet_file(read_whole(sink.files()[n])).read() for n in names]
    assert sum(t.num_rows for t in read) == selection.supervised_examples


def test_an_empty_config_still_has_its_file_and_columns():
    sink = MemorySink()
    writer = ConfigWriter("conversations", convert.CONVERSATIONS_SCHEMA, sink)
    writer.write(convert.CONVERSATIONS_SCHEMA.empty_table())
    assert writer.close() == ["data/conversations.parquet"]
    table = parquet.parquet_file(read_whole(sink.files()["data/conversations.parquet"])).read()
    assert table.num_rows == 0 and table.schema.names == convert.CONVERSATIONS_SCHEMA.names
