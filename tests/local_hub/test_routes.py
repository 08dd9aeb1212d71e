"""The local Hub's Spaces and collections, through the real huggingface_hub client (the funnel's parts).

A static Space serves the landing page; a collection gathers a plan's tiers. These check that the
stand-in answers the calls the client makes as the Hub does, before a feature relies on them. Each
runs twice: on the tests' Hub and on the sandbox's (the same code, with its state saved to disk
after every change and its own routes beside the Hub's), so the sandbox is held to the same rules.
"""

from __future__ import annotations

import pytest
from huggingface_hub.errors import HfHubHTTPError

from services.hub import api as hub_api
from tests.support import both_hubs

SPACE = "brightrun/eq-100-landing"


local_hub = both_hubs.local_hub


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


# --- discussions and likers (the loop, issue #21), as the client reads and writes them ----------------
def _threads(local_hub, repo_id: str = "brightrun/eq-full", space: bool = False):
    from services.local_hub.shapes import comment_event, liker, thread
    from services.local_hub.state import Commit, Repo

    repo = Repo(id=repo_id, type="space" if space else "dataset", sdk="static" if space else None, likes=5)
    repo.commits.append(Commit("0" * 40, None, "initial commit", {}, "2026-11-27T08:00:00.000Z", "owner"))
    repo.discussions = [thread(n, f"Thread {n}", f"user{n}", f"2026-11-2{n}T10:00:00.000Z") for n in range(1, 8)]
    repo.discussions[1]["events"].append(comment_event(None, "from a deleted account", "2026-11-22T11:00:00.000Z"))
    repo.discussions[2]["events"].append(comment_event("troll", "rude", "2026-11-23T11:00:00.000Z", hidden=True))
    repo.discussions.append(thread(8, "Adding `refs/convert/parquet`", "parquet-converter", "2026-11-28T10:00:00.000Z",
                                   pull_request=True))
    repo.discussions.append(thread(9, "gone", None, "2026-11-29T10:00:00.000Z", status="closed"))
    repo.likers = [liker(f"fan{i}") for i in range(5)]
    (local_hub.spaces if space else local_hub.repos)[repo_id] = repo
    return repo


@pytest.mark.parametrize("space", [False, True], ids=["dataset", "space"])
def test_discussions_are_listed_newest_first_on_every_page(api, local_hub, space):
    from services.local_hub.rules import DISCUSSION_PAGE_SIZE

    _threads(local_hub, space=space)
    kind = "space" if space else "dataset"
    listed = list(api.get_repo_discussions("brightrun/eq-full", repo_type=kind))
    assert [d.num for d in listed] == [9, 8, 7, 6, 5, 4, 3, 2, 1]  # every page, newest first
    assert DISCUSSION_PAGE_SIZE < 9  # so the client paged
    assert listed[0].author == "deleted" and listed[1].is_pull_request and listed[1].author == "parquet-converter"
    assert listed[0].repo_type == kind
    prs = list(api.get_repo_discussions("brightrun/eq-full", repo_type=kind, discussion_type="pull_request"))
    assert [d.num for d in prs] == [8]
    closed = list(api.get_repo_discussions("brightrun/eq-full", repo_type=kind, discussion_status="closed"))
    assert [d.num for d in closed] == [9]
    mine = list(api.get_repo_discussions("brightrun/eq-full", repo_type=kind, author="user3"))
    assert [d.num for d in mine] == [3]


def test_a_thread_has_its_events_a_hidden_comment_no_text_a_deleted_author_no_name(api, local_hub):
    _threads(local_hub)
    details = api.get_discussion_details("brightrun/eq-full", 3, repo_type="dataset")
    opening, hidden = details.events
    assert (opening.author, opening.content) == ("user3", "Thread 3")
    assert hidden.hidden and hidden.content == "" and hidden.author == "troll"
    deleted = api.get_discussion_details("brightrun/eq-full", 2, repo_type="dataset").events[1]
    assert deleted.author == "deleted"
    pr = api.get_discussion_details("brightrun/eq-full", 8, repo_type="dataset")
    assert pr.is_pull_request and pr.target_branch == "refs/heads/main"


def test_a_comment_lands_unless_the_token_is_read_only_or_the_thread_locked(api, local_hub, hub_settings):
    from huggingface_hub.errors import HfHubHTTPError

    from services.hub.config import HubSettings
    from tests.conftest import HUB_READ_TOKEN

    repo = _threads(local_hub)
    comment = api.comment_discussion("brightrun/eq-full", 4, "Thanks, **noted**.", repo_type="dataset")
    assert comment.author == "owner" and comment.content == "Thanks, **noted**."
    assert repo.discussions[3]["events"][-1]["data"]["latest"]["raw"] == "Thanks, **noted**."
    reader = hub_api.client(HubSettings(token=HUB_READ_TOKEN, endpoint=local_hub.url))
    with pytest.raises(HfHubHTTPError) as err:
        reader.comment_discussion("brightrun/eq-full", 4, "no", repo_type="dataset")
    assert err.value.response.status_code == 403
    repo.discussions[4]["locked"] = True
    with pytest.raises(HfHubHTTPError) as err:
        api.comment_discussion("brightrun/eq-full", 5, "no", repo_type="dataset")
    assert err.value.response.status_code == 403 and "locked" in err.value.server_message


def test_likers_come_on_every_page(api, local_hub):
    from services.local_hub.rules import PAGE_SIZE

    _threads(local_hub)
    likers = [u.username for u in api.list_repo_likers("brightrun/eq-full", repo_type="dataset")]
    assert likers == [f"fan{i}" for i in range(5)] and len(likers) > PAGE_SIZE


def test_the_size_categories_the_hub_accepts_are_datasets_own():
    """The local Hub's copy of the Hub's `size_categories` values (it runs without `datasets`) stays the
    list `datasets` ships, which is the one the Hub validates against."""
    import json
    from pathlib import Path

    from datasets.utils import resources

    from services.local_hub.rules import HUB_SIZE_CATEGORIES

    shipped = json.loads((Path(resources.__file__).parent / "size_categories.json").read_text())
    assert list(HUB_SIZE_CATEGORIES) == shipped
