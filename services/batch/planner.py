"""One call from inputs to the batch: the scaffolding (given, or read from the data), the coverage,
what feedback asks for, the choice, the body, its bytes and its summary, and what to tell the owner."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from services.batch import body as platform
from services.batch.cell_counts import coverage_of
from services.batch.choice import DEFAULT_FEEDBACK_SHARE, Choice, Knobs, choose, default_edge_share, total_for_budget
from services.batch.demand import asked_for
from services.dataset.loader import LoadedDataset
from services.dataset.scaffolding import ArcRow, PersonaRow, Scaffolding, TopicRow
from services.feedback.models import ThemeCount


@dataclass(frozen=True)
class BatchRequest:
    """The owner's knobs: a number of conversations or a budget, the edge share, the platform's figures."""

    name: str = "Next batch"
    total: int | None = None
    budget_usd: float | None = None
    edge_share: float | None = None  # default: the scaffolding's share of edge arcs
    feedback_share: float = DEFAULT_FEEDBACK_SHARE
    cost_per_conversation: float = platform.COST_PER_CONVERSATION
    seconds_per_conversation: int = platform.SECONDS_PER_CONVERSATION
    concurrency: int = platform.CONCURRENCY
    default_total: int = 24  # without a total or a budget; what the page offers first
    default_budget_usd: float = 25.0  # what the page offers when the owner sizes by budget


DEFAULTS = BatchRequest()  # the one set of defaults the page and the command line start from


@dataclass
class BatchPlan:
    """The chosen batch; its body and bytes only when the platform would run them (else `unsendable` says
    why and how to get the ids: nothing is offered to send)."""

    choice: Choice
    body: platform.GenerateBatchBody | None
    data: bytes | None
    summary: platform.BatchSummary
    scaffolding: Scaffolding
    notes: list[str] = field(default_factory=list)
    unsendable: str | None = None


def scaffolding_from_data(ds: LoadedDataset) -> Scaffolding:
    """The keys and names the data holds, without ids: enough to choose cells, not to send the body.
    Arcs the data never covered cannot be known this way (the platform's tables can say them)."""
    c = ds.columns
    def first_names(keys: list[str], names: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for k, n in zip(keys, names, strict=True):
            out.setdefault(k, n)
        return out
    personas = first_names(c.persona_key, c.persona_name)
    arcs = first_names(c.arc_key, c.arc_name)
    topics = first_names(c.topic_key, c.topic_name)
    return Scaffolding(
        personas=[PersonaRow(persona_key=k, name=n) for k, n in sorted(personas.items())],
        emotional_arcs=[ArcRow(arc_key=k, name=n, tier="edge_case" if k in ds.edge_case_arcs else "template")
                        for k, n in sorted(arcs.items())],
        training_topics=[TopicRow(topic_key=k, name=n) for k, n in sorted(topics.items())])


def plan_batch(ds: LoadedDataset | None, scaffolding: Scaffolding | None, themes: Iterable[ThemeCount],
               request: BatchRequest) -> BatchPlan:
    """The next batch; ValueError (in words) when the knobs ask for nothing."""
    notes: list[str] = []
    if scaffolding is None:
        if ds is None:
            raise ValueError("neither data nor a scaffolding: nothing to plan from")
        scaffolding = scaffolding_from_data(ds)
        notes.append("No scaffolding was given, so the cells are the data's own keys (arcs with no conversation "
                     "cannot be seen this way).")
    if request.budget_usd is not None:
        total = total_for_budget(request.budget_usd, request.cost_per_conversation)
        if total < 1:
            raise ValueError(f"a budget of ${request.budget_usd:,.2f} pays for no conversation at "
                             f"${request.cost_per_conversation:,.2f} each")
    else:
        total = request.total if request.total is not None else request.default_total
    if total < 1:
        raise ValueError("a batch holds at least one conversation")
    edge_share = default_edge_share(scaffolding) if request.edge_share is None else request.edge_share
    if not 0 <= edge_share <= 1:
        raise ValueError(f"the edge-case share must be between 0 and 1, not {edge_share}")
    coverage = coverage_of(ds, scaffolding)
    for dim, keys in sorted(coverage.other_keys.items()):
        notes.append(f"The data holds {dim} keys the scaffolding does not list (not planned for): "
                     + ", ".join(f"`{k}`" for k in sorted(keys)[:8]))
    asked = asked_for(themes, scaffolding)
    choice = choose(coverage, scaffolding, asked, Knobs(total=total, edge_share=edge_share,
                                                         feedback_share=request.feedback_share))
    body: platform.GenerateBatchBody | None = None
    unsendable = None
    try:
        body = platform.build_body(choice, scaffolding, request.name, request.concurrency)
    except platform.NoIdsError as exc:
        unsendable = str(exc)
    pairs = float(np.mean(ds.columns.pairs)) if ds is not None and len(ds.columns) else 0.0
    summary = platform.summarise(choice, pairs, request.cost_per_conversation, request.seconds_per_conversation,
                                 request.concurrency)
    return BatchPlan(choice=choice, body=body, data=platform.body_bytes(body) if body else None, summary=summary,
                     scaffolding=scaffolding, notes=notes, unsendable=unsendable)
