"""Static Spaces: the Space's page embeds the app, which is served from its own origin (a route here)."""

from __future__ import annotations

import mimetypes

from services.local_hub.request import HubRequest, Reply
from services.local_hub.rules import HubError


def page(req: HubRequest, space_id: str) -> Reply:
    """`/spaces/ID` is a Hub page whose iframe shows the app (`https://OWNER-NAME.static.hf.space` on the
    Hub; a route of this server here). The Hub propagates the page's query string and hash to the
    embedded app on first load (hub-docs, "How to handle URL parameters in Spaces"), and sandboxes the
    iframe with forms, scripts, popups and downloads allowed (hub-docs, spaces-sdks-streamlit.md's
    embed snippet)."""
    repo = req.repo("space", space_id, req.user(required=False))
    query = req.query_string
    src = f"{req.hub.url}/static-spaces/{space_id}/index.html" + (f"?{query}" if query else "")
    html = (f"<!doctype html><html><head><title>{space_id}</title></head><body><h1>{space_id}</h1>"
            f'<iframe id="space" src="{src}" width="100%" height="1400" sandbox="allow-forms allow-modals '
            'allow-popups allow-popups-to-escape-sandbox allow-same-origin allow-scripts allow-downloads">'
            "</iframe></body></html>")
    if repo.sdk != "static":
        raise HubError(404, "this local Hub serves static Spaces only")
    return Reply(raw=html.encode(), content_type="text/html; charset=utf-8")


def static_file(req: HubRequest, space_id: str, path: str) -> Reply:
    """`/static-spaces/ID/PATH`: a file of a static Space's head, with its type."""
    repo = req.repo("space", space_id, req.user(required=False))
    data = repo.head.files.get(path) if repo.commits else None
    if data is None or repo.sdk != "static":
        raise HubError(404, "Not found")
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return Reply(raw=data, content_type=kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
