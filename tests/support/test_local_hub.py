"""The test Hub's Spaces and collections, through the real huggingface_hub client (the funnel's parts).

A static Space serves the landing page; a collection gathers a plan's tiers. These check that the
stand-in answers the calls the client makes as the Hub does, before a feature relies on them.
"""

from __future__ import annotations

import pytest
from huggingface_hub.errors import HfHubHTTPError

from services.hub import api as hub_api

SPACE = "brightrun/eq-100-landing"


@pytest.fixture
def api(local_hub, hub_settings):
    return hub_api.client(hub_settings)


def test_a_static_space_holds_its_page_beside_a_dataset_of_the_same_name(api, local_hub):
    api.create_repo(SPACE, repo_type="space", space_sdk="static", private=False)
    api.create_repo(SPACE, repo_type="dataset")  # a dataset may share the Space's name
    page = b"<!doctype html><title>EQ-100</title><form></form>"
    api.upload_file(path_or_fileobj=page, path_in_repo="index.html", repo_id=SPACE, repo_type="space")
    assert local_hub.spaces[SPACE].head.files["index.html"] == page
    assert "index.html" not in local_hub.repos[SPACE].head.files
    info = api.space_info(SPACE)
    assert info.sdk == "static" and "index.html" in {s.rfilename for s in info.siblings}
    with pytest.raises(ValueError, match="space_sdk"):  # the client itself asks for one, as the Hub does
        api.create_repo("brightrun/no-sdk", repo_type="space")


def test_a_space_cannot_be_written_without_the_rights(local_hub, hub_settings):
    from services.hub.config import HubSettings
    from tests.conftest import HUB_OUTSIDER_TOKEN

    outsider = HubSettings(token=HUB_OUTSIDER_TOKEN, endpoint=local_hub.url)
    with pytest.raises(HfHubHTTPError) as err:
        hub_api.client(outsider).create_repo(SPACE, repo_type="space", space_sdk="static")
    assert err.value.response.status_code == 403 and SPACE not in local_hub.spaces


def test_a_collection_gathers_the_tiers_once_each(api, local_hub):
    collection = api.create_collection("EQ conversations", namespace="brightrun", description="The funnel")
    assert collection.slug.startswith("brightrun/eq-conversations-") and collection.items == []
    again = api.create_collection("EQ conversations", namespace="brightrun", exists_ok=True)
    assert again.slug == collection.slug and len(local_hub.collections) == 1
    api.add_collection_item(collection.slug, "brightrun/eq-preview", "dataset", note="Free preview")
    api.add_collection_item(collection.slug, SPACE, "space")
    api.add_collection_item(collection.slug, "brightrun/eq-preview", "dataset", exists_ok=True)  # not twice
    items = api.get_collection(collection.slug).items
    assert [(i.item_id, i.item_type, i.note) for i in items] == [
        ("brightrun/eq-preview", "dataset", "Free preview"), (SPACE, "space", None)]


def test_expand_answers_only_what_was_asked_and_refuses_unknown_properties(api, local_hub):
    api.create_repo("brightrun/eq-full", repo_type="dataset")
    local_hub.repos["brightrun/eq-full"].downloads_all_time = 77
    info = api.dataset_info("brightrun/eq-full", expand=["downloadsAllTime", "gated"])
    assert (info.downloads_all_time, info.gated, info.sha, info.siblings) == (77, False, None, None)
    with pytest.raises(HfHubHTTPError, match="Invalid expand"):
        api.dataset_info("brightrun/eq-full", expand=["sdk"])  # a Space's property, not a dataset's


def test_a_static_space_page_embeds_its_app_with_the_query_string_and_hides_a_private_one(api, local_hub):
    import urllib.error
    import urllib.request

    api.create_repo(SPACE, repo_type="space", space_sdk="static", private=False)
    api.upload_file(path_or_fileobj=b"<p>landing</p>", path_in_repo="index.html", repo_id=SPACE, repo_type="space")
    with urllib.request.urlopen(f"{local_hub.url}/spaces/{SPACE}?utm_campaign=preview", timeout=5) as page:
        html = page.read().decode()
    assert f'src="{local_hub.url}/static-spaces/{SPACE}/index.html?utm_campaign=preview"' in html
    with urllib.request.urlopen(f"{local_hub.url}/static-spaces/{SPACE}/index.html", timeout=5) as app:
        assert (app.read(), app.headers["content-type"]) == (b"<p>landing</p>", "text/html; charset=utf-8")
    local_hub.spaces[SPACE].private = True
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{local_hub.url}/spaces/{SPACE}", timeout=5)
    assert err.value.code == 404
