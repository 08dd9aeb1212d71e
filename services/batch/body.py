"""The platform's batch body, its summary, and how to send it.

`GenerateBatchBody` mirrors the platform's zod schema for `POST /api/conversations/generate-batch`
(`src/app/api/conversations/generate-batch/route.ts`): `name` (at least one character),
`parameterSets` (`templateId` a UUID, `parameters` the persona, arc and topic ids, `tier`),
`concurrentProcessing` 1–10, `errorHandling`, `priority`. Its bulk generator sends the nil UUID as
`templateId` where an arc has no template, `edge_case` for edge arcs, and assumes $0.45 and about
60 s per conversation, 3 at a time. The same inputs give the same bytes.

Without scaffolding ids (a scaffolding read from the data alone) the body carries keys instead
(`KeyedBatchBody`), and the studio says plainly that the platform needs ids and how to export them.
"""

from __future__ import annotations

import json
import math
from typing import Generic, Literal, TypeVar
from uuid import UUID

from pydantic import BaseModel, Field

from services.batch.choice import Choice
from services.dataset.scaffolding import Scaffolding

NIL_UUID = UUID(int=0)
COST_PER_CONVERSATION = 0.45  # USD: the platform's own estimate
SECONDS_PER_CONVERSATION = 60
CONCURRENCY = 3
ENDPOINT_PATH = "/api/conversations/generate-batch"
HOW_TO_EXPORT_IDS = (
    "The platform needs ids, not keys: export the scaffolding tables with their ids (in Supabase's SQL editor: "
    "`select json_build_object('personas', (select json_agg(p) from personas p), 'emotional_arcs', (select "
    "json_agg(a) from emotional_arcs a), 'training_topics', (select json_agg(t) from training_topics t), "
    "'prompt_templates', (select json_agg(t) from prompt_templates t))`), save the result as a file and pass it "
    "with --scaffolding, or configure Supabase so the studio reads them.")
Tier = Literal["template", "scenario", "edge_case"]


class BatchParameters(BaseModel):
    persona_id: UUID
    emotional_arc_id: UUID
    training_topic_id: UUID


class ParameterSet(BaseModel):
    templateId: UUID  # noqa: N815 - the platform's field names
    parameters: BatchParameters
    tier: Tier


class KeyedParameters(BaseModel):
    persona_key: str
    emotional_arc_key: str
    training_topic_key: str


class KeyedParameterSet(BaseModel):
    templateId: UUID = NIL_UUID  # noqa: N815
    parameters: KeyedParameters
    tier: Tier


SetT = TypeVar("SetT", ParameterSet, KeyedParameterSet)


class BatchBody(BaseModel, Generic[SetT]):
    """The body's shape (its zod schema, mirrored), over the kind of parameter set it carries."""

    name: str = Field(min_length=1)
    parameterSets: list[SetT] = Field(min_length=1)  # noqa: N815 - the platform's field names
    concurrentProcessing: int = Field(default=CONCURRENCY, ge=1, le=10)  # noqa: N815
    errorHandling: Literal["stop", "continue"] = "continue"  # noqa: N815
    priority: Literal["low", "normal", "high"] = "normal"
    userId: str | None = None  # noqa: N815


GenerateBatchBody = BatchBody[ParameterSet]
"""What the platform's endpoint accepts."""
KeyedBatchBody = BatchBody[KeyedParameterSet]
"""The same batch by keys: what the studio can say without the scaffolding's ids (not sendable)."""


class BatchSummary(BaseModel):
    conversations: int
    expected_pairs: int  # the data's mean training pairs per conversation, times the batch
    cost_usd: float
    seconds: int  # at `concurrency` at a time
    edge_cases: int
    with_ids: bool


def build_body(choice: Choice, scaffolding: Scaffolding, name: str, concurrency: int = CONCURRENCY,
               ) -> GenerateBatchBody | KeyedBatchBody:
    """The body for the chosen cells: with the scaffolding's ids when every row has one, else by keys."""
    if scaffolding.has_ids:
        ids = {("persona", p.persona_key): p.id for p in scaffolding.personas} | \
              {("arc", a.arc_key): a.id for a in scaffolding.emotional_arcs} | \
              {("topic", t.topic_key): t.id for t in scaffolding.training_topics}
        sets = []
        for pick in choice.picks:
            template = scaffolding.template_for(pick.arc)
            sets.append(ParameterSet(
                templateId=UUID(template.id) if template and template.id else NIL_UUID,
                parameters=BatchParameters(persona_id=UUID(ids[("persona", pick.persona)]),
                                           emotional_arc_id=UUID(ids[("arc", pick.arc)]),
                                           training_topic_id=UUID(ids[("topic", pick.topic)])),
                tier=pick.tier))
        return GenerateBatchBody(name=name, parameterSets=sets, concurrentProcessing=concurrency)
    return KeyedBatchBody(name=name, concurrentProcessing=concurrency, parameterSets=[
        KeyedParameterSet(parameters=KeyedParameters(persona_key=p.persona, emotional_arc_key=p.arc,
                                                     training_topic_key=p.topic), tier=p.tier)
        for p in choice.picks])


def body_bytes(body: GenerateBatchBody | KeyedBatchBody) -> bytes:
    """The body as the file the owner sends: indented JSON, fields in the schema's order, stable."""
    return (json.dumps(body.model_dump(mode="json", exclude_none=True), indent=2, ensure_ascii=False) + "\n").encode()


def summarise(choice: Choice, pairs_per_conversation: float, with_ids: bool,
              cost_per_conversation: float = COST_PER_CONVERSATION,
              seconds_per_conversation: int = SECONDS_PER_CONVERSATION, concurrency: int = CONCURRENCY) -> BatchSummary:
    """Conversations, expected training pairs, cost and time of a batch."""
    n = len(choice.picks)
    return BatchSummary(conversations=n, expected_pairs=round(n * pairs_per_conversation),
                        cost_usd=round(n * cost_per_conversation, 2),
                        seconds=math.ceil(n / concurrency) * seconds_per_conversation,
                        edge_cases=sum(p.tier == "edge_case" for p in choice.picks), with_ids=with_ids)


def curl_line(file_name: str) -> str:
    """How to send the body: the platform's URL and its auth are the owner's (placeholders)."""
    return (f'curl -X POST "$PLATFORM_URL{ENDPOINT_PATH}" -H "Content-Type: application/json" '
            f'-H "Cookie: $PLATFORM_SESSION_COOKIE" --data-binary @{file_name}')


def duration(seconds: int) -> str:
    """'1 h 20 min', '8 min'."""
    hours, minutes = divmod(math.ceil(seconds / 60), 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"
