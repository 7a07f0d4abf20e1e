"""What the infrastructure-as-code sources share: unresolved parts, and joining destinations to sets.

CloudFormation and Terraform describe a configuration set and its event destinations as separate
resources. Each source resolves which set a destination belongs to; `assemble` then builds the
model. Two rules keep every finding honest (SPEC §4.2: no false positive on an unknown value):

- a destination whose targets cannot be read (a whole block behind an intrinsic function, a
  Terraform `dynamic` block) gets one *unresolved target*, which counts as a possible target of
  every kind for the routing rules, so SES102 and SES201-SES204 stay silent about it;
- a destination whose set is not defined in the same file (a literal name of a set made
  elsewhere, `!ImportValue`, a variable) is attached to a *stand-in set*: its options are
  unknown, and unless the file alone already fills the set's quota of 10 destinations, it also
  holds a stand-in for the destinations defined elsewhere. So the destination's own rules
  (SES101, SES105, SES106, ...) still run, and no set-level rule guesses about a set it cannot see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sesguard.linter.findings import pipeline_finding
from sesguard.linter.model import UNKNOWN, ConfigurationSet, EventDestination, Target
from sesguard.linter.vocabulary import OPTION_BLOCKS, TargetKind

MAX_DESTINATIONS = 10  # per configuration set (SPEC §11.1)
UNRESOLVED_KIND = TargetKind("unresolved", "<unresolved target>", "unresolved target", ())
UNRESOLVED_TARGET = Target(UNRESOLVED_KIND, {})


@dataclass(eq=False)
class UnresolvedTargetsDestination(EventDestination):
    """A destination whose target blocks cannot be read statically.

    It answers `target_of(kind)` with its unresolved target for every kind but Pinpoint (so it is
    never reported as a Pinpoint destination), which makes set-level routing rules treat it as a
    possible destination of that kind instead of counting it out.
    """

    targets: tuple = (UNRESOLVED_TARGET,)

    def target_of(self, key: str):
        return None if key == "pinpoint" else UNRESOLVED_TARGET


def unresolved_destination(origin, name=UNKNOWN, enabled=UNKNOWN, matching_event_types=UNKNOWN):
    return UnresolvedTargetsDestination(
        name=name, origin=origin, enabled=enabled, matching_event_types=matching_event_types
    )


# Option fields rules read, and the type each must have. A wrong one is SG002 (SPEC §10), and
# UNKNOWN to the rules (so are a destination's `Enabled` and `MatchingEventTypes`, below); the
# fields no rule reads are left to cfn-lint and `terraform validate`.
OPTION_FIELD_TYPES = {
    ("DeliveryOptions", "TlsPolicy"): str,
    ("TrackingOptions", "HttpsPolicy"): str,
    ("ReputationOptions", "ReputationMetricsEnabled"): bool,
    ("SendingOptions", "SendingEnabled"): bool,
    ("SuppressionOptions", "SuppressedReasons"): list,
}
_TYPE_NAMES = {str: "a string", bool: "a boolean", list: "a list", dict: "a mapping"}


def checked_options(options: dict, origin) -> tuple[dict, list]:
    """(`options` with every wrongly typed block or field UNKNOWN, an SG002 at `origin` for each).

    UNKNOWN itself (an intrinsic function, a variable, a computed value) is no problem.
    """
    checked, findings = {}, []
    for block, content in options.items():
        if not isinstance(content, dict):
            checked[block] = UNKNOWN
            findings.extend(checked_block(content, origin, (block,)))
            continue
        content = dict(content)
        for (owner, name), expected in OPTION_FIELD_TYPES.items():
            value = content.get(name)
            if owner == block and value is not None and value is not UNKNOWN and not isinstance(value, expected):
                content[name] = UNKNOWN
                message = f"{block}.{name} must be {_TYPE_NAMES[expected]}, not {_type_name(value)}"
                findings.append(pipeline_finding("SG002", message, origin.locate((block, name)), origin.kind))
        checked[block] = content
    return checked, findings


def checked_block(value, origin, path: tuple, name: str | None = None) -> list:
    """SG002 at `path` below `origin` when a block that must be a mapping is some other value (null too).

    UNKNOWN is no problem, nor is a mapping (a CloudFormation intrinsic function is one).
    """
    if value is UNKNOWN or isinstance(value, dict):
        return []
    message = f"{name or '.'.join(path)} must be {_TYPE_NAMES[dict]}, not {_type_name(value)}"
    return [pipeline_finding("SG002", message, origin.locate(path), origin.kind)]


def checked_destination(enabled, matching_event_types, origin) -> tuple:
    """(enabled, matching event types, SG002 findings at `origin`): a wrongly typed value is UNKNOWN.

    UNKNOWN itself is no problem, nor is an absent value (None).
    """
    findings = []
    if not (enabled is None or enabled is UNKNOWN or isinstance(enabled, bool)):
        message = f"Enabled must be {_TYPE_NAMES[bool]}, not {_type_name(enabled)}"
        findings.append(pipeline_finding("SG002", message, origin.locate(("Enabled",)), origin.kind))
        enabled = UNKNOWN
    types = matching_event_types
    if not (types is None or types is UNKNOWN or isinstance(types, (list, tuple))):
        message = f"MatchingEventTypes must be {_TYPE_NAMES[list]}, not {_type_name(types)}"
        findings.append(pipeline_finding("SG002", message, origin.locate(("MatchingEventTypes",)), origin.kind))
        types = UNKNOWN
    return enabled, tuple(types) if isinstance(types, list) else types, findings


def _type_name(value) -> str:
    """A value's type as the messages name it: a string, a boolean, a number, a list, a mapping, null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return next((name for kind, name in _TYPE_NAMES.items() if isinstance(value, kind)), type(value).__name__)


def as_bool(value):
    """CloudFormation and Terraform accept "true"/"false" strings for booleans."""
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def join_key(value) -> str:
    """A hashable key for a set-name expression: the name itself, or the expression's canonical text.

    Two identical expressions in one file resolve to the same name (`!Ref SetName` twice), so
    destinations naming their set the same way are grouped even when the name is unknown.
    """
    if isinstance(value, str):
        return "name:" + value
    return "expr:" + json.dumps(value, sort_keys=True, default=repr)


@dataclass
class SetDraft:
    """A configuration set read from the file, before its destinations are attached."""

    config_set: ConfigurationSet
    destinations: list = field(default_factory=list)


@dataclass
class ExternalSet:
    """Destinations whose set is not defined in this file, grouped by how they name it."""

    name: object  # str or UNKNOWN
    origin: object  # where the destinations name the set: stand-in set findings point there
    destinations: list = field(default_factory=list)


def assemble(drafts, externals) -> list:
    """The model's sets: each draft with its destinations, then a stand-in set per external group."""
    sets = []
    for draft in drafts:
        draft.config_set.destinations = tuple(draft.destinations)
        sets.append(draft.config_set)
    for external in externals:
        destinations = list(external.destinations)
        if len(destinations) < MAX_DESTINATIONS:  # a full set cannot have more elsewhere
            destinations.append(unresolved_destination(external.origin))
        sets.append(
            ConfigurationSet(
                name=external.name,
                origin=external.origin,
                options={block: UNKNOWN for block in OPTION_BLOCKS},
                tags=UNKNOWN,
                destinations=tuple(destinations),
            )
        )
    return sets


class Externals:
    """External set groups by join key, in first-seen order."""

    def __init__(self) -> None:
        self._groups: dict = {}

    def add(self, key: str, name, origin, destination) -> None:
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = ExternalSet(name, origin)
        group.destinations.append(destination)

    def __iter__(self):
        return iter(self._groups.values())
