"""A conversation as chat messages: what TRL's SFTTrainer and the Hub viewer expect.

The source format writes each user message twice (alone on the odd turn, then again beside
the answer on the even turn) and may end on an unanswered user turn. The chat form is: the
system prompt, then strictly alternating user / assistant messages, ending on the assistant.
Every assistant message is one supervised example, so their number equals the
conversation's supervised examples.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from services.dataset import schema


@dataclass(frozen=True)
class ChatMessage:
    role: str  # system | user | assistant
    content: str
    turn: int | None = None  # the source pair's turn_number
    emotion: str | None = None  # the detected emotion on that turn (user turns: the client's)
    intensity: float | None = None

    def as_dict(self) -> dict[str, str]:
        """The message as the chat format stores it: role and content only."""
        return {"role": self.role, "content": self.content}


def _emotion(pair: schema.Pair) -> tuple[str | None, float | None]:
    ctx = pair.emotional_context
    emo = ctx.detected_emotions if ctx is not None else None
    return (emo.primary, emo.intensity) if emo is not None else (None, None)


def to_messages(conv: schema.Conversation, keep_trailing_user: bool = False) -> list[ChatMessage]:
    """System prompt, then alternating user / assistant; see the module docstring.

    `keep_trailing_user` keeps an unanswered last user message (for previews that show the
    source as it is); releases drop it.
    """
    messages: list[ChatMessage] = []
    if conv.system_prompt and conv.system_prompt.strip():
        messages.append(ChatMessage("system", conv.system_prompt))
    last_input: str | None = None  # the last user input written (a merged message may hold several)
    for pair in sorted(conv.training_pairs, key=lambda p: p.turn_number):
        emotion, intensity = _emotion(pair)
        user = pair.current_user_input
        target = pair.target_response
        last = messages[-1] if messages else None
        already_said = last is not None and last.role == "user" and user == last_input
        if user.strip() and not already_said:
            if last is not None and last.role == "user":  # two user messages in a row: one turn
                messages[-1] = ChatMessage("user", f"{last.content}\n\n{user}", last.turn, last.emotion,
                                           last.intensity)
            else:
                messages.append(ChatMessage("user", user, pair.turn_number, emotion, intensity))
            last_input = user
        if target is not None and target.strip() and messages and messages[-1].role == "user":
            messages.append(ChatMessage("assistant", target, pair.turn_number, emotion, intensity))
    if not keep_trailing_user:
        while messages and messages[-1].role == "user":
            messages.pop()
    return messages


def context_block(conv: schema.Conversation) -> dict:
    """The pairs' repeated conversation_metadata block (client background, session context…)."""
    if conv.context is None:
        return {}
    try:
        value = schema.decode_raw(conv.context)
    except (msgspec.DecodeError, UnicodeDecodeError):  # a view the load skipped over, never checked
        return {}
    return value if isinstance(value, dict) else {}
