"""A tier's release, exactly as it will leave the machine, built in memory and written atomically.

Hub tiers: README.md (the card), data/conversations.parquet, data/training_pairs.parquet,
assets/coverage.png, release.json. A download tier (EQ-100): one zip with both configs as
JSONL, the card as README.md, a LICENSE and release.json. Building is deterministic: the same
plan and data give the same bytes (no timestamps; fixed zip dates; sorted entries).
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
from pathlib import Path
from typing import Any

import msgspec
import pyarrow as pa

from services import __version__
from services.dataset.loader import LoadedDataset
from services.dataset.summary import persona_arc_cells
from services.release import convert, parquet
from services.release.card.facts import CardFacts, Generator, compute_facts
from services.release.card.image import coverage_png
from services.release.card.render import CardText, render_card
from services.release.card.whats_new import PreviousReleases, ReleaseSummary, whats_new
from services.release.errors import BundleDirError, ReleaseError
from services.strategy.links import HUB_URL, ReleaseLinks, default_repo_id
from services.strategy.plans import Plan, Tier
from services.strategy.sampling import TierSelection
from services.utils.files import sha256_of

MANIFEST = "release.json"
MANIFEST_FORMAT = "lead-magnet-studio-release/1"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)
BUILDABLE = ("hub_public", "hub_gated", "download")


@dataclass
class Bundle:
    tier: str
    channel: str
    repo_id: str
    files: dict[str, bytes]  # relative path → content, every file of the release
    facts: CardFacts
    card: str
    conversation_ids: list[str]
    manifest: dict[str, Any] = field(default_factory=dict)
    links: ReleaseLinks | None = None  # where the plan's tiers live on the Hub the card points to

    def sha256(self) -> dict[str, str]:
        """Each file's sha256, as the manifest lists them."""
        return {path: hashlib.sha256(data).hexdigest() for path, data in sorted(self.files.items())}

    def zip_bytes(self) -> bytes:
        """The bundle as one zip, byte-identical for identical files."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(self.files):
                info = zipfile.ZipInfo(path, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, self.files[path])
        return buffer.getvalue()

    def write(self, out: Path) -> Path:
        """Write the folder (hub tiers) or the zip (download tiers) under `out`, atomically:
        built in a temporary sibling and renamed, so a half-written release never appears."""
        out.mkdir(parents=True, exist_ok=True)
        if self.channel == "download":
            target = out / f"{self.tier}.zip"
            tmp = out / f".{self.tier}.zip.part"
            tmp.write_bytes(self.zip_bytes())
            tmp.replace(target)
            return target
        target = out / self.tier
        tmp = Path(tempfile.mkdtemp(prefix=f".{self.tier}.", dir=out))
        tmp.chmod(0o755)  # mkdtemp makes it private; a release folder is for sharing
        try:
            for path, data in self.files.items():
                (tmp / path).parent.mkdir(parents=True, exist_ok=True)
                (tmp / path).write_bytes(data)
            if target.exists():
                old = out / f".{self.tier}.old"
                shutil.rmtree(old, ignore_errors=True)
                target.replace(old)
                tmp.replace(target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                tmp.replace(target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return target


def parquet_bytes(table: pa.Table) -> bytes:
    """A table as one Parquet file (zstd, page index), as the Hub's dataset viewer and `datasets` read it."""
    (data,) = parquet.config_files("table", table, parquet.ParquetLimits(file_bytes=2**62)).values()
    return data


def jsonl_bytes(table: pa.Table) -> bytes:
    """A table as JSON Lines, one row per line (download tiers)."""
    return b"".join(msgspec.json.encode(row) + b"\n" for row in table.to_pylist())


def _example(conversations: pa.Table, featured: str | None) -> dict[str, Any] | None:
    """The card's example: the featured conversation if it is in the tier, else the first with
    two answers; its first two exchanges."""
    rows = conversations.select(["conversation_id", "messages", "persona_name", "arc_name", "topic_name"]).to_pylist()
    chosen = next((r for r in rows if r["conversation_id"] == featured), None) or next(
        (r for r in rows if sum(m["role"] == "assistant" for m in r["messages"]) >= 2), rows[0] if rows else None)
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
    """What a tier releases apart from its card: the tables, their facts, the data files.
    Built once per (data, plan); the card is re-rendered from it whenever its text changes."""

    tier: Tier
    repo_id: str
    conversations: pa.Table
    pairs: pa.Table
    facts: CardFacts
    data_files: dict[str, bytes]
    image: str | None
    year: int
    source: dict[str, str]
    generator: Generator | None = None
    data_paths: dict[str, str] | None = None  # config → its Parquet file or shard glob (Hub tiers)


def prepare_tier(ds: LoadedDataset, plan: Plan, selection: TierSelection, with_image: bool = True,
                 limits: parquet.ParquetLimits = parquet.DEFAULT_LIMITS) -> TierData:
    """A tier's tables, facts and data files (everything but the card); kept-back tiers refused.
    Parquet is shaped by `limits` (row groups and shards by size, `services.release.parquet`)."""
    tier = plan.tier(selection.tier)
    if tier.channel not in BUILDABLE:
        raise ReleaseError(f"tier '{tier.name}' is kept back ({tier.channel}): it is not released")
    conv_rows, pair_rows = convert.tier_rows(ds, selection)
    conversations = convert.to_table(conv_rows, convert.CONVERSATIONS_SCHEMA)
    pairs = convert.to_table(pair_rows, convert.TRAINING_PAIRS_SCHEMA)
    all_cells = persona_arc_cells(ds)
    facts = compute_facts(conversations, pairs, ds.consultant_profile, all_cells)
    files: dict[str, bytes] = {}
    image = None
    paths: dict[str, str] | None = None
    if tier.channel == "download":
        files["conversations.jsonl"] = jsonl_bytes(conversations)
        files["training_pairs.jsonl"] = jsonl_bytes(pairs)
    else:
        paths = {}
        for config, table in (("conversations", conversations), ("training_pairs", pairs)):
            written = parquet.config_files(config, table, limits)
            files.update(written)
            paths[config] = parquet.data_files_glob(config, list(written))
        png = coverage_png(conversations) if with_image else None
        if png is not None:
            files["assets/coverage.png"] = png
            image = "assets/coverage.png"
    return TierData(tier=tier, repo_id=default_repo_id(plan, tier), conversations=conversations, pairs=pairs,
                    facts=facts, data_files=files, image=image, year=_year(ds),
                    source={"name": ds.name, "format": ds.format, "fingerprint": ds.fingerprint},
                    generator=_generator(ds), data_paths=paths)


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
    card = render_card(plan, tier, text or CardText(), facts, data.repo_id, data.year,
                       _example(data.conversations, tier.featured_conversation), data.image, data.generator, links,
                       news, data.data_paths)
    files = dict(data.data_files)
    files["README.md"] = card.encode("utf-8")
    if tier.channel == "download" or tier.license == "other":  # the Hub asks for the text of an 'other' license
        files["LICENSE"] = (f"License: {tier.license}\n\n" + card.split("## License", 1)[-1].split("##")[0].strip()
                            + "\n").encode("utf-8")
    bundle = Bundle(tier=tier.name, channel=tier.channel, repo_id=data.repo_id, files=files, facts=facts, card=card,
                    conversation_ids=data.conversations.column("conversation_id").to_pylist(), links=links)
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
        "files": {path: {"sha256": digest, "bytes": len(files[path])} for path, digest in bundle.sha256().items()},
        "check_overrides": [],
        "whats_new": news.model_dump(mode="json") if news is not None else None,
    }
    files[MANIFEST] = manifest_bytes(bundle.manifest)
    return bundle


def build_bundle(ds: LoadedDataset, plan: Plan, selection: TierSelection, text: CardText | None = None,
                 with_image: bool = True, hub_url: str = HUB_URL, previous: PreviousReleases | None = None,
                 themes: Iterable[str] = ()) -> Bundle:
    """Everything one tier releases, in memory."""
    return finish_bundle(prepare_tier(ds, plan, selection, with_image), plan, text, hub_url, previous, themes)


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest as stable, indented JSON bytes."""
    return (json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def build_plan(ds: LoadedDataset, plan: Plan, selections: dict[str, TierSelection],
               texts: dict[str, CardText] | None = None, with_image: bool = True,
               hub_url: str = HUB_URL, previous: PreviousReleases | None = None,
               themes: Iterable[str] = ()) -> dict[str, Bundle]:
    """A bundle for every released tier whose selection could be built (`previous`: the tiers' earlier
    releases, for their "What's new")."""
    texts, themes = texts or {}, list(themes)
    return {name: build_bundle(ds, plan, sel, texts.get(name), with_image, hub_url, previous, themes)
            for name, sel in selections.items()
            if plan.tier(name).channel in BUILDABLE and sel.error is None}


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
