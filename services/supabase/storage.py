"""Files in Supabase Storage: one large file streamed to disk, many small ones fetched at once.

A training file can be hundreds of MB. supabase-py's `download()` returns the whole body as
bytes, which the loader would then hold a second time; so a training file is streamed in chunks
to a temporary file beside its destination and renamed into place when complete (a broken
transfer leaves nothing behind), through the same HTTP client and headers supabase-py uses.
Per-conversation files are small: they go through supabase-py's `download()`, several at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from urllib.parse import quote

import httpx
from storage3.exceptions import StorageApiError

from services.supabase.client import SupabaseSession, call
from services.supabase.errors import SupabaseError

Progress = Callable[[int, int | None], None]  # (bytes or files done, total if known)
CHUNK = 1 << 20


def _object_url(session: SupabaseSession, bucket: str, path: str) -> str:
    return f"{session.settings.url}/storage/v1/object/{quote(bucket)}/{quote(path.lstrip('/'))}"


def _raise_for_storage(response: httpx.Response) -> None:
    """Turn an error answer into the same StorageApiError supabase-py would raise."""
    if response.is_success:
        return
    response.read()
    try:
        body = json.loads(response.content)
        raise StorageApiError(str(body.get("message", "")), str(body.get("error", "")),
                              body.get("statusCode", response.status_code))
    except (ValueError, AttributeError):
        raise StorageApiError(response.text[:200], "InternalError", response.status_code) from None


def download_to(session: SupabaseSession, bucket: str, path: str, dest: Path,
                progress: Progress | None = None) -> Path:
    """Stream `bucket/path` into `dest` (atomically); return `dest`."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")

    def transfer() -> Path:
        try:
            with session.http.stream("GET", _object_url(session, bucket, path),
                                     headers=session.auth_headers()) as response:
                _raise_for_storage(response)
                total = int(response.headers.get("content-length") or 0) or None
                done = 0
                with part.open("wb") as out:
                    for chunk in response.iter_bytes(CHUNK):
                        out.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, total)
                if total is not None and done != total:
                    raise httpx.RemoteProtocolError(f"received {done} of {total} bytes")
            part.replace(dest)
            return dest
        finally:
            with suppress(FileNotFoundError):
                part.unlink()

    return call(session, f"`{bucket}/{path}`", transfer)


def fetch(session: SupabaseSession, bucket: str, path: str) -> bytes:
    """One small object, through supabase-py."""
    return call(session, f"`{bucket}/{path}`", lambda: session.client.storage.from_(bucket).download(path))


def fetch_many(session: SupabaseSession, objects: Sequence[tuple[str, str]],
               progress: Progress | None = None) -> list[bytes | SupabaseError]:
    """Many small objects concurrently, in the order given; a failure costs only its own file."""

    def one(item: tuple[str, str]) -> bytes | SupabaseError:
        try:
            return fetch(session, *item)
        except SupabaseError as exc:
            return exc

    results: list[bytes | SupabaseError] = []
    with ThreadPoolExecutor(max_workers=session.settings.workers * 2, thread_name_prefix="supabase-file") as pool:
        for result in pool.map(one, objects):
            results.append(result)
            if progress:
                progress(len(results), len(objects))
    return results
