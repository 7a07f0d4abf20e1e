"""Terraform values of the wrong type: SG002 at their line (SPEC §10), and UNKNOWN to the rules.

Checked here is what the rules read: a block written as a value (`delivery_options = "x"`), and the
fields below holding a value of another kind. The rest is left to `terraform validate`.
CloudFormation properties are checked against a JSON Schema instead
(`schemas/cloudformation-*.schema.json`).
"""

from __future__ import annotations

from sesguard.linter.findings import pipeline_finding
from sesguard.linter.model import UNKNOWN
from sesguard.linter.validation import json_type

# Option fields rules read, and the type each must have. A wrong one is SG002 (SPEC §10), and
# UNKNOWN to the rules (so are a destination's `Enabled` and `MatchingEventTypes`, below); the
# fields no rule reads are left to `terraform validate`.
OPTION_FIELD_TYPES = {
    ("DeliveryOptions", "TlsPolicy"): str,
    ("TrackingOptions", "HttpsPolicy"): str,
    ("ReputationOptions", "ReputationMetricsEnabled"): bool,
    ("SendingOptions", "SendingEnabled"): bool,
    ("SuppressionOptions", "SuppressedReasons"): list,
}
_EXPECTED = {
    str: "a string",
    bool: "a boolean",
    list: "an array",
    dict: "an object",
}  # as native and CloudFormation say


def checked_options(options: dict, origin) -> tuple[dict, list]:
    """(`options` with every wrongly typed block or field UNKNOWN, an SG002 at `origin` for each).

    UNKNOWN itself (a variable, a computed value) is no problem.
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
                message = f"{block}.{name} must be {_EXPECTED[expected]}, not {json_type(value)}"
                findings.append(pipeline_finding("SG002", message, origin.locate((block, name)), origin.kind))
        checked[block] = content
    return checked, findings


def checked_block(value, origin, path: tuple) -> list:
    """SG002 at `path` below `origin` when a block is some other value (null too).

    UNKNOWN (a `dynamic` block, a computed value) is no problem, nor is a block (a mapping).
    """
    if value is UNKNOWN or isinstance(value, dict):
        return []
    message = f"{'.'.join(path)} must be {_EXPECTED[dict]}, not {json_type(value)}"
    return [pipeline_finding("SG002", message, origin.locate(path), origin.kind)]


def checked_destination(enabled, matching_event_types, origin) -> tuple:
    """(enabled, matching event types, SG002 findings at `origin`): a wrongly typed value is UNKNOWN.

    UNKNOWN itself is no problem, nor is an absent value (None).
    """
    findings = []
    if not (enabled is None or enabled is UNKNOWN or isinstance(enabled, bool)):
        message = f"Enabled must be {_EXPECTED[bool]}, not {json_type(enabled)}"
        findings.append(pipeline_finding("SG002", message, origin.locate(("Enabled",)), origin.kind))
        enabled = UNKNOWN
    types = matching_event_types
    if not (types is None or types is UNKNOWN or isinstance(types, (list, tuple))):
        message = f"MatchingEventTypes must be {_EXPECTED[list]}, not {json_type(types)}"
        findings.append(pipeline_finding("SG002", message, origin.locate(("MatchingEventTypes",)), origin.kind))
        types = UNKNOWN
    return enabled, tuple(types) if isinstance(types, list) else types, findings
