"""The base class every rule derives from, built-in or third-party.

A rule is metadata (plain class attributes) plus `check`, a few lines over the typed model. Its
docstring is its documentation: the first line is the summary, the rest (what it checks, why,
example, fix) feeds `sesguard rule ID`, `sesguard rules --format markdown` and SARIF `help`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from typing import Any, ClassVar

from sesguard.linter.findings import Finding
from sesguard.linter.model import UNKNOWN, ConfigurationSet, EventDestination, FieldPath

HELP_URI = "https://github.com/sesguard/sesguard/blob/main/docs/rules.md#{anchor}"
SECURITY_SEVERITY = {"error": "7.0", "warning": "4.0", "note": "1.0"}
_ID = re.compile(r"^[A-Z][A-Z0-9]*[0-9]{3}$")
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]  # kebab-case
    level: ClassVar[str]  # default level: error | warning | note
    tags: ClassVar[tuple] = ()
    precision: ClassVar[str] = "very-high"  # SARIF: how often a finding is a true positive
    parameters: ClassVar[dict] = {}  # defaults, overridable in config [rules.ID]
    parameters_schema: ClassVar[dict] = {"type": "object", "additionalProperties": False}
    help_url: ClassVar[str | None] = None  # a plugin's own documentation; sesguard's docs/rules.md if unset

    @classmethod
    def summary(cls) -> str:
        return cls.docs().split("\n", 1)[0]

    @classmethod
    def docs(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def help_uri(cls) -> str:
        return cls.help_url or HELP_URI.format(anchor=f"{cls.id}-{cls.name}".lower())

    @classmethod
    def security_severity(cls) -> str:
        return SECURITY_SEVERITY[cls.level]

    @classmethod
    def problems(cls) -> list:
        """What is wrong with this rule's declaration (empty when it is valid)."""
        found = []
        if not _ID.match(getattr(cls, "id", "")):
            found.append("id must look like ABC123")
        if not _NAME.match(getattr(cls, "name", "")):
            found.append("name must be kebab-case")
        if getattr(cls, "level", None) not in SECURITY_SEVERITY:
            found.append("level must be error, warning or note")
        if not cls.__doc__ or not cls.summary():
            found.append("a docstring (summary line and documentation) is required")
        return found

    def check(self, config_set: ConfigurationSet, params: dict) -> Iterable[Finding]:
        """Yield findings for one configuration set. Never called by the engine for pipeline rules."""
        return ()

    def finding(
        self,
        config_set: ConfigurationSet,
        message: str,
        destination: EventDestination | None = None,
        field: FieldPath = (),
        level: str | None = None,
    ) -> Finding:
        """A finding about `config_set` (or one of its destinations), located at `field` below it."""
        origin = destination.origin if destination is not None else config_set.origin
        return Finding(
            rule_id=self.id,
            level=level or self.level,
            message=message,
            location=origin.locate(field),
            source_kind=origin.kind,
            set_name=_known(config_set.name),
            destination_name=_known(destination.name) if destination is not None else None,
            field=tuple(field),
            account=_known(config_set.account),
            region=_known(config_set.region),
        )


def _known(value: Any) -> str | None:
    if value is None:
        return None
    return "<unknown>" if value is UNKNOWN else str(value)
