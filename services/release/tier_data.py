"""A tier's release apart from its card: one streaming pass over its rows writes the data files, tallies
the card's facts and picks its example. The card is rendered from the result (`bundle.finish_bundle`)
as often as its text changes; the rows are never walked twice."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pyarrow as pa

from services.dataset.loader import LoadedDataset
from services.dataset.summary import persona_arc_cells
from services.release import convert, parquet
from services.release.card.facts import CardFacts, FactsTally, Generator
from services.release.card.image import coverage_png
from services.release.errors import ReleaseError
from services.release.example import ExamplePicker
from services.release.jsonl import JsonlWriter
from services.release.read_back import released_table
from services.release.sinks import FolderSink, MemorySink, Sink
from services.strategy.links import default_repo_id
from services.strategy.plans import Plan, Tier
from services.strategy.sampling import TierSelection
from services.utils.files import FileSource

BUILDABLE = ("hub_public", "hub_gated", "download")


def _year(ds: LoadedDataset) -> int:
    created = (ds.file_metadata.created_date if ds.file_metadata else None) or ""
    return int(created[:4]) if created[:4].isdigit() else 2025


@dataclass(frozen=True)
class TierData:
    """What a tier releases apart from its card: the data files, their facts, the card's example.
    Built once per (data, plan) in one pass over the rows; the card is re-rendered from it whenever its
    text changes. The released tables are read back from the files only when asked for."""

    tier: Tier
    repo_id: str
    facts: CardFacts
    data_files: dict[str, FileSource]
    image: str | None
    year: int
    source: dict[str, str]
    conversation_ids: list[str]
    example: dict[str, Any] | None
    generator: Generator | None = None
    data_paths: dict[str, str] | None = None  # config → its Parquet file or shard glob (Hub tiers)
    staging: Path | None = None  # the folder holding the data files (None: they are in memory)

    @cached_property
    def conversations(self) -> pa.Table:
        """The `conversations` config as released, read back whole (small tiers: previews, share kits)."""
        return released_table(self.tier.channel, self.data_files, "conversations")

    @cached_property
    def pairs(self) -> pa.Table:
        """The `training_pairs` config as released, read back whole (small tiers)."""
        return released_table(self.tier.channel, self.data_files, "training_pairs")


def prepare_tier(ds: LoadedDataset, plan: Plan, selection: TierSelection, with_image: bool = True,
                 limits: parquet.ParquetLimits = parquet.DEFAULT_LIMITS, staging: Path | None = None,
                 batch: int = convert.CONVERSATIONS_PER_BATCH) -> TierData:
    """A tier's data files, facts and example (everything but the card), in one pass over its rows,
    `batch` conversations at a time (the files do not depend on it); kept-back tiers refused. The files go to
    memory, or under `staging` (a new folder, for releases of any size). Parquet is shaped by `limits`
    (row groups and shards by size, `services.release.parquet`)."""
    tier = plan.tier(selection.tier)
    if tier.channel not in BUILDABLE:
        raise ReleaseError(f"tier '{tier.name}' is kept back ({tier.channel}): it is not released")
    folder = Path(tempfile.mkdtemp(prefix=f".{tier.name}.staging.", dir=staging)) if staging is not None else None
    sink: Sink = FolderSink(folder) if folder is not None else MemorySink()
    writers: dict[str, parquet.ConfigWriter | JsonlWriter]
    if tier.channel == "download":
        writers = {c: JsonlWriter(sink, f"{c}.jsonl") for c in convert.CONFIG_SCHEMAS}
    else:
        writers = {c: parquet.ConfigWriter(c, schema, sink, limits) for c, schema in convert.CONFIG_SCHEMAS.items()}
    tally, picker, ids = FactsTally(), ExamplePicker(tier.featured_conversation), []
    try:
        for conversations, pairs in convert.tier_batches(ds, selection, batch):
            writers["conversations"].write(conversations)
            writers["training_pairs"].write(pairs)
            tally.add(conversations, pairs)
            picker.offer(conversations)
            ids += conversations.column("conversation_id").to_pylist()
        written = {config: writer.close() for config, writer in writers.items()}
    except BaseException:
        for writer in writers.values():
            writer.abort()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    files = sink.files()
    facts = tally.facts(ds.consultant_profile, persona_arc_cells(ds))
    image = None
    paths: dict[str, str] | None = None
    if tier.channel != "download":
        paths = {config: parquet.data_files_glob(config, names) for config, names in written.items()}
        png = coverage_png(tally.light) if with_image else None
        if png is not None:
            files["assets/coverage.png"] = png
            image = "assets/coverage.png"
    return TierData(tier=tier, repo_id=default_repo_id(plan, tier), facts=facts, data_files=files, image=image,
                    year=_year(ds), source={"name": ds.name, "format": ds.format, "fingerprint": ds.fingerprint},
                    conversation_ids=ids, example=picker.example(), generator=_generator(ds), data_paths=paths,
                    staging=folder)


def _generator(ds: LoadedDataset) -> Generator | None:
    meta = ds.file_metadata
    if meta is None or not (meta.target_model or meta.format_spec):
        return None
    return Generator(model=meta.target_model, format=meta.format_spec, version=meta.version)
