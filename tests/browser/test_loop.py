"""Issue #21's "done when", with real parts end to end: the Billboard preset released to the test Hub;
people comment and like there and answer the landing Space's feedback form in Chromium (through the
real PostgREST); `feedback --json` and the Feedback page show every human thread, unanswered first,
with themes, and the page renders hostile text inertly; a reply sent from the page lands and the thread
reads answered; `next-batch` writes a body that fills the empty arcs and lifts the asked-for topic; a
second release of the same tier carries "What's new"."""

from __future__ import annotations

import json

import psycopg
import pytest

from services import cli
from services.batch.body import GenerateBatchBody
from services.demo.scaffolding_rows import UNUSED_ARCS, scaffolding_document
from services.local_hub.shapes import comment_event, liker, thread
from tests.conftest import HUB_TOKEN
from tests.support.browser import BROWSER, assert_no_exception, chromium_page, wait_until_idle
from tests.support.streamlit_server import streamlit_app

pytestmark = BROWSER
PASSWORD = "loop password"
PRIVACY = "https://brightrun.ai/privacy"
PREVIEW = "brightrun/financial-eq-billboard-preview"
SPACE = "brightrun/financial-eq-billboard-eq-100"
HOSTILE_TITLE = '<img src=x onerror="window.__pwned = 1">'
HOSTILE_BODY = "<script>window.__pwned = 2</script> ![t](http://127.0.0.1:9/track.png) the anxious planner ones"


@pytest.fixture
def released(local_hub, supabase, monkeypatch, tmp_path):
    with psycopg.connect(supabase.db_uri, autocommit=True) as db:
        for table in ("leads", "feedback", "dataset_releases", "traction_snapshots", "liker_sightings"):
            db.execute(f"DELETE FROM {table}")
    for name, value in {"HF_TOKEN": HUB_TOKEN, "HF_ENDPOINT": local_hub.url, "SUPABASE_URL": supabase.url,
                        "SUPABASE_KEY": supabase.key("service_role"),
                        "SUPABASE_PUBLISHABLE_KEY": supabase.key("anon")}.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "release"
    assert cli.main(["bundle", "demo", "--preset", "billboard", "--out", str(out), "--privacy-url", PRIVACY,
                     "--no-image"]) == 0
    for release in (out / "preview", out / "eq-100.zip"):
        assert cli.main(["publish", str(release)]) == 0
    preview = local_hub.repos[PREVIEW]
    preview.discussions = [
        thread(1, "Any plans for Roth IRA Conversion conversations?", "ada", "2026-12-01T10:00:00.000Z",
               body="Loved the preview. More Roth IRA conversion, please — and does it work with TRL?"),
        thread(2, HOSTILE_TITLE, "mallory", "2026-12-02T10:00:00.000Z", body=HOSTILE_BODY,
               comments=[comment_event("troll", "a hidden insult", "2026-12-02T11:00:00.000Z", hidden=True)]),
        thread(3, "Adding `refs/convert/parquet`", "parquet-converter", "2026-12-03T10:00:00.000Z",
               pull_request=True),
        thread(4, "License for commercial use?", "bob", "2026-12-03T12:00:00.000Z",
               comments=[comment_event("owner", "CC-BY-4.0: yes, with credit.", "2026-12-03T13:00:00.000Z")]),
    ]
    preview.likers = [liker("ada"), liker("carol")]
    preview.likes = 2
    return out


def test_hear_answer_and_plan_the_next_batch(released, local_hub, supabase, tmp_path, capsys, artifacts):
    with chromium_page(1100, 1800) as page:  # a visitor answers the landing Space's feedback form
        page.goto(f"{local_hub.url}/spaces/{SPACE}")
        space = page.frame_locator("#space")
        space.locator("#feedback textarea[name=message]").fill("A Roth IRA Conversion set in Spanish, please")
        space.locator("#feedback button[type=submit]").click()
        space.get_by_text("Thank you: we read every suggestion.").wait_for(timeout=15_000)

    assert cli.main(["feedback", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    preview = next(r for r in doc["repos"] if r["repo_id"] == PREVIEW)
    assert [t["num"] for t in preview["threads"]] == [1, 2, 4]  # unanswered oldest first; the bot's PR left out
    assert [t["answered"] for t in preview["threads"]] == [False, False, True]
    assert "roth_ira_conversion" in preview["threads"][0]["themes"]
    assert preview["likers"] == ["ada", "carol"]
    assert [a["text"] for a in doc["form_answers"]] == ["A Roth IRA Conversion set in Spanish, please"]
    assert {t["theme"]: t["count"] for t in doc["themes"]}["roth_ira_conversion"] == 2
    feedback_file = tmp_path / "feedback.json"
    feedback_file.write_text(json.dumps(doc))

    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[connections.supabase]\nurl = "{supabase.url}"\nkey = "{supabase.key("service_role")}"\n')
    env = {"HF_TOKEN": HUB_TOKEN, "HF_ENDPOINT": local_hub.url, "HF_HUB_DISABLE_XET": "1",
           "STUDIO_PUBLISH_PASSWORD": PASSWORD, "STREAMLIT_SECRETS_FILES": str(secrets)}
    with streamlit_app(env=env) as url, chromium_page(1400, 2200) as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{url}/feedback")  # a deep link (the sidebar folds the later sections' pages away)
        wait_until_idle(page)
        assert_no_exception(page)
        page.get_by_text("Any plans for Roth IRA Conversion conversations?").first.wait_for(timeout=30_000)
        assert page.get_by_text(HOSTILE_TITLE, exact=False).count() >= 1  # shown, as text
        page.get_by_text("window.__pwned = 2", exact=False).first.wait_for(timeout=10_000)
        assert page.evaluate("window.__pwned") is None and dialogs == []
        assert page.locator('img[src="x"]').count() == 0
        assert page.locator('img[src*="track.png"]').count() == 0
        assert page.get_by_text("a hidden insult").count() == 0
        page.screenshot(path=str(artifacts / "feedback.png"), full_page=True)

        page.get_by_text("Reply from here", exact=True).click()
        page.get_by_label("Publishing password").fill(PASSWORD)
        page.get_by_role("button", name="Unlock publishing").click()
        wait_until_idle(page)
        page.get_by_label("Your reply (markdown)").first.fill("Thanks! A Roth IRA conversion set is next.")
        page.get_by_text(f"Post this reply on {PREVIEW} #1").click()
        page.get_by_role("button", name="Send the reply").first.click()  # one click: no Ctrl+Enter needed
        wait_until_idle(page)
        assert_no_exception(page)
        page.get_by_text(f"Replied on {PREVIEW} #1").wait_for(timeout=30_000)
    events = next(t for t in local_hub.repos[PREVIEW].discussions if t["num"] == 1)["events"]
    assert events[-1]["data"]["latest"]["raw"] == "Thanks! A Roth IRA conversion set is next."
    assert cli.main(["feedback", "--json", "--repo-id", PREVIEW]) == 0
    again = json.loads(capsys.readouterr().out)
    assert next(t for t in again["repos"][0]["threads"] if t["num"] == 1)["answered"]

    scaffolding = tmp_path / "scaffolding.json"
    scaffolding.write_text(json.dumps(scaffolding_document()))
    batch = tmp_path / "next-batch.json"
    assert cli.main(["next-batch", "demo", "--scaffolding", str(scaffolding), "--feedback", str(feedback_file),
                     "--total", "24", "--out", str(batch)]) == 0
    out = capsys.readouterr().out
    body = GenerateBatchBody.model_validate_json(batch.read_bytes())
    arc_ids = {a["arc_key"]: a["id"] for a in scaffolding_document()["emotional_arcs"]}
    chosen = {str(s.parameters.emotional_arc_id) for s in body.parameterSets}
    assert {arc_ids[key] for key, _ in UNUSED_ARCS} <= chosen  # the three arcs with no conversation yet
    assert "topic `roth_ira_conversion` asked for in 2 threads or form answers" in out

    bigger = tmp_path / "bigger.json"
    assert cli.main(["demo", "--out", str(bigger), "--conversations", "300"]) == 0
    second = tmp_path / "second"
    assert cli.main(["bundle", str(bigger), "--preset", "billboard", "--out", str(second), "--privacy-url", PRIVACY,
                     "--no-image", "--feedback", str(feedback_file)]) == 0
    assert cli.main(["publish", str(second / "preview")]) == 0
    assert "tag v2" in capsys.readouterr().out
    card = local_hub.repos[PREVIEW].head.files["README.md"].decode()
    assert "## What's new" in card and "Compared with the previous release (`v1`)" in card
