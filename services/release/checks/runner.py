"""Run every check on every built tier, and record the verdicts in each bundle's release.json."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from services.dataset.loader import LoadedDataset
from services.dataset.schema import ConsultantProfile
from services.dataset.summary import persona_arc_cells
from services.release import bundle as bundles
from services.release.checks.card_truth import check_card
from services.release.checks.content import check_responses
from services.release.checks.duplicates import check_duplicates
from services.release.checks.labels import check_labels
from services.release.checks.leakage import check_leakage
from services.release.checks.links import check_gate_form, check_links
from services.release.checks.pii import check_personal_data
from services.release.checks.released import released_batches
from services.release.checks.report import TierReport
from services.release.checks.shape import check_shape
from services.release.manifest import MANIFEST, manifest_bytes
from services.strategy.plans import Plan
from services.strategy.sampling import TierSelection


def check_tier(b: bundles.Bundle, plan: Plan, selections: dict[str, TierSelection], profile: ConsultantProfile | None,
               all_cells: int, ds: LoadedDataset | None = None) -> TierReport:
    """Every check of one tier, on the files as built (and, given the dataset, where its keys came from);
    each check reads the released rows a row group at a time."""
    def conversations() -> Iterator[pa.Table]:
        return released_batches(b, "conversations", ["conversation_id", "messages"])

    results = [*check_personal_data(conversations(), b.card),
               check_leakage(plan, b.tier, b.conversation_ids, selections),
               check_duplicates(conversations, rows=len(b.conversation_ids)),
               *check_responses(conversations(), selections[b.tier]),
               check_card(b, plan, profile, all_cells),
               check_links(b)]
    if (form := check_gate_form(b, plan)) is not None:
        results.append(form)
    if (shape := check_shape(b)) is not None:
        results.append(shape)
    if ds is not None:
        results.append(check_labels(ds, b.conversation_ids))
    return TierReport(tier=b.tier, checks=results)


def attach_report(b: bundles.Bundle, report: TierReport) -> None:
    """Record the checks (and any override) in the bundle's release.json."""
    b.manifest["checks"] = [{"name": c.name, "status": c.status, "summary": c.summary} for c in report.checks]
    b.manifest["check_overrides"] = [o.model_dump() for o in report.overrides]
    b.files[MANIFEST] = manifest_bytes(b.manifest)


def check_plan(ds: LoadedDataset, plan: Plan, selections: dict[str, TierSelection],
               built: dict[str, bundles.Bundle]) -> dict[str, TierReport]:
    """A report per built tier, attached to its bundle's manifest."""
    all_cells = persona_arc_cells(ds)
    reports = {}
    for name, b in built.items():
        reports[name] = check_tier(b, plan, selections, ds.consultant_profile, all_cells, ds)
        attach_report(b, reports[name])
    return reports
