"""What the loader found wrong or noteworthy in an export, in words and with a place.

A finding crosses boundaries (pages, CLI `--json`, the release manifest), so it is a typed
model: a msgspec Struct rather than a pydantic model, because the report is built on every load
and importing pydantic alone costs the command line a fifth of a second. Findings that recur on
every conversation (the format's own quirks) are aggregated into one finding with a count and a
few example places, so a 10,000-conversation file yields a readable report rather than 50,000 rows.
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

import msgspec

from services.errors import StudioError

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
MAX_EXAMPLES = 5


def pretty_json(value: object) -> str:
    """A Struct (or plain data) as indented JSON text, for downloads and `--json` output."""
    return msgspec.json.format(msgspec.json.encode(value), indent=2).decode()


class Finding(msgspec.Struct, kw_only=True):
    severity: Severity
    code: str  # stable machine-readable kind, e.g. 'duplicate_conversation_id'
    message: str  # what is wrong, in words
    where: str = ""  # file, line and column, or conversation id and field
    count: int = 1  # how many places share this finding (≥ 1)
    examples: list[str] = msgspec.field(default_factory=list)  # a few of those places


class ValidationReport(msgspec.Struct, kw_only=True):
    findings: list[Finding] = msgspec.field(default_factory=list)
    dropped_conversations: list[str] = msgspec.field(default_factory=list)

    def to_json(self) -> str:
        """The report as the page's download gives it."""
        return pretty_json(self)

    def add(self, severity: Severity, code: str, message: str, where: str = "") -> Finding:
        """Record a finding and return it."""
        finding = Finding(severity=severity, code=code, message=message, where=where)
        self.findings.append(finding)
        return finding

    def counts(self) -> dict[str, int]:
        """Number of findings per severity (every severity present, zero included)."""
        counted = Counter(f.severity for f in self.findings)
        return {s: counted.get(s, 0) for s in SEVERITIES}

    def by_code(self, code: str) -> list[Finding]:
        """The findings with this code."""
        return [f for f in self.findings if f.code == code]

    @property
    def has_errors(self) -> bool:
        """Whether any finding is an error."""
        return any(f.severity == "error" for f in self.findings)


class Tally:
    """Counts one recurring finding and keeps its first few places, formatted lazily."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.count = 0
        self.places: list[str] = []

    def add(self, *args: object) -> None:
        """Count one occurrence; keep its place while fewer than `MAX_EXAMPLES` are kept."""
        self.count += 1
        if len(self.places) < MAX_EXAMPLES:
            self.places.append(self.template.format(*args))

    def emit(self, report: ValidationReport, severity: Severity, code: str, message: str) -> None:
        """Add the tally to the report as one finding, if anything was counted."""
        if not self.count:
            return
        report.findings.append(Finding(
            severity=severity, code=code, message=message, where=self.places[0],
            count=self.count, examples=self.places,
        ))


class LoadError(StudioError):
    """The file cannot be read at all (not JSON, not UTF-8, empty, wrong shape).

    Carries one finding; `str()` is the one-line message the CLI prints and the page shows.
    """

    def __init__(self, code: str, message: str, where: str) -> None:
        self.finding = Finding(severity="error", code=code, message=message, where=where)
        super().__init__(f"{where}: {message}" if where else message)
