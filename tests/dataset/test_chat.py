"""Chat conversion: every rule, on real-shaped conversations."""

from __future__ import annotations

import copy

import msgspec
import pytest

from services.dataset import chat, schema
from tests.support.exports import make_conversation


def _conv(raw: dict) -> schema.Conversation:
    conv = msgspec.json.decode(msgspec.json.encode(raw), type=schema.Conversation)
    conv.system_prompt = "Be kind."
    return conv


def _roles(messages) -> list[str]:
    return [m.role for m in messages]


def test_duplicate_user_message_written_once_and_alternation():
    conv = _conv(make_conversation("c", "p", "a", "t", turns=4))
    messages = chat.to_messages(conv)
    assert _roles(messages) == ["system", "user", "assistant", "user", "assistant"]
    assert [m.content for m in messages[1:]] == ["c user message 1", "c assistant answer 2", "c user message 3",
                                                 "c assistant answer 4"]
    assert messages[1].emotion == "emotion1" and messages[1].turn == 1


def test_trailing_user_turn_is_dropped_unless_asked():
    conv = _conv(make_conversation("c", "p", "a", "t", turns=3))
    assert _roles(chat.to_messages(conv))[-1] == "assistant"
    assert chat.to_messages(conv, keep_trailing_user=True)[-1].content == "c user message 3"


def test_answered_pairs_alone_still_give_user_then_assistant():
    """The JSONL variant keeps only the even turns: the user message comes from the pair itself."""
    raw = make_conversation("c", "p", "a", "t", turns=4)
    raw["training_pairs"] = [p for p in raw["training_pairs"] if p["target_response"]]
    messages = chat.to_messages(_conv(raw))
    assert _roles(messages) == ["system", "user", "assistant", "user", "assistant"]


def test_blank_answers_are_skipped_and_consecutive_user_turns_merge():
    raw = copy.deepcopy(make_conversation("c", "p", "a", "t", turns=4))
    raw["training_pairs"][1]["target_response"] = "  "
    messages = chat.to_messages(_conv(raw))
    assert _roles(messages) == ["system", "user", "assistant"]
    assert messages[1].content == "c user message 1\n\nc user message 3"
    assert all(m.content.strip() for m in messages)


def test_no_system_prompt():
    conv = _conv(make_conversation("c", "p", "a", "t", turns=2))
    conv.system_prompt = None
    assert _roles(chat.to_messages(conv)) == ["user", "assistant"]


def test_every_demo_conversation_alternates_and_counts_its_examples(demo_dataset):
    supervised = demo_dataset.conversation_table.set_index("conversation_id")["supervised_examples"]
    for conv in demo_dataset.iter_conversations():
        roles = _roles(chat.to_messages(conv))
        assert roles[0] == "system" and roles[-1] == "assistant"
        assert roles[1:] == ["user", "assistant"] * (len(roles[1:]) // 2)
        assert roles.count("assistant") == supervised[conv.conversation_metadata.conversation_id]


@pytest.mark.parametrize("context", [None, msgspec.Raw(b'{"session_context": "lunch break"}')])
def test_context_block(context):
    conv = _conv(make_conversation("c", "p", "a", "t", turns=2))
    conv.context = context
    assert chat.context_block(conv) == ({} if context is None else {"session_context": "lunch break"})
