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
