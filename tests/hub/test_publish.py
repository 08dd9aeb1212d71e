"""Publishing through the real huggingface_hub client against the local Hub over HTTP."""

from __future__ import annotations

import logging
import time

import pytest

from services.hub import api as hub_api
from services.hub import publish as hub_publish
from services.hub.config import HubSettings
from services.hub.dry_run import dry_run
from services.hub.errors import HubError
from services.hub.publish import PublishOptions
from services.local_hub.rules import REPO_NOT_FOUND, rate_limit_headers
from services.local_hub.state import User as HubUser
from services.release import bundle
from services.strategy import plans, presets, sampling
from tests.conftest import HUB_OUTSIDER_TOKEN, HUB_READ_TOKEN, HUB_TOKEN
from tests.support.hub_faults import Fault, inject

REPO = "brightrun/eq-preview"


def release_files(ds, plan: plans.Plan, tier: str = "preview") -> dict[str, bytes]:
    selections = sampling.select_plan(ds, plan)
    return bundle.build_bundle(ds, plan, selections[tier], with_image=False).files


@pytest.fixture(scope="module")
def v1_files(demo_dataset) -> dict[str, bytes]:
    return release_files(demo_dataset, presets.preset_billboard())


@pytest.fixture(scope="module")
def v2_files(demo_dataset) -> dict[str, bytes]:
    return release_files(demo_dataset, presets.preset_billboard(seed=7))


def options(**kw) -> PublishOptions:
    return PublishOptions(**{"repo_id": REPO, "commit_message": "Release preview", **kw})


def publish(settings: HubSettings, files: dict[str, bytes], **kw) -> hub_publish.PublishResult:
    api = hub_api.client(settings)
    seen = dry_run(api, settings, kw.get("repo_id", REPO), files)
    return hub_publish.publish(api, settings, files, options(**kw), seen)


def snapshot(hub, repo: str = REPO) -> tuple:
    r = hub.repos[repo]
    return [c.oid for c in r.commits], dict(r.tags), r.head.files, r.private, r.gated


def test_whoami_says_who_and_what_the_token_may_do(local_hub, hub_settings):
    api = hub_api.client(hub_settings)
    me = hub_api.whoami(api, hub_settings)
    assert (me.name, me.orgs, me.token_can_write) == ("owner", ["brightrun"], True)
    assert me.can_write("brightrun") and me.can_write("owner") and not me.can_write("elsewhere")
    reader = HubSettings(token=HUB_READ_TOKEN, endpoint=local_hub.url)
    assert not hub_api.whoami(hub_api.client(reader), reader).can_write("brightrun")


def test_dry_run_of_a_new_repo_lists_every_file_as_added_and_sends_nothing(local_hub, hub_settings, v1_files):
    seen = dry_run(hub_api.client(hub_settings), hub_settings, REPO, v1_files)
    assert not seen.exists and seen.next_tag == "v1"
    assert {c.path: c.status for c in seen.changes} == dict.fromkeys(v1_files, "added")
    assert REPO not in local_hub.repos
    # the only POST asks the Hub's opinion of the card (validate-yaml changes nothing)
    assert local_hub.count("POST", "/api/") == local_hub.count("POST", "/api/validate-yaml") == 1
    assert seen.card_errors == []


def test_publish_creates_the_repo_with_exactly_the_bundle(local_hub, hub_settings, v1_files):
    result = publish(hub_settings, v1_files)
    repo = local_hub.repos[REPO]
    assert result.outcome == "published" and result.tag == "v1"
    assert result.commit == repo.head.oid and repo.tags == {"v1": repo.head.oid}
    assert local_hub.files(REPO) == {**v1_files, ".gitattributes": local_hub.files(REPO)[".gitattributes"]}
    assert (repo.private, repo.gated) == (False, False)
    assert len(repo.commits) == 2  # the Hub's initial commit, then the release in one commit
    assert local_hub.count("POST", f"/api/datasets/{REPO}/commit") == 1
    assert result.url.endswith(f"/datasets/{REPO}")


def test_publishing_again_makes_no_commit(local_hub, hub_settings, v1_files):
    publish(hub_settings, v1_files)
    before = snapshot(local_hub)
    seen = dry_run(hub_api.client(hub_settings), hub_settings, REPO, v1_files)
    assert seen.up_to_date and seen.head_tag == "v1"
    result = publish(hub_settings, v1_files)
    assert result.outcome == "up_to_date" and result.tag == "v1"
    assert snapshot(local_hub) == before
    assert local_hub.count("POST", f"/api/datasets/{REPO}/commit") == 1


def test_a_changed_plan_makes_exactly_one_commit_and_tag(local_hub, hub_settings, v1_files, v2_files):
    publish(hub_settings, v1_files)
    seen = dry_run(hub_api.client(hub_settings), hub_settings, REPO, v2_files)
    assert seen.count("changed") >= 2 and seen.next_tag == "v2"
    result = publish(hub_settings, v2_files)
    repo = local_hub.repos[REPO]
    assert result.tag == "v2" and len(repo.commits) == 3 and set(repo.tags) == {"v1", "v2"}
    assert {p: d for p, d in local_hub.files(REPO).items() if p != ".gitattributes"} == v2_files
    assert local_hub.files(REPO, "v1") != local_hub.files(REPO, "v2")


def test_files_no_longer_released_are_deleted_in_the_same_commit(local_hub, hub_settings, v1_files):
    publish(hub_settings, {**v1_files, "data/old.parquet": b"old"})
    result = publish(hub_settings, v1_files)
    assert "data/old.parquet" not in local_hub.files(REPO)
    assert ".gitattributes" in local_hub.files(REPO)  # the Hub's own file stays
    assert result.tag == "v2"


def test_gating_and_visibility_arrive(local_hub, hub_settings, v1_files):
    publish(hub_settings, v1_files, gated="manual", private=True)
    repo = local_hub.repos[REPO]
    assert (repo.private, repo.gated) == (True, "manual")
    publish(hub_settings, v1_files, gated="auto")  # same files: settings still applied, no commit
    assert (repo.private, repo.gated) == (False, "auto") and len(repo.commits) == 2


# --- faults: the Hub keeps the previous release ---------------------------------------------------
@pytest.mark.parametrize(("fault", "code", "words"), [
    (Fault(prefix="/api/datasets/brightrun/eq-preview/commit", status=500, times=10), "server_error",
     "the Hub failed (HTTP 500) (tried 4 times); nothing was published"),
    (Fault(prefix="/api/datasets/brightrun/eq-preview/commit", status=409), "conflict", "conflict"),
    (Fault(prefix="/api/datasets/brightrun/eq-preview/commit", status=429, times=10), "rate_limited",
     "rate-limiting"),
    (Fault(prefix="/api/datasets/brightrun/eq-preview/commit", drop=True, times=10), "network",
     "connection to the Hub broke off"),
    (Fault(prefix="/api/datasets/brightrun/eq-preview/preupload", status=400), "hub_error", "HTTP 400"),
])
def test_a_fault_leaves_the_previous_release(local_hub, hub_settings, v1_files, v2_files, fault, code, words):
    publish(hub_settings, v1_files)
    before = snapshot(local_hub)
    inject(local_hub, fault)
    with pytest.raises(HubError) as err:
        publish(hub_settings, v2_files)
    assert err.value.code == code and words in str(err.value)
    assert snapshot(local_hub) == before


def test_a_server_error_before_the_commit_is_retried(local_hub, hub_settings, v1_files):
    inject(local_hub, Fault(prefix=f"/api/datasets/{REPO}/preupload", status=503))  # huggingface_hub retries it
    assert publish(hub_settings, v1_files).outcome == "published"


def test_a_rate_limit_is_retried(local_hub, hub_settings, v1_files):
    inject(local_hub, Fault(prefix=f"/api/datasets/{REPO}/commit", status=429, times=2))
    assert publish(hub_settings, v1_files).outcome == "published"
    assert [s for m, p, s in local_hub.requests if p.endswith("/commit/main")] == [429, 429, 200]


def test_a_commit_whose_answer_is_lost_is_not_sent_twice(local_hub, hub_settings, v1_files):
    inject(local_hub, Fault(prefix=f"/api/datasets/{REPO}/commit", drop=True, after=True))
    result = publish(hub_settings, v1_files)
    repo = local_hub.repos[REPO]
    assert result.outcome == "published" and result.commit == repo.head.oid and result.tag == "v1"
    assert len(repo.commits) == 2, "the landed commit was recognised, not repeated"


def test_a_hub_that_moved_since_the_dry_run_stops_the_publish(local_hub, hub_settings, v1_files, v2_files):
    publish(hub_settings, v1_files)
    api = hub_api.client(hub_settings)
    seen = dry_run(api, hub_settings, REPO, v2_files)
    publish(hub_settings, {**v1_files, "README.md": b"edited by someone else"})  # the Hub moves
    before = snapshot(local_hub)
    with pytest.raises(HubError) as err:
        hub_publish.publish(api, hub_settings, v2_files, options(), seen)
    assert err.value.code == "moved" and "run the dry run again" in str(err.value)
    assert snapshot(local_hub) == before


def test_a_repo_created_by_someone_else_after_the_dry_run_is_not_overwritten(local_hub, hub_settings, v1_files):
    api = hub_api.client(hub_settings)
    seen = dry_run(api, hub_settings, REPO, v1_files)
    assert not seen.exists
    publish(hub_settings, {"README.md": b"someone else's dataset"})
    before = snapshot(local_hub)
    with pytest.raises(HubError) as err:
        hub_publish.publish(api, hub_settings, v1_files, options(), seen)
    assert err.value.code == "moved" and snapshot(local_hub) == before


def test_a_bad_token_is_refused_in_words(local_hub, v1_files):
    bad = HubSettings(token="hf_not_a_token", endpoint=local_hub.url)
    with pytest.raises(HubError) as err:
        hub_api.whoami(hub_api.client(bad), bad)
    assert err.value.code == "bad_token" and "check HF_TOKEN" in str(err.value)


def test_no_write_access_to_the_org_is_refused_and_nothing_is_created(local_hub, v1_files):
    outsider = HubSettings(token=HUB_OUTSIDER_TOKEN, endpoint=local_hub.url, backoff=0.01)
    with pytest.raises(HubError) as err:
        publish(outsider, v1_files)
    assert err.value.code == "no_write" and "`brightrun`" in str(err.value)
    assert REPO not in local_hub.repos


def test_opening_up_comes_after_the_content_and_a_failure_there_keeps_it_protected(local_hub, hub_settings,
                                                                                    v1_files):
    inject(local_hub, Fault(prefix=f"/api/datasets/{REPO}/settings", status=500, times=10))
    result = publish(hub_settings, v1_files)  # new repo: created private, made public last
    repo = local_hub.repos[REPO]
    assert repo.private is True and repo.tags == {"v1": repo.head.oid}
    assert result.warning and "stays as protected as before" in result.warning


def test_the_token_never_appears_in_messages_or_logs(local_hub, hub_settings, v1_files, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    texts = []
    for fault in (Fault(prefix="/api/whoami-v2", status=401), Fault(prefix=f"/api/datasets/{REPO}/commit", status=500,
                                                                          times=10)):
        inject(local_hub, fault)
        try:
            hub_api.whoami(hub_api.client(hub_settings), hub_settings)
            publish(hub_settings, v1_files)
        except HubError as exc:
            texts += [str(exc), repr(exc), exc.message]
    texts += [repr(hub_settings), str(hub_settings), hub_settings.model_dump_json(), caplog.text]
    texts += list(capsys.readouterr())
    assert texts and all(HUB_TOKEN not in t for t in texts)
    # and the Hub did receive it, as a bearer token: the scan looked for the right string
    assert any(h.get("authorization") == f"Bearer {HUB_TOKEN}" or h.get("Authorization") == f"Bearer {HUB_TOKEN}"
               for h in local_hub.headers_seen)


# --- a Hub that stops answering -------------------------------------------------------------------
def test_a_stalled_hub_is_a_timeout_within_the_bound(local_hub, v1_files):
    """huggingface_hub's shared session has no timeout; the studio's client sets one."""
    stalled = HubSettings(token=HUB_TOKEN, endpoint=local_hub.url, timeout=0.5, retries=0)
    inject(local_hub, Fault(prefix="/api/whoami-v2", delay=5))
    start = time.perf_counter()
    with pytest.raises(HubError) as err:
        hub_api.whoami(hub_api.client(stalled), stalled)
    assert time.perf_counter() - start < 3
    assert err.value.code == "timeout" and "did not answer in time" in str(err.value)


def test_a_commit_whose_answer_never_came_is_recognised_not_repeated(local_hub, v1_files):
    slow = HubSettings(token=HUB_TOKEN, endpoint=local_hub.url, timeout=1.0, backoff=0.01)
    inject(local_hub, Fault(prefix=f"/api/datasets/{REPO}/commit", after=True, delay=3))  # lands, answers late
    result = publish(slow, v1_files)
    repo = local_hub.repos[REPO]
    assert result.outcome == "published" and result.commit == repo.head.oid
    assert len(repo.commits) == 2  # the repo's first commit and ours: not sent twice
    assert local_hub.files(REPO) == {**v1_files, ".gitattributes": local_hub.files(REPO)[".gitattributes"]}


# --- what the real Hub answers: RateLimit headers, RepoNotFound ------------------------------------
def test_a_rate_limit_is_waited_out_to_its_reset_not_retried_inside_it(local_hub, hub_settings, v1_files):
    inject(local_hub, Fault(prefix=f"/api/datasets/{REPO}/commit", status=429, headers=rate_limit_headers(reset_in=1)))
    start = time.perf_counter()
    api = hub_api.client(hub_settings)
    said: list[str] = []
    result = hub_publish.publish(api, hub_settings, v1_files, options(), dry_run(api, hub_settings, REPO, v1_files),
                                 step=said.append)
    assert result.outcome == "published"
    assert time.perf_counter() - start >= 2  # t=1, and one second past it
    assert [s for m, p, s in local_hub.requests if p.endswith("/commit/main")] == [429, 200]
    waits = [s for s in said if s.startswith("The Hub is rate-limiting: waiting 2 s, until ")]
    assert len(waits) == 1 and waits[0].endswith(" UTC, before trying again")  # said on the page, live


def test_a_long_rate_limit_stops_at_once_and_says_when_to_try_again(local_hub, hub_settings, v1_files):
    publish(hub_settings, v1_files)
    before = snapshot(local_hub)
    inject(local_hub, Fault(prefix=f"/api/datasets/{REPO}/", status=429, headers=rate_limit_headers(reset_in=240),
                           times=10))
    start = time.perf_counter()
    with pytest.raises(HubError) as err:
        hub_api.whoami(hub_api.client(hub_settings), hub_settings)
        publish(hub_settings, v1_files)
    assert time.perf_counter() - start < 5
    assert err.value.code == "rate_limited" and "for another 4 min: try again after" in str(err.value)
    assert snapshot(local_hub) == before


def test_a_401_that_means_repo_not_found_is_not_a_bad_token(local_hub, hub_settings, v1_files):
    """huggingface_hub reads a 401 on a repo URL (or X-Error-Code: RepoNotFound) as a missing repo."""
    inject(local_hub, Fault(prefix=f"/api/datasets/{REPO}", status=401, method="GET", headers=REPO_NOT_FOUND))
    seen = dry_run(hub_api.client(hub_settings), hub_settings, REPO, v1_files)
    assert not seen.exists and seen.count("added") == len(v1_files)


def test_a_card_the_hub_refuses_is_shown_in_the_dry_run_and_never_creates_a_repo(local_hub, hub_settings,
                                                                                 v1_files):
    """The Hub validates the card's YAML; its errors are said verbatim, before anything is created."""
    card = v1_files["README.md"].replace(b"license: cc-by-4.0", b"license: cc-by-5.0")
    files = {**v1_files, "README.md": card}
    api = hub_api.client(hub_settings)
    seen = dry_run(api, hub_settings, REPO, files)
    assert seen.card_errors and seen.card_errors[0].startswith('"license" must be one of [')
    with pytest.raises(HubError) as err:
        hub_publish.publish(api, hub_settings, files, options(), seen)
    assert err.value.code == "invalid_card" and '"license" must be one of' in str(err.value)
    assert REPO not in local_hub.repos  # refused before the repo was created


def test_a_card_refused_inside_the_commit_is_said_in_words_not_valueerror(local_hub, hub_settings, v1_files):
    api = hub_api.client(hub_settings)
    seen = dry_run(api, hub_settings, REPO, v1_files)  # the card was fine when the dry run asked
    card = v1_files["README.md"].replace(b"license: cc-by-4.0", b"license: cc-by-5.0")
    with pytest.raises(HubError) as err:
        hub_publish.publish(api, hub_settings, {**v1_files, "README.md": card}, options(), seen)
    assert err.value.code == "invalid_card" and "ValueError" not in str(err.value)


# --- fine-grained tokens: where a scope says so, whatever the account may do ---------------------
@pytest.mark.parametrize(("scoped", "org", "repo", "other_repo", "said"), [
    ([("org", "brightrun", ["repo.content.read", "repo.write"])], True, True, True,
     "fine-grained token, may write to brightrun"),
    ([("org", "brightrun", ["repo.content.read"])], False, False, False, "fine-grained token, read-only"),
    ([("dataset", REPO, ["repo.write"])], False, True, False, f"fine-grained token, may write to {REPO}"),
])
def test_a_fine_grained_token_may_write_only_where_scoped(local_hub, v1_files, scoped, org, repo, other_repo,
                                                          said):
    """Issue #12: any fine-grained token used to be shown as "can write"."""
    token = "hf_fine_grained_test_token"
    local_hub.users[token] = HubUser("owner", "owner@brightrun.example", {"brightrun": "write"},
                                     token_role="fineGrained", scoped=scoped)
    settings = HubSettings(token=token, endpoint=local_hub.url, backoff=0.01)
    me = hub_api.whoami(hub_api.client(settings), settings)
    assert me.fine_grained and me.describe() == said
    assert me.can_write("brightrun") is org
    assert me.can_write("brightrun", REPO) is repo
    assert me.can_write("brightrun", "brightrun/another") is other_repo


def test_the_hub_enforces_the_scope_the_studio_reads(local_hub, v1_files):
    token = "hf_fine_grained_read_only"
    local_hub.users[token] = HubUser("owner", "owner@brightrun.example", {"brightrun": "write"},
                                     token_role="fineGrained", scoped=[("org", "brightrun", ["repo.content.read"])])
    settings = HubSettings(token=token, endpoint=local_hub.url, backoff=0.01)
    with pytest.raises(HubError) as err:
        publish(settings, v1_files)
    assert err.value.code == "no_write" and REPO not in local_hub.repos


# --- LFS: Parquet, PNG and zip are LFS files on the Hub ---------------------------------------------
def test_binary_files_travel_through_the_lfs_batch_api_and_are_compared_by_sha256(local_hub, hub_settings,
                                                                                   v1_files):
    publish(hub_settings, v1_files)
    head = local_hub.repos[REPO].head
    binaries = {p for p in v1_files if p.endswith((".parquet", ".png"))}
    assert binaries and head.lfs == binaries  # committed as `lfsFile` lines, not inline
    assert local_hub.count("POST", f"/datasets/{REPO}.git/info/lfs/objects/batch") == 1
    assert local_hub.count("PUT", "/lfs-upload/") == len(binaries)
    tree = {e["path"]: e for e in local_hub_tree(local_hub)}
    assert all("lfs" in tree[p] for p in binaries) and "lfs" not in tree["README.md"]
    again = dry_run(hub_api.client(hub_settings), hub_settings, REPO, v1_files)
    assert again.up_to_date  # the LFS entries' sha256 match the local files


def test_an_lfs_path_sent_inline_is_refused_as_the_hub_does(local_hub, hub_settings, v1_files):
    """A client that skipped preupload's answer would send Parquet as a regular line: the Hub refuses it."""
    from huggingface_hub import CommitOperationAdd

    publish(hub_settings, {"README.md": v1_files["README.md"]})
    api = hub_api.client(hub_settings)
    op = CommitOperationAdd(path_in_repo="data/x.parquet", path_or_fileobj=b"PAR1 not really")
    op._upload_mode = "regular"  # what preupload would have said "lfs" to
    op._is_uploaded = True
    with pytest.raises(Exception, match="must be stored with Git LFS"):
        api.create_commit(REPO, [op], commit_message="inline parquet", repo_type="dataset")


def local_hub_tree(hub) -> list[dict]:
    from services.local_hub.git import tree as _tree

    return _tree(hub.repos[REPO].head, "", recursive=True)


def test_a_failing_lfs_upload_is_retried_by_the_library_only_and_leaves_the_hub_as_it_was(local_hub, hub_settings,
                                                                                         v1_files, monkeypatch):
    """huggingface_hub retries the LFS batch request itself; the studio's retries must not stack on it."""
    import huggingface_hub.utils._http as http

    monkeypatch.setattr(http.time, "sleep", lambda _: None)  # the library's own backoff, skipped for speed
    publish(hub_settings, {"README.md": v1_files["README.md"]})
    before = snapshot(local_hub)
    inject(local_hub, Fault(prefix=f"/datasets/{REPO}.git/info/lfs/objects/batch", status=503, times=100))
    with pytest.raises(HubError) as err:
        publish(hub_settings, v1_files)
    assert err.value.code == "server_error" and "nothing was published" in str(err.value)
    assert local_hub.count("POST", f"/datasets/{REPO}.git/info/lfs/objects/batch") == 6  # 1 + the library's 5
    assert snapshot(local_hub) == before


def test_an_html_error_page_from_the_gateway_is_a_server_error_and_retried(local_hub, hub_settings, v1_files):
    """Issue #12: a 5xx with an HTML body made validate-yaml raise JSONDecodeError, never retried."""
    inject(local_hub, Fault(prefix="/api/validate-yaml", status=502, html=True))
    seen = dry_run(hub_api.client(hub_settings), hub_settings, REPO, v1_files)
    assert seen.card_errors == [] and local_hub.count("POST", "/api/validate-yaml") == 2
    inject(local_hub, Fault(prefix="/api/validate-yaml", status=502, html=True, times=10))
    with pytest.raises(HubError) as err:
        dry_run(hub_api.client(hub_settings), hub_settings, REPO, v1_files)
    assert err.value.code == "server_error" and "error page instead of data" in str(err.value)
