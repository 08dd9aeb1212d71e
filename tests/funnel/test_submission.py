"""The submission rules in Python, on their own: whatever bytes a stranger sends, the decoding answers
with a refusal PostgREST would give, never a traceback; the window counts only accepted tries."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.funnel.landing_pages import LandingPage
from services.funnel.submission import (
    FUNCTIONS,
    FormLimits,
    SubmissionRefusedError,
    TryWindow,
    arguments,
    check_feedback,
    check_lead,
    form_text,
)

PAGE = LandingPage(space_id="brightrun/eq-100", tier="eq-100")
CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "text/plain",
                 "application/x-www-form-urlencoded", "", "multipart/form-data"]
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                      max_size=3), max_leaves=8)


@given(body=st.binary(max_size=200), content_type=st.sampled_from(CONTENT_TYPES),
       function=st.sampled_from(sorted(FUNCTIONS)))
def test_any_bytes_are_decoded_or_refused_in_words(body, content_type, function):
    try:
        args = arguments(function, body, content_type)
    except SubmissionRefusedError as exc:
        assert exc.status in {400, 404} and exc.code and str(exc)
    else:
        assert set(args) <= set(FUNCTIONS[function][0])


@given(call=st.dictionaries(st.sampled_from(sorted(FUNCTIONS["submit_lead"][0])), JSON_VALUES, max_size=12))
def test_any_json_call_is_checked_or_refused_in_words(call):
    try:
        accepted = check_lead(arguments("submit_lead", json.dumps(call).encode(), "application/json"),
                              lambda space: PAGE if space == PAGE.space_id else None)
    except SubmissionRefusedError as exc:
        assert exc.status in {400, 404, 410}
    else:
        assert accepted.page == PAGE
        assert accepted.row is None or (accepted.row["tier"] == "eq-100" and len(accepted.row["email"]) <= 254)


def test_a_feedback_row_keeps_an_email_only_with_its_consent():
    args = {"message": "  More\u200b Spanish ", "space_id": PAGE.space_id, "tier": "eq-100",
            "email": "ada@example.org", "contact_consent": True, "consent_version": PAGE.feedback_consent_version}
    row = check_feedback(args, lambda space: PAGE).row
    assert row is not None and (row["message"], row["email"], row["contact_consent"]) == (
        "More Spanish", "ada@example.org", True)
    with pytest.raises(SubmissionRefusedError, match="only with contact_consent"):
        check_feedback({**args, "contact_consent": False}, lambda space: PAGE)


@pytest.mark.parametrize(("text", "clean"), [(" a \u00a0\u2003 b\u200b ", "a b"), ("\u200b\u202e", None),
                                             ("line\nbreak\ttab", "line break tab"), (None, None)])
def test_text_as_a_person_typed_it(text, clean):
    assert form_text(text) == clean


def test_the_window_counts_only_accepted_tries_per_client_and_per_page():
    now = [0.0]
    window = TryWindow(FormLimits(per_client_per_minute=2, per_page_per_minute=3), clock=lambda: now[0])
    window.admit("a", "p")
    window.admit("a", "p")
    for _ in range(10):
        with pytest.raises(SubmissionRefusedError) as refused:
            window.admit("a", "p")
        assert refused.value.status == 429
    window.admit("b", "p")  # a's refused tries used none of the page's three
    with pytest.raises(SubmissionRefusedError):
        window.admit("c", "p")  # the page's three are used
    window.admit("c", "q")  # another page has its own
    now[0] = 61.0
    window.admit("a", "p")
