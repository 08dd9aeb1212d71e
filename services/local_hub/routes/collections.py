"""Collections: what `create_collection`, `add_collection_item` and `get_collection` send and read. A
second collection of the same title in the same namespace is 409 with the existing slug (the client
reads it for `exists_ok`); a second item of the same id and type is 409."""

from __future__ import annotations

import hashlib
import re

from services.local_hub.request import HubRequest, Reply
from services.local_hub.rules import HubError
from services.local_hub.state import now


def collections(req: HubRequest, rest: list[str]) -> Reply:
    """`POST /api/collections`, `GET /api/collections/{slug}`, `POST /api/collections/{slug}/items`."""
    hub = req.hub
    if not rest and req.method == "POST":
        user = req.caller()
        payload = req.json()
        namespace = payload.get("namespace") or user.name
        if not user.can_write(namespace):
            raise HubError(403, f"You cannot create a collection in {namespace}")
        same = next((c for c in hub.collections.values()
                     if c["owner"]["name"] == namespace and c["title"] == payload["title"]), None)
        if same is not None:
            raise HubError(409, "Collection already exists", slug=same["slug"])
        words = re.sub(r"[^a-z0-9]+", "-", payload["title"].lower()).strip("-")
        slug = f"{namespace}/{words}-{hashlib.sha1(payload['title'].encode()).hexdigest()[:24]}"
        hub.collections[slug] = {
            "slug": slug, "title": payload["title"], "description": payload.get("description"),
            "owner": {"name": namespace, "type": "org"}, "items": [], "lastUpdated": now(),
            "position": 0, "private": bool(payload.get("private")), "theme": "default", "upvotes": 0}
        return Reply(hub.collections[slug])
    collection = hub.collections.get("/".join(rest[:2]))
    if collection is None:
        raise HubError(404, "Collection not found")
    if rest[2:] == ["items"] and req.method == "POST":
        req.user()
        payload = req.json()
        item = payload["item"]
        if any(i["id"] == item["id"] and i["type"] == item["type"] for i in collection["items"]):
            raise HubError(409, "Item already exists in collection")
        note = payload.get("note")
        collection["items"].append({"_id": hashlib.sha1(item["id"].encode()).hexdigest()[:24],
                                    "id": item["id"], "type": item["type"], "position": len(collection["items"]),
                                    **({"note": {"text": note}} if note else {})})
        collection["lastUpdated"] = now()
    return Reply(collection)
