"""`sesguard snapshot`: the model of live sets written back as a native spec (SPEC §4.1, §8).

Sorted and stable (sets by account, region and name; destinations by name; no timestamps), with
the API's own field names, so that `sesguard check` of a fresh snapshot reports exactly what
`sesguard scan` reported, and two snapshots of unchanged state are byte-identical.
"""

from __future__ import annotations

import yaml

from sesguard.linter.vocabulary import TARGET_KINDS


def snapshot_document(config_sets) -> dict:
    """The native spec of `config_sets` (live sets: every value known)."""
    ordered = sorted(config_sets, key=lambda s: (s.account or "", s.region or "", s.name))
    return {"ConfigurationSets": [_set(config_set) for config_set in ordered]}


def render_snapshot(config_sets, header: str = "") -> str:
    text = yaml.safe_dump(
        snapshot_document(config_sets), sort_keys=False, default_flow_style=False, allow_unicode=True, width=120
    )
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    return comment + text


def _set(config_set) -> dict:
    entry = {"Name": config_set.name}
    if config_set.account:
        entry["Account"] = config_set.account
    if config_set.region:
        entry["Region"] = config_set.region
    for block in sorted(config_set.options):
        entry[block] = config_set.options[block]
    if config_set.tags:
        entry["Tags"] = [{"Key": key, "Value": value} for key, value in sorted(config_set.tags)]
    if config_set.destinations:
        entry["EventDestinations"] = [_destination(d) for d in sorted(config_set.destinations, key=lambda d: d.name)]
    return entry


def _destination(destination) -> dict:
    entry = {"Name": destination.name}
    if destination.enabled is not None:
        entry["Enabled"] = destination.enabled
    if destination.matching_event_types is not None:
        entry["MatchingEventTypes"] = list(destination.matching_event_types)
    for target in sorted(destination.targets, key=lambda t: TARGET_KINDS.index(t.kind)):
        entry[target.kind.block] = target.fields
    return entry
