"""The platform's batch body, its summary, and how to send it.

`GenerateBatchBody` mirrors the platform's zod schema for `POST /api/conversations/generate-batch`
(`src/app/api/conversations/generate-batch/route.ts`): `name` (at least one character),
`parameterSets` (`templateId` a UUID, `parameters` the persona, arc and topic ids, `tier`),
`concurrentProcessing` 1–10, `errorHandling`, `priority`. Its bulk generator sends the nil UUID as
`templateId` where an arc has no template, `edge_case` for edge arcs, and assumes $0.45 and about
60 s per conversation, 3 at a time. The same inputs give the same bytes.

Only a body the platform runs is ever written: its route accepts any `parameters` (a record of
anything), but its processor fails every item without `persona_id`, `emotional_arc_id` and
`training_topic_id`, and zod's `.uuid()` accepts only RFC 9562 UUIDs (version digit 1–8, variant
digit 8, 9, a or b) and the nil and max UUIDs. Without such an id for every persona, arc, topic and
template, `build_body` refuses (`NoIdsError`) and says how to get them.
"""

from __future__ import annotations

import json
import math
import re
from typing import Literal
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
# zod 4's `.uuid()` (its `regexes.uuid`): RFC 9562 versions 1-8 with the RFC variant, and the nil and max UUIDs.
PLATFORM_UUID = re.compile(r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}"
                           r"|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$")


class NoIdsError(ValueError):
    """The batch cannot be written as a body the platform runs: an id is missing or not one zod accepts."""


class BatchParameters(BaseModel):
    persona_id: UUID
    emotional_arc_id: UUID
    training_topic_id: UUID


class ParameterSet(BaseModel):
    templateId: UUID  # noqa: N815 - the platform's field names
    parameters: BatchParameters
    tier: Tier


class GenerateBatchBody(BaseModel):
    """What the platform's endpoint accepts and its processor runs (its zod schema, mirrored)."""

    name: str = Field(min_length=1)
    parameterSets: list[ParameterSet] = Field(min_length=1)  # noqa: N815 - the platform's field names
    concurrentProcessing: int = Field(default=CONCURRENCY, ge=1, le=10)  # noqa: N815
    errorHandling: Literal["stop", "continue"] = "continue"  # noqa: N815
    priority: Literal["low", "normal", "high"] = "normal"
    userId: str | None = None  # noqa: N815


class BatchSummary(BaseModel):
    conversations: int
    expected_pairs: int  # the data's mean training pairs per conversation, times the batch
    cost_usd: float
    seconds: int  # at `concurrency` at a time
    edge_cases: int


def _platform_id(kind: str, key: str, value: str | None) -> UUID:
    """A row's id as the platform's zod schema accepts it, or NoIdsError naming the row."""
    if not value:
        raise NoIdsError(f"the {kind} `{key}` has no id in the scaffolding, and the platform needs ids, not keys. "
                         + HOW_TO_EXPORT_IDS)
    if not PLATFORM_UUID.match(str(value)):
        raise NoIdsError(f"the {kind} `{key}` has the id `{value}`, which the platform refuses (an RFC 9562 UUID is "
                         "needed: version 1-8, variant 8, 9, a or b). " + HOW_TO_EXPORT_IDS)
    return UUID(str(value))


def build_body(choice: Choice, scaffolding: Scaffolding, name: str, concurrency: int = CONCURRENCY,
               ) -> GenerateBatchBody:
    """The body for the chosen cells, with the scaffolding's ids; NoIdsError when a row lacks a valid one."""
    personas = {p.persona_key: p.id for p in scaffolding.personas}
    arcs = {a.arc_key: a.id for a in scaffolding.emotional_arcs}
    topics = {t.topic_key: t.id for t in scaffolding.training_topics}
    sets = []
    for pick in choice.picks:
        template = scaffolding.template_for(pick.arc)
        template_id = _platform_id("template of arc", pick.arc, template.id) if template and template.id \
            else NIL_UUID
        sets.append(ParameterSet(
            templateId=template_id,
            parameters=BatchParameters(persona_id=_platform_id("persona", pick.persona, personas.get(pick.persona)),
                                       emotional_arc_id=_platform_id("arc", pick.arc, arcs.get(pick.arc)),
                                       training_topic_id=_platform_id("topic", pick.topic, topics.get(pick.topic))),
            tier=pick.tier))
    return GenerateBatchBody(name=name, parameterSets=sets, concurrentProcessing=concurrency)


def body_bytes(body: GenerateBatchBody) -> bytes:
    """The body as the file the owner sends: indented JSON, fields in the schema's order, stable."""
    return (json.dumps(body.model_dump(mode="json", exclude_none=True), indent=2, ensure_ascii=False) + "\n").encode()


def summarise(choice: Choice, pairs_per_conversation: float,
              cost_per_conversation: float = COST_PER_CONVERSATION,
              seconds_per_conversation: int = SECONDS_PER_CONVERSATION, concurrency: int = CONCURRENCY) -> BatchSummary:
    """Conversations, expected training pairs, cost and time of a batch."""
    n = len(choice.picks)
    return BatchSummary(conversations=n, expected_pairs=round(n * pairs_per_conversation),
                        cost_usd=round(n * cost_per_conversation, 2),
                        seconds=math.ceil(n / concurrency) * seconds_per_conversation,
                        edge_cases=sum(p.tier == "edge_case" for p in choice.picks))


def curl_line(file_name: str) -> str:
    """How to send the body: the platform's URL and its auth are the owner's (placeholders)."""
    return (f'curl -X POST "$PLATFORM_URL{ENDPOINT_PATH}" -H "Content-Type: application/json" '
            f'-H "Cookie: $PLATFORM_SESSION_COOKIE" --data-binary @{file_name}')


def duration(seconds: int) -> str:
    """'1 h 20 min', '8 min'."""
    hours, minutes = divmod(math.ceil(seconds / 60), 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"
