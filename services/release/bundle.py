"""A tier's release, exactly as it will leave the machine, built in one pass and written atomically.

Hub tiers: README.md (the card), data/conversations.parquet, data/training_pairs.parquet,
assets/coverage.png, release.json. A download tier (EQ-100): one zip with both configs as
JSONL, the card as README.md, a LICENSE and release.json. Building is deterministic: the same
plan and data give the same bytes (no timestamps; fixed zip dates; sorted entries).

The rows stream through once (`tier_data.prepare_tier`); this module adds the card, the LICENSE and
the manifest (`manifest.py`) and writes the whole. A release is kept in memory (the app, small tiers)
or its data files in a staging folder that `Bundle.write` renames into place (`bundle`).
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from services import __version__
from services.dataset.loader import LoadedDataset
from services.release.card.facts import CardFacts
from services.release.card.render import CardText, license_file, render_card
from services.release.card.whats_new import PreviousReleases, ReleaseSummary, WhatsNew, whats_new
from services.release.manifest import MANIFEST, MANIFEST_FORMAT, files_digest, manifest_bytes, plan_sha256
from services.release.tier_data import BUILDABLE, TierData, prepare_tier
from services.strategy.links import HUB_URL, ReleaseLinks
from services.strategy.plans import Plan
from services.strategy.sampling import TierSelection
from services.utils.files import CHUNK, FileSource, sha256_of, size_of

ZIP_DATE = (2020, 1, 1, 0, 0, 0)
ZIP64_LIMIT = (1 << 31) - 1  # zipfile needs to know up front that an entry passes it


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

    def write(self, out: Path, keep: bool = False) -> Path:
        """Write the folder (hub tiers) or the zip (download tiers) under `out`, atomically:
        built in a temporary sibling and renamed, so a half-written release never appears. Files already
        on disk (a staging folder on the same disk) are moved, not copied, unless `keep`: a bundle the app
        keeps for its pages stays whole, its files copied."""
        out.mkdir(parents=True, exist_ok=True)
        try:
            if self.channel == "download":
                return self._write_download(out)
            return self._write_folder(out, keep)
        finally:
            if not keep:
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

    def _write_folder(self, out: Path, keep: bool = False) -> Path:
        target = out / self.tier
        tmp = Path(tempfile.mkdtemp(prefix=f".{self.tier}.", dir=out))
        tmp.chmod(0o755)  # mkdtemp makes it private; a release folder is for sharing
        try:
            placed: dict[str, FileSource] = {}
            for path, data in self.files.items():
                (tmp / path).parent.mkdir(parents=True, exist_ok=True)
                if isinstance(data, bytes):
                    (tmp / path).write_bytes(data)
                elif keep:
                    shutil.copyfile(data, tmp / path)
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
            if not keep:
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


def finish_bundle(data: TierData, plan: Plan, text: CardText | None = None, hub_url: str = HUB_URL,
                  previous: PreviousReleases | None = None, themes: Iterable[str] = ()) -> Bundle:
    """The card, the license, the manifest: the bundle as it will be released, its links on `hub_url`.
    `previous`: the earlier releases: a tier released to its repo before says what is new since
    (`themes`: the feedback themes people raised, for the ones this release answers)."""
    links = ReleaseLinks.for_plan(plan, hub_url)
    digests = {path: sha256_of(source) for path, source in data.data_files.items()}  # hashed once, however built
    latest = previous.latest(data.tier.name, data.repo_id) if previous is not None else None
    if latest is None:
        return _assemble(data, plan, text, links, None, digests)
    if latest.holds_the_same_as(ReleaseSummary.from_facts(data.facts)):
        again = _assemble(data, plan, text, links, latest.news, digests)
        if files_digest(again.manifest) == latest.files_sha256:
            return again  # that release itself, byte for byte: publishing it is "already up to date"
    return _assemble(data, plan, text, links, whats_new(latest, data.facts, themes), digests)


def _assemble(data: TierData, plan: Plan, text: CardText | None, links: ReleaseLinks, news: WhatsNew | None,
              digests: dict[str, str]) -> Bundle:
    """The bundle with this "What's new" (`digests`: the data files' sha256)."""
    tier, facts = data.tier, data.facts
    card = render_card(plan, tier, text or CardText(), facts, data.repo_id, data.year, data.example, data.image,
                       data.generator, links, news, data.data_paths)
    files = dict(data.data_files)
    files["README.md"] = card.encode("utf-8")
    if tier.channel == "download" or tier.license == "other":  # the Hub asks for the text of an 'other' license
        files["LICENSE"] = license_file(tier, data.generator).encode("utf-8")
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
        "files": {path: {"sha256": digests.get(path) or sha256_of(files[path]), "bytes": size_of(files[path])}
                  for path in sorted(files)},
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
