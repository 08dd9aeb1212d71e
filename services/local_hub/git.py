"""Git and Git LFS as the Hub reports them: blob ids, LFS pointers, which paths LFS stores, commit
ids, trees. Plain functions of bytes, used by the routes and by the sandbox's saved state."""

from __future__ import annotations

import fnmatch
import hashlib
import json

from services.local_hub.state import Commit, now

# The .gitattributes the Hub writes into a new dataset repo: these paths are LFS files (preupload
# answers "lfs" for them), among them Parquet, PNG and zip.
LFS_PATTERNS = ("*.7z", "*.arrow", "*.bin", "*.bz2", "*.ckpt", "*.ftz", "*.gz", "*.h5", "*.joblib", "*.lfs", "*.lz4",
                "*.mds", "*.mlmodel", "*.model", "*.msgpack", "*.npy", "*.npz", "*.onnx", "*.ot", "*.parquet", "*.pb",
                "*.pickle", "*.pkl", "*.pt", "*.pth", "*.rar", "*.safetensors", "saved_model/**/*", "*.tar.*",
                "*.tar", "*.tflite", "*.tgz", "*.wasm", "*.xz", "*.zip", "*.zst", "*tfevents*", "*.pcm", "*.sam",
                "*.raw", "*.aac", "*.flac", "*.mp3", "*.ogg", "*.wav", "*.bmp", "*.gif", "*.png", "*.tiff", "*.jpg",
                "*.jpeg", "*.webp", "*.mp4", "*.webm")
GITATTRIBUTES = "".join(f"{p} filter=lfs diff=lfs merge=lfs -text\n" for p in LFS_PATTERNS).encode()
LFS_THRESHOLD = 10 * 1024 * 1024  # bytes: a larger file is an LFS file whatever its name (huggingface_hub docs)


def lfs_pointer(data: bytes) -> bytes:
    """The Git LFS pointer file committed in place of an LFS file's content (git-lfs spec v1)."""
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{hashlib.sha256(data).hexdigest()}\n" \
           f"size {len(data)}\n".encode()


def lfs_tracked(path: str, size: int = 0, sample: bytes = b"") -> bool:
    """Whether the Hub stores this file in LFS: a .gitattributes pattern, its size, or binary content."""
    name = path.rsplit("/", 1)[-1]
    return (any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(name, p) for p in LFS_PATTERNS)
            or size > LFS_THRESHOLD or b"\x00" in sample)


def blob_oid(data: bytes) -> str:
    """The git blob id the Hub reports for a regular file."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def commit_oid(parent: str | None, message: str, files: dict[str, bytes]) -> str:
    """A new commit's id: its parent, message, tree and time, hashed (unique, as the Hub's are)."""
    tree = json.dumps({p: blob_oid(d) for p, d in sorted(files.items())})
    return hashlib.sha1(f"{parent}\n{message}\n{tree}\n{now()}".encode()).hexdigest()


def remote_oid(commit: Commit | None, path: str) -> str | None:
    """The id preupload reports for a file already in the repo: an LFS file's sha256, else its blob id."""
    if commit is None or path not in commit.files:
        return None
    data = commit.files[path]
    return hashlib.sha256(data).hexdigest() if path in commit.lfs else blob_oid(data)


def tree(commit: Commit | None, prefix: str, recursive: bool) -> list[dict]:
    """A commit's files and folders under `prefix` as the Hub's tree listing gives them."""
    if commit is None:
        return []
    prefix = prefix.strip("/")
    entries: dict[str, dict] = {}
    for path, data in sorted(commit.files.items()):
        if prefix and not path.startswith(prefix + "/"):
            continue
        relative = path[len(prefix) + 1:] if prefix else path
        head, _, _ = relative.partition("/")
        if "/" in relative and not recursive:
            folder = f"{prefix}/{head}" if prefix else head
            entries[folder] = {"type": "directory", "oid": blob_oid(folder.encode()), "size": 0, "path": folder}
            continue
        if recursive:
            parts = path.split("/")
            for i in range(1, len(parts)):
                folder = "/".join(parts[:i])
                if not prefix or folder.startswith(prefix + "/"):
                    entries[folder] = {"type": "directory", "oid": blob_oid(folder.encode()), "size": 0,
                                       "path": folder}
        if path in commit.lfs:  # the Hub's tree entry of an LFS file: its pointer's blob id, and `lfs`
            pointer = lfs_pointer(data)
            entries[path] = {"type": "file", "oid": blob_oid(pointer), "size": len(data), "path": path,
                             "lfs": {"oid": hashlib.sha256(data).hexdigest(), "size": len(data),
                                     "pointerSize": len(pointer)}}
            continue
        entries[path] = {"type": "file", "oid": blob_oid(data), "size": len(data), "path": path}
    return list(entries.values())
