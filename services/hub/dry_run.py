"""The dry run: what publishing would change on the Hub, against the head seen now. Nothing is sent.

Files are compared by the id the Hub keeps for them: the git blob id for regular files, the
sha256 of the content for LFS files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from huggingface_hub import DatasetInfo, HfApi, RepoFile, SpaceInfo
from pydantic import BaseModel, Field

from services.hub.api import call
from services.hub.config import HubSettings
from services.hub.errors import HubError, card_errors_of
from services.strategy.links import RepoType
from services.utils.files import FileSource, git_blob_id, read_whole, sha256_of, size_of

KEEP = frozenset({".gitattributes"})  # the Hub's own file: never deleted by a release
RELEASE_TAG = re.compile(r"^v(\d+)$")


class FileChange(BaseModel):
    path: str
    size: int
    status: Literal["added", "changed", "unchanged", "deleted"]


class DryRun(BaseModel):
    """What publishing would change, against the head seen now. Nothing is sent to make it."""

    repo_id: str
    repo_type: RepoType = "dataset"
    exists: bool
    head: str | None = None
    private: bool | None = None
    gated: str | bool | None = None
    changes: list[FileChange] = Field(default_factory=list)
    release_tags: list[str] = Field(default_factory=list)
    head_tag: str | None = Field(default=None, description="the release tag already on the head, if any")
    card_errors: list[str] = Field(default_factory=list, description="the Hub's own verdict on the card's YAML")

    @property
    def up_to_date(self) -> bool:
        """Whether the repo already holds exactly these files."""
        return self.exists and all(c.status == "unchanged" for c in self.changes)

    def count(self, status: str) -> int:
        """How many files have this status."""
        return sum(1 for c in self.changes if c.status == status)

    @property
    def next_tag(self) -> str:
        """The tag the next release gets: one more than the highest `vN`."""
        numbers = [int(m.group(1)) for t in self.release_tags if (m := RELEASE_TAG.match(t))]
        return f"v{max(numbers, default=0) + 1}"


def remote_files(api: HfApi, settings: HubSettings, repo_id: str, revision: str,
                 repo_type: RepoType = "dataset") -> dict[str, tuple[str, int]]:
    """path → (id to compare, size): the sha256 for LFS files, the git blob id otherwise."""
    entries = call(settings, "reading the repo's files", lambda: list(
        api.list_repo_tree(repo_id, repo_type=repo_type, recursive=True, revision=revision)), repo_id)
    out = {}
    for entry in entries:
        if isinstance(entry, RepoFile):
            out[entry.path] = (f"sha256:{entry.lfs.sha256}" if entry.lfs else entry.blob_id, entry.size)
    return out


def read_head(api: HfApi, settings: HubSettings, repo_id: str,
              repo_type: RepoType = "dataset") -> tuple[DatasetInfo | SpaceInfo, str]:
    """The repo's info and the commit its main branch is at."""
    read = api.space_info if repo_type == "space" else api.dataset_info
    info: DatasetInfo | SpaceInfo = call(settings, "reading the repo", lambda: read(repo_id), repo_id)
    if not info.sha:
        raise HubError("hub_error", "the Hub did not say which commit the repo is at", "reading the repo")
    return info, info.sha


def _local_id(data: FileSource, remote_id: str | None) -> str:
    if remote_id and remote_id.startswith("sha256:"):
        return f"sha256:{sha256_of(data)}"
    return git_blob_id(data)


def diff(files: Mapping[str, FileSource], remote: dict[str, tuple[str, int]]) -> list[FileChange]:
    """Each local file added, changed or unchanged, and each remote file the release deletes. Files on
    disk are hashed in chunks (sha256 for the Hub's LFS files, the git blob id for the others) and
    compared with the ids the Hub lists: nothing is downloaded, nothing is read whole."""
    changes = []
    for path, data in sorted(files.items()):
        if path not in remote:
            status = "added"
        elif size_of(data) != remote[path][1]:
            status = "changed"  # a size that differs needs no hash
        else:
            status = "unchanged" if _local_id(data, remote[path][0]) == remote[path][0] else "changed"
        changes.append(FileChange(path=path, size=size_of(data), status=status))
    for path, (_, size) in sorted(remote.items()):
        if path not in files and path not in KEEP:
            changes.append(FileChange(path=path, size=size, status="deleted"))
    return changes


def card_errors(api: HfApi, settings: HubSettings, readme: bytes, repo_type: RepoType = "dataset") -> list[str]:
    """The Hub's errors about the card's YAML, verbatim (none: it accepts it). The Hub checks the
    card again inside the commit; asking first means a refused card never creates a repo."""
    def ask() -> list[str]:
        try:  # huggingface_hub's own check (POST /api/validate-yaml), as `create_commit` runs it
            api._validate_yaml(readme.decode("utf-8"), repo_type=repo_type)
        except ValueError as exc:
            if (errors := card_errors_of(exc)) is None:
                raise
            return errors
        return []

    return call(settings, "asking the Hub to validate the card", ask)


def against_nothing(repo_id: str, files: Mapping[str, FileSource], repo_type: RepoType = "dataset") -> DryRun:
    """The dry run of a repo that does not exist yet (or of no Hub at all): every file is added."""
    return DryRun(repo_id=repo_id, repo_type=repo_type, exists=False,
                  changes=[FileChange(path=p, size=size_of(d), status="added") for p, d in sorted(files.items())])


def dry_run(api: HfApi, settings: HubSettings, repo_id: str, files: Mapping[str, FileSource],
            repo_type: RepoType = "dataset") -> DryRun:
    """What publishing `files` to `repo_id` would change, against its head now. Sends nothing."""
    refused = card_errors(api, settings, read_whole(files["README.md"]), repo_type) if "README.md" in files else []
    try:
        info, head = read_head(api, settings, repo_id, repo_type)
    except HubError as exc:
        if exc.code != "not_found":
            raise
        return against_nothing(repo_id, files, repo_type).model_copy(update={"card_errors": refused})
    refs = call(settings, "reading the tags", lambda: api.list_repo_refs(repo_id, repo_type=repo_type), repo_id)
    tags = [t.name for t in refs.tags if RELEASE_TAG.match(t.name)]
    on_head = [t.name for t in refs.tags if t.target_commit == head and RELEASE_TAG.match(t.name)]
    return DryRun(repo_id=repo_id, repo_type=repo_type, exists=True, head=head, private=info.private,
                  gated=getattr(info, "gated", None),
                  changes=diff(files, remote_files(api, settings, repo_id, head, repo_type)), release_tags=tags,
                  head_tag=on_head[-1] if on_head else None, card_errors=refused)
