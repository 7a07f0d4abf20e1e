"""Reading IAM policy documents: does a policy let SES (or anyone) do an action on a resource?

A deliberately small evaluator for rules SES401 and SES403. It only says "allowed" when an Allow
statement clearly matches; conditions it does not understand are taken as satisfied (so a finding
means no statement could match, never a guess), and Deny statements are not evaluated.
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase

_SOURCE_KEYS = {"aws:sourcearn": "arn", "aws:sourceaccount": "account"}
_EXACT = {"stringequals", "arnequals", "stringequalsignorecase"}
_LIKE = {"stringlike", "arnlike"}


def parse_document(value) -> dict:
    if isinstance(value, dict):
        return value
    try:
        document = json.loads(value or "{}")
    except (TypeError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def allows(
    document,
    action: str,
    resource: str | None = None,
    service: str | None = None,
    source_arn: str | None = None,
    source_account: str | None = None,
) -> bool:
    """True when some Allow statement of `document` grants `action` (to `service`, on `resource`)."""
    context = {"arn": source_arn, "account": source_account}
    return any(
        statement.get("Effect") == "Allow"
        and _matches_any(statement.get("Action"), action, ignore_case=True)
        and (resource is None or "Resource" not in statement or _matches_any(statement["Resource"], resource))
        and (service is None or _principal_allows(statement.get("Principal"), service))
        and _conditions_allow(statement.get("Condition") or {}, context)
        for statement in _statements(parse_document(document))
    )


def _statements(document: dict) -> list:
    statements = document.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    return [s for s in statements if isinstance(s, dict)]


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else list(value or [])


def _matches_any(patterns, value: str, ignore_case: bool = False) -> bool:
    if ignore_case:
        return any(fnmatchcase(value.lower(), p.lower()) for p in _as_list(patterns))
    return any(fnmatchcase(value, p) for p in _as_list(patterns))


def _principal_allows(principal, service: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    return service in _as_list(principal.get("Service")) or "*" in _as_list(principal.get("AWS"))


def _conditions_allow(conditions: dict, context: dict) -> bool:
    """aws:SourceArn / aws:SourceAccount conditions must name this set; other conditions are assumed met."""
    for operator, tests in conditions.items():
        if not isinstance(tests, dict):
            continue
        kind = operator.lower().replace("forallvalues:", "").replace("foranyvalue:", "")
        for key, expected in tests.items():
            which = _SOURCE_KEYS.get(key.lower())
            actual = context.get(which) if which else None
            if actual is None:
                continue
            if kind in _EXACT and actual not in _as_list(expected):
                return False
            if kind in _LIKE and not _matches_any(expected, actual):
                return False
    return True
