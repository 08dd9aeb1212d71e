"""Git LFS, basic transfer: what huggingface_hub's `post_lfs_batch_info` / `lfs_upload` speak. The batch
answers each object with an upload action (a presigned storage URL on the Hub, a route of this server
here) and a verify action beside the batch endpoint; an object stored already needs neither."""

from __future__ import annotations

import hashlib

from services.local_hub.request import HubRequest, Reply
from services.local_hub.rules import HubError


def batch(req: HubRequest, kind: str, repo_id: str) -> Reply:
    """`POST /{datasets|spaces}/{id}.git/info/lfs/objects/batch`."""
    req.repo(kind, repo_id, req.user(), write=True)
    payload = req.json()
    if payload.get("operation") != "upload" or "basic" not in (payload.get("transfers") or ["basic"]):
        raise HubError(400, "only basic uploads are served here")
    objects = []
    for obj in payload.get("objects", []):
        entry = {"oid": obj["oid"], "size": obj["size"], "authenticated": True}
        if obj["oid"] not in req.hub.lfs_objects:  # stored already: nothing to send
            entry["actions"] = {"upload": {"href": f"{req.hub.url}/lfs-upload/{obj['oid']}"},
                                "verify": {"href": f"{req.hub.url}/{kind}s/{repo_id}.git/info/lfs/objects/verify"}}
        objects.append(entry)
    return Reply({"transfer": "basic", "objects": objects, "hash_algo": "sha256"},
                 content_type="application/vnd.git-lfs+json")


def upload(req: HubRequest, oid: str) -> Reply:
    """`PUT /lfs-upload/{oid}`: stored when the content hashes to its oid."""
    data = req.body()
    if hashlib.sha256(data).hexdigest() != oid:
        raise HubError(400, "the uploaded content does not match its oid")
    req.hub.lfs_objects[oid] = data
    return Reply({})


def verify(req: HubRequest) -> Reply:
    """`POST …/info/lfs/objects/verify {oid, size}`: 404 unless that object, of that size, is stored."""
    payload = req.json()
    stored = req.hub.lfs_objects.get(payload.get("oid", ""))
    if stored is None or len(stored) != payload.get("size"):
        raise HubError(404, "object not found or of another size")
    return Reply({})
