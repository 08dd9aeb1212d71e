"""A reply posted through the real client: it lands once, the thread reads answered, refusals in words."""

from __future__ import annotations

import pytest

from services.feedback.inbox import read_inbox
from services.feedback.reply import reply
from services.feedback.settings import FeedbackSettings
from services.hub import api as hub_api
from services.hub.config import HubSettings
from services.hub.errors import HubError
from tests.conftest import HUB_READ_TOKEN
from tests.support.feedback_landscape import FULL
from tests.support.hub_faults import Fault, inject


def _comments(hub, num: int) -> list[str]:
    thread = next(t for t in hub.repos[FULL].discussions if t["num"] == num)
    return [e["data"]["latest"]["raw"] for e in thread["events"]]


def test_a_reply_lands_and_the_thread_reads_answered(landscape, hub_settings, published, index):
    api = hub_api.client(hub_settings)
    comment = reply(api, hub_settings, FULL, 1, "Thanks! A Roth set is next.", "dataset", "owner")
    assert comment is not None and comment.author == "owner"
    assert _comments(landscape, 1)[-1] == "Thanks! A Roth set is next."
    read = read_inbox(api, hub_settings, published, None, FeedbackSettings(), index)
    assert next(t for t in read.threads() if t.repo_id == FULL and t.num == 1).answered


def test_a_lost_answer_is_recognised_and_the_reply_not_sent_twice(landscape, hub_settings):
    inject(landscape, Fault(f"/api/datasets/{FULL}/discussions/1/comment", drop=True, after=True))
    api = hub_api.client(hub_settings)
    assert reply(api, hub_settings, FULL, 1, "Once only.", "dataset", "owner") is None
    assert _comments(landscape, 1).count("Once only.") == 1


def test_a_locked_thread_is_said(landscape, hub_settings):
    landscape.repos[FULL].discussions[0]["locked"] = True
    with pytest.raises(HubError) as err:
        reply(hub_api.client(hub_settings), hub_settings, FULL, 1, "hello", "dataset", "owner")
    assert err.value.code == "locked" and "the thread is locked" in str(err.value)
    assert "hello" not in _comments(landscape, 1)


def test_a_thread_that_does_not_exist_is_said(landscape, hub_settings):
    with pytest.raises(HubError) as err:
        reply(hub_api.client(hub_settings), hub_settings, FULL, 99, "hello", "dataset", "owner")
    assert err.value.code == "not_found" and "discussion #99" in str(err.value)


def test_a_read_only_token_is_said(landscape):
    settings = HubSettings(token=HUB_READ_TOKEN, endpoint=landscape.url, backoff=0.01)
    with pytest.raises(HubError) as err:
        reply(hub_api.client(settings), settings, FULL, 1, "hello", "dataset", "reader")
    assert err.value.code == "no_write" and "may not comment" in str(err.value)
    assert HUB_READ_TOKEN not in str(err.value)


def test_an_empty_reply_is_refused_before_any_request(landscape, hub_settings):
    before = len(landscape.requests)
    with pytest.raises(HubError) as err:
        reply(hub_api.client(hub_settings), hub_settings, FULL, 1, "   ", "dataset", "owner")
    assert err.value.code == "empty" and len(landscape.requests) == before
