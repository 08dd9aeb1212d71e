"""Publish: dry run against the Hub's current head (the default view), then one guarded click.
Hub tiers go to dataset repos; a download tier goes out as its landing page, a static Space."""

from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from components import access
from components.dataset.source import current_dataset
from components.hub import sandbox
from components.hub.client import (
    client,
    endpoint,
    forget_release_records,
    history,
    identity,
    lead_capture,
    records,
    settings,
)
from components.release.builds import landing_space, pick_released_tier, tier_release
from components.strategy.plan_state import current_plan, selections
from services.funnel.landing_pages import NO_REGISTRY, LandingPage, LandingRegistration
from services.funnel.space import INDEX
from services.hub import flow as release_flow
from services.hub import readiness
from services.hub.config import HOW_TO_CONFIGURE, HubConfigError
from services.hub.dry_run import against_nothing, dry_run
from services.hub.errors import HubError
from services.release.card.render import COVERAGE_IMAGE, card_body
from services.release.errors import ReleaseError
from services.release.manifest import MANIFEST
from services.strategy.links import repo_type
from services.strategy.plans import DOWNLOAD_GATE

DRY_RUN_KEY = "publish.dry_run"  # {tier: (identity of what was compared, DryRun)}
RESULT_KEY = "publish.result"
VERDICT_STYLE = {"blocked": (st.error, ":material/block:"), "overridden": (st.warning, ":material/gavel:"),
                 "passed": (st.success, ":material/verified:")}

st.title("Publish")
ds = current_dataset()
plan = current_plan()
chosen = selections(ds, plan)
tier = pick_released_tier(plan, chosen, "publish.tier")
spec = plan.tier(tier)
kind = repo_type(spec)
built, report = tier_release(ds, plan, chosen, tier)
if kind == "space":
    st.caption(":material/web: A download tier goes out as its **landing page**: a static Space holding the page, its "
               "README and the zip. The page's form stores each lead in Supabase, then reveals the download link. "
               "Publishing records the page in Supabase: its form takes submissions for recorded pages only.")
    st.caption(f":material/lock_open: {DOWNLOAD_GATE}")

hub = settings()
offline = isinstance(hub, HubConfigError)  # no Hub at all: the release is shown, compared with nothing
if isinstance(hub, HubConfigError):
    st.info(f"No Hub is in use, so this is what publishing would send, compared with nothing. {HOW_TO_CONFIGURE} "
            "Or turn the **Sandbox** on in the sidebar to rehearse the whole release.", icon=":material/key_off:")
    api = who = None
else:
    api = client(hub)
    who = identity(hub)
    if isinstance(who, HubError):
        st.error(readiness.identity_problem(who))
        st.stop()
    orgs = ", ".join(who.orgs) or "none"
    if sandbox.active():  # no token here: the sandbox's own owner, who may write to its organisations
        st.caption(f":material/account_circle: Acting as **{who.name}**, the sandbox's own owner, on the **sandbox "
                   f"Hub** · may write to: {orgs}")
    else:
        st.caption(f":material/account_circle: Acting as **{who.name}** on {hub.endpoint} · organisations: {orgs} · "
                   f"{who.describe()}")

# --- settings of this release -----------------------------------------------------------------
c1, c2, c3 = st.columns([3, 1, 1])
repo_id = c1.text_input("Space" if kind == "space" else "Repo", value=built.repo_id, key=f"publish.{tier}.repo")
visibility = c2.selectbox("Visibility", ["public", "private"], key=f"publish.{tier}.visibility")
gates = list(readiness.GATING)
gate = c3.selectbox("Gating", gates, index=gates.index(readiness.planned_gate(spec)), key=f"publish.{tier}.gating",
                    disabled=kind == "space",
                    help="a landing Space is never gated: its form is the gate" if kind == "space" else
                    "from the plan: gated tiers ask for the access form's answers")
facts = built.facts
message = st.text_input("Commit message", key=f"publish.{tier}.message",
                        value=readiness.default_message(tier, facts.conversations, facts.supervised_examples))
options = readiness.publish_options(repo_id, visibility == "private", gate, message, kind)
if isinstance(options, str):
    st.error(options)
    st.stop()
files = built.files
if kind == "space":
    capture = lead_capture()
    if isinstance(capture, str):
        st.info(capture + " Until then, the files below are the tier's zip and card, without the landing page.",
                icon=":material/key_off:")
    else:
        try:
            files = landing_space(built, options.repo_id, endpoint(), capture)
        except ReleaseError as exc:
            st.error(f"**The landing page cannot be built.** {exc}", icon=":material/web_asset_off:")
            st.stop()
        report = readiness.with_landing_check(report, built, files[INDEX].decode("utf-8"),
                                              urlsplit(capture.supabase_url).hostname or "")
if warning := readiness.gating_warning(spec, gate):
    st.warning(warning, icon=":material/lock_open:")
namespace = options.repo_id.split("/")[0]
if who is not None and not who.can_write(namespace, options.repo_id):
    st.error(f"**{who.name}** cannot publish to `{namespace}`: the token is read-only or the account has no write "
             "access to that organisation.")

# --- dry run (the default view) ----------------------------------------------------------------
compared = readiness.release_identity(options.repo_id, built.files[MANIFEST], files.get(INDEX, b""))
stored = st.session_state.setdefault(DRY_RUN_KEY, {}).get(tier)
refresh = st.button("Run the dry run again", icon=":material/refresh:", key=f"publish.{tier}.refresh",
                    disabled=offline)
if api is None or isinstance(hub, HubConfigError):
    seen = against_nothing(options.repo_id, files, kind)
elif refresh or stored is None or stored[0] != (hub.endpoint, compared):
    try:
        with st.spinner("Comparing with the Hub…"):
            seen = dry_run(api, hub, options.repo_id, files, kind)
    except HubError as exc:
        st.error(f"**The dry run failed.** {exc}")
        st.stop()
    st.session_state[DRY_RUN_KEY][tier] = ((hub.endpoint, compared), seen)
else:
    seen = stored[1]

st.subheader("Dry run")
st.caption("Nothing has been sent. This is what publishing would change, against "
           + ("nothing: no Hub is in use, so every file is new." if offline
              else f"the Hub's head `{seen.head[:8]}`." if seen.exists and seen.head
              else f"a new repo `{options.repo_id}`."))
m = st.columns(4)
for col, status in zip(m, ("added", "changed", "unchanged", "deleted"), strict=True):
    col.metric(status.capitalize(), seen.count(status), border=True)
st.dataframe(pd.DataFrame([{"file": c.path, "bytes": c.size, "change": c.status} for c in seen.changes]),
             hide_index=True, width="stretch", column_config={"bytes": st.column_config.NumberColumn(format="%d")})
if seen.up_to_date:
    st.info(f"The Hub already holds exactly these files{' (' + seen.head_tag + ')' if seen.head_tag else ''}: "
            "publishing makes no new commit.", icon=":material/check:")
else:
    st.caption(f"Publishing makes one commit and tags it **{seen.next_tag}**.")

if "README.md" in files:
    with st.expander("The card, as the Hub will show it", icon=":material/description:"):
        st.markdown(card_body(files["README.md"].decode("utf-8")).replace(COVERAGE_IMAGE, ""))

if seen.card_errors:
    st.error("**The Hub refuses this card's YAML** (its own validation, asked during the dry run):\n"
             + "\n".join(f"- {e}" for e in seen.card_errors), icon=":material/gpp_bad:")

st.subheader("Checks")
verdict = readiness.checks_verdict(tier, report)
show, icon = VERDICT_STYLE[verdict.level]
show(verdict.text, icon=icon)
st.dataframe(pd.DataFrame([{"check": c.name, "status": c.status, "result": c.summary} for c in report.checks]),
             hide_index=True, width="stretch")

# --- publish ----------------------------------------------------------------------------------
st.subheader("Publish")
if who is None or api is None or isinstance(hub, HubConfigError):
    st.info("Publishing needs a Hub: add a token (see above), or rehearse in the sandbox.", icon=":material/key_off:")
    st.stop()
actor = access.gate("publish")
writable = who.can_write(namespace, options.repo_id)
registry = records().landing_pages if kind == "space" else None
missing = NO_REGISTRY if kind == "space" and registry is None else None
if missing:
    st.warning(missing[0].upper() + missing[1:] + ".", icon=":material/database_off:")
why_not = readiness.blocked_why(report, writable, actor is not None, bool(seen.card_errors), missing)
clicked = st.button(f"Publish {tier} to {options.repo_id}", type="primary", icon=":material/rocket_launch:",
                    disabled=why_not is not None, key=f"publish.{tier}.go", help=why_not)
if clicked and actor is not None:
    context = release_flow.context_from_manifest(built.manifest)
    with st.status(f"Publishing {tier}…", expanded=True) as status:
        landing = LandingRegistration(registry, LandingPage(space_id=options.repo_id, tier=tier)) \
            if kind == "space" else None
        out = release_flow.attempt(api, hub, files, context, options, seen, f"{actor} via {who.name}",
                                   history(), step=status.write, precondition=landing)
        forget_release_records()  # the Samples page's viewer links read the new record at once
        if out.result is None:
            status.update(label=f"Not published: {out.error}", state="error")
        else:
            status.update(label="Already up to date" if out.result.outcome == "up_to_date" else "Published",
                          state="complete", expanded=False)
    st.session_state[DRY_RUN_KEY].pop(tier, None)  # the head has moved (or may have): compare again
    st.session_state[RESULT_KEY] = out
    st.rerun()
stored_result = st.session_state.get(RESULT_KEY)
if stored_result is not None and stored_result.record.tier == tier:
    if stored_result.result is None:
        st.error(f"**Nothing was published.** {stored_result.error}", icon=":material/error:")
    else:
        r = stored_result.result
        done = "is already up to date" if r.outcome == "up_to_date" else "is published"
        hub_name = "the sandbox Hub" if sandbox.active() else "the Hub"
        st.success(f"**{r.repo_id}** {done}: commit `{r.commit[:8]}`" + (f", tag **{r.tag}**" if r.tag else "")
                   + f". [Open it on {hub_name}]({r.url})"
                   + (f" · [the plan's collection]({hub.endpoint}/collections/{r.collection})" if r.collection else ""),
                   icon=":material/celebration:")
        if r.warning:
            st.warning(r.warning)
        with st.expander("What was done"):
            st.markdown("\n".join(f"1. {text}" for text in r.steps))
    if stored_result.history_error:
        st.warning(stored_result.history_error)
