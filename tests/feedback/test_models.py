"""A thread says how long it has waited the same way on the page and in the terminal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.feedback.models import Thread

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("opened", "said"), [(timedelta(hours=3), "today"), (timedelta(days=1, hours=2), "1 day"),
                                              (timedelta(days=12), "12 days")])
def test_how_long_a_thread_has_waited(opened, said):
    thread = Thread(repo_id="org/repo", repo_type="dataset", num=1, title="Hi", status="open", author="ada",
                    created_at=NOW - opened, url="http://127.0.0.1/x", is_pull_request=False, answered=False)
    assert thread.waiting(NOW) == said
