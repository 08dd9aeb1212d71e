"""The feedback inbox as typed data: what `cli feedback --json` prints and the Feedback page shows.

User text stays text: nothing here renders it. A hidden comment keeps no text (`text` is empty and
`hidden` true), whatever the Hub sent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

from services.strategy.links import RepoType

ThemeKind = Literal["persona", "arc", "topic", "lexicon"]
FormSource = Literal["hub_gate", "landing"]


class ThemeMatch(BaseModel):
    """A theme a text raised, and the words of the text that matched it."""

    theme: str
    kind: ThemeKind
    words: list[str]


class Comment(BaseModel):
    """One comment of a thread (the opening post is the first)."""

    author: str  # "deleted" for a deleted account, as huggingface_hub reads it
    created_at: datetime
    text: str  # empty when hidden: never shown
    hidden: bool = False
    edited: bool = False
    owner_side: bool = False  # written by the signed-in account or a team handle


class Thread(BaseModel):
    """A discussion or pull request on a released repo or Space."""

    repo_id: str
    repo_type: RepoType
    num: int
    title: str
    status: str
    author: str
    created_at: datetime
    url: str
    is_pull_request: bool
    answered: bool  # someone on the owner's side commented after the opening post
    themes: list[str] = Field(default_factory=list)
    matches: list[ThemeMatch] = Field(default_factory=list)
    comments: list[Comment] = Field(default_factory=list)

    def waiting(self, now: datetime | None = None) -> str:
        """How long it has been open, as people say it: "today", "1 day", "12 days"."""
        days = ((now or datetime.now(UTC)) - self.created_at).days
        return "today" if days < 1 else f"{days} day{'s' if days != 1 else ''}"


class RepoFeedback(BaseModel):
    """One repo's feedback, or why it could not be read (never an empty list that passes for none)."""

    repo_id: str
    repo_type: RepoType
    url: str
    likes: int | None = None
    likers: list[str] = Field(default_factory=list)
    error: str | None = None
    threads: list[Thread] = Field(default_factory=list)
    automated: int = 0  # threads by bots (the parquet converter, handles in settings), left out


class FormAnswer(BaseModel):
    """A free-text answer: the Hub's access form of a gated repo, or the landing Space's feedback form.
    Who answered is left out: the inbox needs what was said, the Leads page keeps who."""

    source: FormSource
    repo_id: str
    created_at: datetime
    text: str
    themes: list[str] = Field(default_factory=list)
    matches: list[ThemeMatch] = Field(default_factory=list)


class ThemeCount(BaseModel):
    """How many threads and form answers raised a theme (what the next batch weighs)."""

    theme: str
    kind: ThemeKind
    count: int = Field(ge=1)
    words: list[str] = Field(default_factory=list)


class FeedbackRead(BaseModel):
    """The whole inbox: every repo read (or its error), the form answers, the themes, and what was
    not read (`notes`: a source that is not configured, said once)."""

    read_at: datetime
    repos: list[RepoFeedback] = Field(default_factory=list)
    form_answers: list[FormAnswer] = Field(default_factory=list)
    themes: list[ThemeCount] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)

    def threads(self) -> list[Thread]:
        """Every human thread, unanswered first, oldest first within each."""
        return sorted((t for r in self.repos for t in r.threads),
                      key=lambda t: (t.answered, t.created_at, t.repo_id, t.num))

    def automated(self) -> int:
        """Threads left out as automated, over every repo."""
        return sum(r.automated for r in self.repos)
