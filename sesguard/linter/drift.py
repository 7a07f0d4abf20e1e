"""Drift: two sources of the same model compared (SPEC §5 DR001-DR003, §8).

`compare` takes the spec's configuration sets and the other side's (live state, or another spec
with `--against`), both in the one model, and reports DR001 (in the spec, missing on the other
side), DR002 (on the other side, not in the spec) and DR003 (a field differs) at the spec's lines.
It never knows which format either side was read from.

Both sides are normalized first: event types as sets in the API's vocabulary, AWS defaults
filled in, `None`-valued and read-only fields dropped. A value either side cannot resolve
(`UNKNOWN`) is never compared, and a set or destination list that may hold more than a source
could see (a nameless CloudFormation set, a destination behind an intrinsic) never makes a
DR001/DR002 finding it cannot prove.

Field names (in messages, `Finding.diff["field"]` and `sesguard rule DR003`): the API path below
the set, `DeliveryOptions.TlsPolicy`, `Tags[team]`, `EventDestinations[bounces].Enabled`,
`EventDestinations[bounces].MatchingEventTypes`, `EventDestinations[bounces].SnsDestination.TopicArn`,
and a whole target block (`EventDestinations[bounces].SnsDestination`) when only one side has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sesguard.linter.findings import Finding
from sesguard.linter.model import UNKNOWN, ConfigurationSet, Location
from sesguard.linter.vocabulary import EVENT_TYPES, TARGET_BY_BLOCK, canonical_event_type

ABSENT: Any = None  # a field not set on one side (after defaults)

# AWS defaults for option fields a side may leave out (SPEC §4.1): absent and default are the same.
OPTION_DEFAULTS = {
    ("DeliveryOptions", "TlsPolicy"): "OPTIONAL",
    ("ReputationOptions", "ReputationMetricsEnabled"): False,
    ("SendingOptions", "SendingEnabled"): True,
    ("TrackingOptions", "HttpsPolicy"): "OPTIONAL",
}
# Set-valued option fields: order is meaningless.
UNORDERED_OPTIONS = {("SuppressionOptions", "SuppressedReasons")}
# Fields AWS maintains itself: never in a spec, never drift.
READ_ONLY_OPTIONS = {("ReputationOptions", "LastFreshStart")}


@dataclass(frozen=True)
class Unread:
    """Part of the other side that could not be read (None = any): nothing there is 'missing'."""

    account: str | None = None
    region: str | None = None
    set_name: str | None = None


def compare(
    spec_sets, other_sets, rules: dict, *, unread=(), spec_complete: bool = True, only_named_sets: bool = False
) -> list[Finding]:
    """DR001-DR003 findings for `spec_sets` against `other_sets`, sorted, located in the spec.

    `rules` maps rule ids to rule classes (their metadata makes the findings); `unread` lists the
    parts of the other side that could not be read; `spec_complete` is False when part of the spec
    could not be read, so sets it may declare are not called unmanaged.
    """
    drift = _Drift(rules)
    known_spec = [s for s in spec_sets if _known(s.name)]
    spec_open = [s for s in spec_sets if not _known(s.name)]  # CloudFormation generates their names
    other_known = [o for o in other_sets if _known(o.name)]
    other_open = [o for o in other_sets if not _known(o.name)]
    matched = set()
    for spec_set in known_spec:
        matches = [o for o in other_known if o.name == spec_set.name and _overlaps(spec_set, o)]
        matched.update(id(o) for o in matches)
        if not matches:
            if any(_overlaps(spec_set, o) for o in other_open) or any(_unread(u, spec_set) for u in unread):
                continue  # it may be the nameless set, or in what could not be read (SG900)
            drift.missing(spec_set)
        for other_set in matches:
            drift.compare_sets(spec_set, other_set)
    if spec_complete and not only_named_sets:
        for other_set in other_known:
            if id(other_set) in matched or any(_overlaps(s, other_set) for s in spec_open):
                continue
            covering = next((s for s in known_spec if _overlaps(s, other_set)), None)
            if covering is not None:
                drift.unmanaged_set(covering, other_set)
    return sorted(drift.findings, key=Finding.sort_key)


class _Drift:
    def __init__(self, rules: dict) -> None:
        self.rules = {rule_id: rules[rule_id]() for rule_id in ("DR001", "DR002", "DR003") if rule_id in rules}
        self.findings: list[Finding] = []

    def _add(self, rule_id, spec_set, other_set, message, diff, destination=None, field=(), locate=None):
        rule = self.rules.get(rule_id)
        if rule is None:
            return
        finding = rule.finding(spec_set, message, destination, field)
        if locate is not None:  # the field path in the finding is not a path in the document (Tags[key])
            origin = destination.origin if destination is not None else spec_set.origin
            finding.location = origin.locate(locate)
        if other_set is not None:  # a spec that leaves account/region out: name where it drifted
            finding.account = finding.account or _text(other_set.account)
            finding.region = finding.region or _text(other_set.region)
        finding.diff = diff
        self.findings.append(finding)

    def missing(self, spec_set) -> None:
        self._add("DR001", spec_set, None, "configuration set is missing live", _diff("missing", None, True, ABSENT))

    def unmanaged_set(self, covering, other_set) -> None:
        rule = self.rules.get("DR002")
        if rule is None:
            return
        spec_location = covering.origin.locate()
        other_location = other_set.origin.locate()
        self.findings.append(
            Finding(
                rule_id=rule.id,
                level=rule.level,
                message="configuration set exists live but not in the spec",
                location=Location(spec_location.file, 1, 1, f"ConfigurationSets[{other_set.name}]", other_location.arn),
                source_kind=covering.origin.kind,
                set_name=str(other_set.name),
                account=_text(other_set.account),
                region=_text(other_set.region),
                diff=_diff("unmanaged", None, ABSENT, True),
            )
        )

    def compare_sets(self, spec_set, other_set) -> None:
        for path, label, locate, spec_value, other_value in _field_pairs(_set_fields(spec_set), _set_fields(other_set)):
            message = f"{label}: spec={render(spec_value)} live={render(other_value)}"
            diff = _diff("changed", label, spec_value, other_value)
            self._add("DR003", spec_set, other_set, message, diff, field=path, locate=locate)
        spec_destinations = _by_name(spec_set.destinations)
        other_destinations = _by_name(other_set.destinations)
        spec_open = any(not _known(d.name) for d in spec_set.destinations)
        other_open = any(not _known(d.name) for d in other_set.destinations)
        for name, destination in spec_destinations.items():
            other = other_destinations.get(name)
            if other is None:
                if not other_open:
                    diff = _diff("missing", f"EventDestinations[{name}]", True, ABSENT)
                    message = "event destination is missing live"
                    self._add("DR001", spec_set, other_set, message, diff, destination)
                continue
            pairs = _field_pairs(_destination_fields(destination), _destination_fields(other))
            for path, label, locate, spec_value, other_value in pairs:
                label = f"EventDestinations[{name}].{label}"
                message = f"{label}: spec={render(spec_value)} live={render(other_value)}"
                diff = _diff("changed", label, spec_value, other_value)
                self._add("DR003", spec_set, other_set, message, diff, destination, path, locate)
        if spec_open:
            return  # the spec may declare more destinations than this source could see
        for name in other_destinations.keys() - spec_destinations.keys():
            diff = _diff("unmanaged", f"EventDestinations[{name}]", ABSENT, True)
            self._add("DR002", spec_set, other_set, "event destination exists live but not in the spec", diff)
            self.findings[-1].destination_name = name


# --- normalization: each side becomes {field path: (label, locate path, value)} ---------------


def _set_fields(config_set: ConfigurationSet) -> dict:
    fields = {}
    for block, content in (config_set.options or {}).items():
        if content is UNKNOWN:
            fields[(block,)] = (block, (block,), UNKNOWN)
        elif isinstance(content, dict):
            for path, value in _flatten(content, (block,)):
                if path not in READ_ONLY_OPTIONS:
                    fields[path] = (".".join(path), path, _option_value(path, value))
    for path, default in OPTION_DEFAULTS.items():
        if (path[0],) not in fields:
            fields.setdefault(path, (".".join(path), path, default))
    tags = config_set.tags
    if tags is UNKNOWN or any(not _known(key) for key, _ in tags or ()):
        fields[("Tags",)] = ("Tags", ("Tags",), UNKNOWN)
    else:
        for key, value in tags or ():
            fields[("Tags", key)] = (f"Tags[{key}]", ("Tags",), value)
    return fields


def _destination_fields(destination) -> dict:
    enabled = False if destination.enabled is None else destination.enabled
    fields = {("Enabled",): ("Enabled", ("Enabled",), enabled)}
    types = destination.matching_event_types
    if types is not None:
        known = types is not UNKNOWN and all(t is not UNKNOWN for t in types)
        fields[("MatchingEventTypes",)] = (
            "MatchingEventTypes",
            ("MatchingEventTypes",),
            _event_types(types) if known else UNKNOWN,
        )
    if any(target.kind.block not in TARGET_BY_BLOCK for target in destination.targets):
        fields[("<targets>",)] = ("<targets>", (), UNKNOWN)  # a target block a source could not read
        return fields
    for target in destination.targets:
        block = target.kind.block
        fields[(block,)] = (block, (block,), _Block(target.fields))
    return fields


class _Block(dict):
    """A whole target block: compared field by field when both sides have it."""


def _field_pairs(spec_fields: dict, other_fields: dict):
    """(field, label, locate path, spec value, other value) for every known field that differs."""
    if ("<targets>",) in spec_fields or ("<targets>",) in other_fields:
        spec_fields = {k: v for k, v in spec_fields.items() if k[0] not in TARGET_BY_BLOCK}
        other_fields = {k: v for k, v in other_fields.items() if k[0] not in TARGET_BY_BLOCK}
    unknown_blocks = {k[0] for k, v in {**spec_fields, **other_fields}.items() if len(k) == 1 and v[2] is UNKNOWN}
    for path in sorted(spec_fields.keys() | other_fields.keys(), key=lambda p: tuple(map(str, p))):
        if path[0] in unknown_blocks:
            continue
        label, locate, spec_value = spec_fields.get(path) or (None, None, ABSENT)
        other_label, _, other_value = other_fields.get(path) or (None, None, ABSENT)
        label = label or other_label
        if locate is None:  # only the other side has it: point at the nearest thing the spec has
            locate = path[:1] if path[0] == "Tags" else path
        if isinstance(spec_value, _Block) and isinstance(other_value, _Block):
            keys = sorted(spec_value.keys() | other_value.keys())
            for key in keys:
                a, b = _normal(spec_value.get(key)), _normal(other_value.get(key))
                if _comparable(a) and _comparable(b) and a != b:
                    yield path + (key,), f"{label}.{key}", path + (key,), a, b
            continue
        spec_value, other_value = _normal(spec_value), _normal(other_value)
        if _comparable(spec_value) and _comparable(other_value) and spec_value != other_value:
            yield path, label, locate, spec_value, other_value


def _flatten(content: dict, prefix: tuple):
    for key, value in content.items():
        if isinstance(value, dict) and value:
            yield from _flatten(value, prefix + (key,))
        elif value is not None:
            yield prefix + (key,), value


def _option_value(path, value):
    if path in UNORDERED_OPTIONS and isinstance(value, (list, tuple)):
        return tuple(sorted(value, key=str)) if all(v is not UNKNOWN for v in value) else UNKNOWN
    return value


def _event_types(types) -> tuple:
    """Event types as a set in the API's vocabulary, in the API's order; unrecognized spellings kept."""
    canonical = {canonical_event_type(t) or t for t in types if isinstance(t, str)}
    return tuple(sorted(canonical, key=lambda t: (EVENT_TYPES.index(t) if t in EVENT_TYPES else len(EVENT_TYPES), t)))


def _normal(value):
    """Lists of mappings (CloudWatch dimensions) compare regardless of order; tuples as lists."""
    if isinstance(value, _Block):
        return _Block({k: _normal(v) for k, v in value.items() if v is not None})
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        items = [_normal(v) for v in value]
        if items and all(isinstance(v, dict) for v in items):
            items.sort(key=lambda v: render(v))
        return tuple(items)
    return value


def _comparable(value) -> bool:
    """False when the value is or contains UNKNOWN: unknown values never drift."""
    if value is UNKNOWN:
        return False
    if isinstance(value, dict):
        return all(_comparable(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_comparable(v) for v in value)
    return True


# --- matching -----------------------------------------------------------------------------------


def _known(value) -> bool:
    return value is not None and value is not UNKNOWN


def _text(value):
    return str(value) if _known(value) else None


def _same(a, b) -> bool:
    """Account or region equality where an unknown side matches anything."""
    return not _known(a) or not _known(b) or a == b


def _overlaps(spec_set, other_set) -> bool:
    return _same(spec_set.account, other_set.account) and _same(spec_set.region, other_set.region)


def _unread(unread: Unread, spec_set) -> bool:
    return (
        _same(unread.account, spec_set.account)
        and _same(unread.region, spec_set.region)
        and (unread.set_name is None or unread.set_name == spec_set.name)
    )


def _by_name(destinations) -> dict:
    named = {}
    for destination in destinations:
        if _known(destination.name):
            named.setdefault(destination.name, destination)
    return named


# --- rendering ----------------------------------------------------------------------------------


def render(value) -> str:
    """A value as the messages show it: `[BOUNCE, COMPLAINT]`, `true`, `{TopicArn: arn:...}`."""
    if value is ABSENT:
        return "(absent)"
    if value is UNKNOWN:
        return "(unknown)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {render(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(render(v) for v in value) + "]"
    return str(value)


def as_json(value):
    if value is UNKNOWN:
        return "<unknown>"
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [as_json(v) for v in value]
    return value


def _diff(change: str, field, spec_value, other_value) -> dict:
    """The machine-readable diff the json reporter carries: `field` null for a whole set."""
    return {"change": change, "field": field, "spec": as_json(spec_value), "live": as_json(other_value)}
