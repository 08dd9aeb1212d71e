"""A tier's release, exactly as it will leave the machine, built in one pass and written atomically.

Hub tiers: README.md (the card), data/conversations.parquet, data/training_pairs.parquet,
assets/coverage.png, release.json. A download tier (EQ-100): one zip with both configs as
JSONL, the card as README.md, a LICENSE and release.json. Building is deterministic: the same
plan and data give the same bytes (no timestamps; fixed zip dates; sorted entries).

The rows stream through in batches (`convert.tier_batches`) into the files' writers, the facts'
tally and the card's example: nothing holds a whole table. A release is kept in memory (the app,
small tiers) or its data files in a staging folder that `Bundle.write` renames into place (`bundle`).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, Any

import msgspec
import pyarrow as pa

from services import __version__
from services.dataset.loader import LoadedDataset
from services.dataset.summary import persona_arc_cells
from services.release import convert, parquet
from services.release.card.facts import CardFacts, FactsTally, Generator
from services.release.card.image import coverage_png
from services.release.card.render import CardText, render_card
from services.release.card.whats_new import PreviousReleases, ReleaseSummary, whats_new
from services.release.errors import BundleDirError, ReleaseError
from services.release.read_back import released_table
from services.release.sinks import FolderSink, MemorySink, Sink
from services.strategy.links import HUB_URL, ReleaseLinks, default_repo_id
from services.strategy.plans import Plan, Tier
from services.strategy.sampling import TierSelection
from services.utils.files import CHUNK, FileSource, sha256_of, size_of

MANIFEST = "release.json"
MANIFEST_FORMAT = "lead-magnet-studio-release/1"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)
ZIP64_LIMIT = (1 << 31) - 1  # zipfile needs to know up front that an entry passes it
BUILDABLE = ("hub_public", "hub_gated", "download")


@dataclass
class Bundle:
    tier: str
    channel: str
    repo_id: str
    files: dict[str, FileSource]  # relative path → content (bytes, or a file in the staging folder)
    facts: CardFacts
    card: str
    conversation_ids: list[str]
    manifest: dict[str, Any] = field(default_factory=dict)
    links: ReleaseLinks | None = None  # where the plan's tiers live on the Hub the card points to
    staging: Path | None = None  # the folder holding the files that are paths (removed by `write` / `discard`)

    def sha256(self) -> dict[str, str]:
        """Each file's sha256, as the manifest lists them (files on disk read in chunks)."""
        return {path: sha256_of(data) for path, data in sorted(self.files.items())}

    def _write_zip(self, handle: IO[bytes]) -> None:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(self.files):
                info = zipfile.ZipInfo(path, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                source = self.files[path]
                if isinstance(source, bytes):
                    archive.writestr(info, source)
                    continue
                info.file_size = size_of(source)  # as `writestr` sets it: the same bytes as a file held whole
                with archive.open(info, "w", force_zip64=info.file_size > ZIP64_LIMIT) as entry, \
                        Path(source).open("rb") as data:
                    shutil.copyfileobj(data, entry, CHUNK)

    def zip_bytes(self) -> bytes:
        """The bundle as one zip, byte-identical for identical files."""
        buffer = io.BytesIO()
        self._write_zip(buffer)
        return buffer.getvalue()

    def write(self, out: Path) -> Path:
        """Write the folder (hub tiers) or the zip (download tiers) under `out`, atomically:
        built in a temporary sibling and renamed, so a half-written release never appears. Files already
        on disk (a staging folder on the same disk) are moved, not copied."""
        out.mkdir(parents=True, exist_ok=True)
        try:
            if self.channel == "download":
                return self._write_download(out)
            return self._write_folder(out)
        finally:
            self.discard()

    def _write_download(self, out: Path) -> Path:
        target = out / f"{self.tier}.zip"
        tmp = out / f".{self.tier}.zip.part"
        try:
            with tmp.open("wb") as handle:
                self._write_zip(handle)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        return target

    def _write_folder(self, out: Path) -> Path:
        target = out / self.tier
        tmp = Path(tempfile.mkdtemp(prefix=f".{self.tier}.", dir=out))
        tmp.chmod(0o755)  # mkdtemp makes it private; a release folder is for sharing
        try:
            placed: dict[str, FileSource] = {}
            for path, data in self.files.items():
                (tmp / path).parent.mkdir(parents=True, exist_ok=True)
                if isinstance(data, bytes):
                    (tmp / path).write_bytes(data)
                else:
                    _move_or_copy(Path(data), tmp / path)
                placed[path] = data if isinstance(data, bytes) else target / path
            if target.exists():
                old = out / f".{self.tier}.old"
                shutil.rmtree(old, ignore_errors=True)
                target.replace(old)
                tmp.replace(target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                tmp.replace(target)
            self.files = placed
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return target

    def discard(self) -> None:
        """Remove the staging folder (its files have been moved, or the bundle is abandoned)."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None


def _move_or_copy(source: Path, target: Path) -> None:
    """A staged file into the release folder: renamed on the same disk, else copied in chunks."""
    try:
        source.replace(target)
    except OSError:
        shutil.copyfile(source, target)


def parquet_bytes(table: pa.Table) -> bytes:
    """A table as one Parquet file (zstd, page index), as the Hub's dataset viewer and `datasets` read it."""
    (data,) = parquet.config_files("table", table, parquet.ParquetLimits(file_bytes=2**62)).values()
    return data


def jsonl_bytes(table: pa.Table) -> bytes:
    """A table as JSON Lines, one row per line (download tiers)."""
    return b"".join(msgspec.json.encode(row) + b"\n" for row in table.to_pylist())


class _ExamplePicker:
    """The card's example, chosen while the rows stream by: the featured conversation if it is in the
    tier, else the first with two answers (else the first); its first two exchanges."""

    COLUMNS = ("conversation_id", "messages", "persona_name", "arc_name", "topic_name")

    def __init__(self, featured: str | None) -> None:
        self.featured = featured
        self._featured: dict[str, Any] | None = None
        self._two_answers: dict[str, Any] | None = None
        self._first: dict[str, Any] | None = None

    def offer(self, conversations: pa.Table) -> None:
        """One batch of rows, in release order."""
        if self._featured is not None or not conversations.num_rows:
            return
        ids = conversations.column("conversation_id").to_pylist()
        if self.featured not in ids and self._two_answers is not None:
            return  # nothing this batch can change
        rows = conversations.select(list(self.COLUMNS)).to_pylist()
        self._first = self._first or rows[0]
        if self.featured in ids:
            self._featured = rows[ids.index(self.featured)]
        self._two_answers = self._two_answers or next(
            (row for row in rows if sum(m["role"] == "assistant" for m in row["messages"]) >= 2), None)

    def example(self) -> dict[str, Any] | None:
        """What the card shows (None for an empty tier)."""
        chosen = self._featured or self._two_answers or self._first
        if chosen is None:
            return None
        dialogue = [m for m in chosen["messages"] if m["role"] != "system"][:4]
        return {"persona": chosen["persona_name"], "arc": chosen["arc_name"], "topic": chosen["topic_name"],
                "messages": dialogue, "conversation_id": chosen["conversation_id"]}


def _year(ds: LoadedDataset) -> int:
    created = (ds.file_metadata.created_date if ds.file_metadata else None) or ""
    return int(created[:4]) if created[:4].isdigit() else 2025


def plan_sha256(plan: Plan) -> str:
    """The plan's fingerprint in the manifest: which plan built this release."""
    return hashlib.sha256(json.dumps(plan.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


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


class _JsonlWriter:
    """A download tier's config as JSON Lines, written batch by batch."""

    def __init__(self, sink: Sink, path: str) -> None:
        self.path, self._sink, self._handle = path, sink, sink.open(path)

    def write(self, table: pa.Table) -> None:
        """Append the rows."""
        self._handle.write(jsonl_bytes(table))

    def close(self) -> list[str]:
        """Finish the file; its path."""
        self._handle.close()
        return [self.path]

    def abort(self) -> None:
        """Close the file after a failure."""
        self._handle.close()


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
    writers: dict[str, parquet.ConfigWriter | _JsonlWriter]
    if tier.channel == "download":
        writers = {c: _JsonlWriter(sink, f"{c}.jsonl") for c in convert.CONFIG_SCHEMAS}
    else:
        writers = {c: parquet.ConfigWriter(c, schema, sink, limits) for c, schema in convert.CONFIG_SCHEMAS.items()}
    tally, picker, ids = FactsTally(), _ExamplePicker(tier.featured_conversation), []
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


def finish_bundle(data: TierData, plan: Plan, text: CardText | None = None, hub_url: str = HUB_URL,
                  previous: PreviousReleases | None = None, themes: Iterable[str] = ()) -> Bundle:
    """The card, the license, the manifest: the bundle as it will be released, its links on `hub_url`.
    `previous`: the tiers' earlier releases: a tier released before says what is new since
    (`themes`: the feedback themes people raised, for the ones this release answers)."""
    tier, facts = data.tier, data.facts
    links = ReleaseLinks.for_plan(plan, hub_url)
    before = previous.before(tier.name, ReleaseSummary.from_facts(facts)) if previous is not None else None
    news = whats_new(before, facts, themes) if before is not None else None
    card = render_card(plan, tier, text or CardText(), facts, data.repo_id, data.year, data.example, data.image,
                       data.generator, links, news, data.data_paths)
    files = dict(data.data_files)
    files["README.md"] = card.encode("utf-8")
    if tier.channel == "download" or tier.license == "other":  # the Hub asks for the text of an 'other' license
        files["LICENSE"] = (f"License: {tier.license}\n\n" + card.split("## License", 1)[-1].split("##")[0].strip()
                            + "\n").encode("utf-8")
    bundle = Bundle(tier=tier.name, channel=tier.channel, repo_id=data.repo_id, files=files, facts=facts, card=card,
                    conversation_ids=list(data.conversation_ids), links=links, staging=data.staging)
    bundle.manifest = {
        "format": MANIFEST_FORMAT,
        "tool": {"name": "lead-magnet-studio", "version": __version__},
        "tier": tier.name, "channel": tier.channel, "repo_id": data.repo_id, "hub_url": links.endpoint,
        "license": tier.license,
        "seed": plan.seed, "plan_sha256": plan_sha256(plan), "plan": plan.model_dump(mode="json"),
        "source": data.source,
        "generator": data.generator.model_dump() if data.generator else None,
        "counts": {"conversations": facts.conversations, "supervised_examples": facts.supervised_examples,
                   "messages": facts.messages},
        "conversation_ids": bundle.conversation_ids,
        "facts": facts.model_dump(mode="json"), "citation_year": data.year,
        "files": {path: {"sha256": digest, "bytes": size_of(files[path])}
                  for path, digest in bundle.sha256().items()},
        "check_overrides": [],
        "whats_new": news.model_dump(mode="json") if news is not None else None,
    }
    files[MANIFEST] = manifest_bytes(bundle.manifest)
    return bundle


def build_bundle(ds: LoadedDataset, plan: Plan, selection: TierSelection, text: CardText | None = None,
                 with_image: bool = True, hub_url: str = HUB_URL, previous: PreviousReleases | None = None,
                 themes: Iterable[str] = (), staging: Path | None = None) -> Bundle:
    """Everything one tier releases: in memory, or its data files in a new folder under `staging`."""
    return finish_bundle(prepare_tier(ds, plan, selection, with_image, staging=staging), plan, text, hub_url,
                         previous, themes)


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest as stable, indented JSON bytes."""
    return (json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def build_plan(ds: LoadedDataset, plan: Plan, selections: dict[str, TierSelection],
               texts: dict[str, CardText] | None = None, with_image: bool = True,
               hub_url: str = HUB_URL, previous: PreviousReleases | None = None,
               themes: Iterable[str] = (), staging: Path | None = None) -> dict[str, Bundle]:
    """A bundle for every released tier whose selection could be built (`previous`: the tiers' earlier
    releases, for their "What's new"; `staging`: where data files are written, None for memory). On a
    failure, the tiers already staged are discarded."""
    texts, themes = texts or {}, list(themes)
    built: dict[str, Bundle] = {}
    try:
        for name, sel in selections.items():
            if plan.tier(name).channel in BUILDABLE and sel.error is None:
                built[name] = build_bundle(ds, plan, sel, texts.get(name), with_image, hub_url, previous, themes,
                                           staging)
    except BaseException:
        for b in built.values():
            b.discard()
        raise
    return built


def read_release_dir(folder: Path) -> tuple[dict[str, Path], dict[str, Any]]:
    """The files of a Hub tier folder written by `bundle` (their paths: they are published from disk,
    never read whole), each checked against its manifest's sha256 in chunks."""
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    if not folder.is_dir():
        raise BundleDirError(f"{folder}: not a folder (a Hub tier's release folder is expected)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BundleDirError(f"{folder}: no {MANIFEST}; is this a folder written by `bundle`?") from None
    except ValueError as exc:
        raise BundleDirError(f"{manifest_path}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise BundleDirError(f"{manifest_path}: not a release manifest ({MANIFEST_FORMAT})")
    files = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}
    listed = manifest.get("files") or {}
    for path, entry in listed.items():
        if path not in files:
            raise BundleDirError(f"{folder}: {path} is listed in {MANIFEST} but missing")
        if sha256_of(files[path]) != entry.get("sha256"):
            raise BundleDirError(f"{folder}: {path} was changed after the bundle was built (sha256 differs)")
    extra = sorted(set(files) - set(listed) - {MANIFEST})
    if extra:
        raise BundleDirError(f"{folder}: files not in the release: {', '.join(extra)}")
    return files, manifest


def manifest_blocked(manifest: dict[str, Any]) -> list[str]:
    """The blocking checks recorded in a manifest that no override covers."""
    overridden = {name for o in manifest.get("check_overrides") or [] for name in o.get("checks", [])}
    return [c["name"] for c in manifest.get("checks") or []
            if c.get("status") == "block" and c["name"] not in overridden]
