"""The one typed model every source fills and every rule reads (SPEC §2).

Values are normalized: canonical event types, API field names, AWS defaults behind properties.
A value a source could not resolve (a CloudFormation intrinsic, a Terraform computed value) is
`UNKNOWN`; rules skip what they cannot know, so unknown values never produce findings.
Every object carries an `origin` that turns an API field path into a `Location`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol, Union

from sesguard.linter.vocabulary import (
    DEFAULT_HTTPS_POLICY,
    DEFAULT_TLS_POLICY,
    TargetKind,
    canonical_event_type,
)


class _Unknown:
    """A value that exists in the source but cannot be resolved statically."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()

FieldPath = tuple[Union[str, int], ...]


class Location(NamedTuple):
    """Where a finding points: a file position, or for live state an ARN."""

    file: str | None  # posix path as the user gave it; None for live state
    line: int
    column: int
    logical_path: str  # in the source's own terms, e.g. ConfigurationSets[2].EventDestinations[0]
    arn: str | None = None


class Origin(Protocol):
    """What a source attaches to each set and destination so findings can point back at it."""

    kind: str  # source kind: "spec", "cloudformation", "terraform", "live"

    def locate(self, field: FieldPath = ()) -> Location:
        """The location of `field` (an API field path below this object), or the nearest present parent."""


class TargetState(NamedTuple):
    """What a deep live scan (`--deep`) found behind one target ARN. No file source ever makes one.

    `exists` is False when the resource is not there; `attributes` holds what the rules read:
    SNS topic: its `GetTopicAttributes` attributes (`Policy`, `FifoTopic`, ...); Firehose stream:
    `DeliveryStreamStatus`; IAM role: `AssumeRolePolicyDocument` and `PolicyDocuments` (every
    inline and attached policy document, parsed).
    """

    exists: bool
    attributes: Mapping = MappingProxyType({})  # read-only: a default shared by every state


class Target(NamedTuple):
    """One target block of a destination (SnsDestination, KinesisFirehoseDestination, ...)."""

    kind: TargetKind
    fields: dict  # API field name -> value (str, list, or UNKNOWN)
    # Deep live scans only: ARN field name ("TopicArn", "IamRoleArn", ...) -> TargetState.
    # Absent (None) for every file source and for targets that could not be looked up.
    states: Any = None

    def state(self, arn_field: str) -> TargetState | None:
        return (self.states or {}).get(arn_field)


@dataclass(eq=False)
class EventDestination:
    name: Any
    origin: Origin
    enabled: Any = None  # True/False/UNKNOWN; None when absent (SES default: disabled)
    matching_event_types: Any = None  # as written: tuple of str/UNKNOWN, UNKNOWN, or None if absent
    targets: tuple[Target, ...] = ()
    # Inline suppressions declared on this destination (sesguard.linter.suppressions.Declaration).
    suppressions: tuple = ()

    @property
    def is_enabled(self) -> Any:
        """True, False, or UNKNOWN, with the SES default (disabled) filled in."""
        return False if self.enabled is None else self.enabled

    @cached_property  # the model is built once and read by every rule
    def events_known(self) -> bool:
        types = self.matching_event_types
        return types is not UNKNOWN and (types is None or all(t is not UNKNOWN for t in types))

    @cached_property
    def events(self) -> frozenset:
        """Canonical event types this destination matches (unrecognized spellings left out)."""
        if self.matching_event_types in (None, UNKNOWN):
            return frozenset()
        found = (canonical_event_type(t) for t in self.matching_event_types if isinstance(t, str))
        return frozenset(t for t in found if t)

    def target_of(self, key: str) -> Target | None:
        return self._targets_by_kind.get(key)

    @cached_property
    def _targets_by_kind(self) -> dict:
        by_kind = {}
        for target in self.targets:
            by_kind.setdefault(target.kind.key, target)
        return by_kind

    def target_arns(self):
        """(target, ArnField, value) for every known ARN in this destination's targets."""
        for target in self.targets:
            for arn_field in target.kind.arn_fields:
                value = target.fields.get(arn_field.field)
                if isinstance(value, str):
                    yield target, arn_field, value


@dataclass(eq=False)
class ConfigurationSet:
    name: Any
    origin: Origin
    account: Any = None
    region: Any = None
    options: dict = field(default_factory=dict)  # API option blocks as given: {"DeliveryOptions": {...}}
    tags: Any = ()
    destinations: tuple[EventDestination, ...] = ()
    # Inline suppressions declared on the set; they also cover its destinations (SPEC §6).
    suppressions: tuple = ()

    def option(self, dotted: str, default: Any = None) -> Any:
        """An option by API path (`DeliveryOptions.TlsPolicy`); `default` when absent."""
        value: Any = self.options
        for part in dotted.split("."):
            if value is UNKNOWN:
                return UNKNOWN
            if not isinstance(value, dict) or part not in value:
                return default
            value = value[part]
        return value

    @property
    def tls_policy(self) -> Any:
        return self.option("DeliveryOptions.TlsPolicy", DEFAULT_TLS_POLICY)

    @property
    def https_policy(self) -> Any:
        """None when the set has no TrackingOptions."""
        if self.option("TrackingOptions") is None:
            return None
        return self.option("TrackingOptions.HttpsPolicy", DEFAULT_HTTPS_POLICY)

    @property
    def reputation_metrics_enabled(self) -> Any:
        return self.option("ReputationOptions.ReputationMetricsEnabled", False)

    @property
    def sending_enabled(self) -> Any:
        return self.option("SendingOptions.SendingEnabled", True)

    @property
    def suppressed_reasons(self) -> Any:
        """None when the set does not override the account-level suppression list."""
        return self.option("SuppressionOptions.SuppressedReasons")

    def enabled_destinations(self, target: str | None = None) -> list:
        """Enabled destinations, optionally only those with a `target` block ("sns", "firehose", ...)."""
        return [
            d for d in self.destinations if d.is_enabled is True and (target is None or d.target_of(target) is not None)
        ]

    def events_reaching(self, target: str | None = None) -> frozenset | None:
        """Union of event types reaching enabled destinations (of one target kind); None if unknowable."""
        relevant = [
            d
            for d in self.destinations
            if (target is None or d.target_of(target) is not None) and d.is_enabled is not False
        ]
        if any(d.is_enabled is UNKNOWN or not d.events_known for d in relevant):
            return None
        reached = frozenset()
        for destination in relevant:
            reached |= destination.events
        return reached
