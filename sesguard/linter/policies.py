"""`[[policies]]`: declarative rules written in the config file, compiled into Rule subclasses (SPEC §6).

Each policy becomes a rule like any other: listed by `sesguard rules`, documented by
`sesguard rule ID`, in SARIF `rules[]`, chosen by `--select`/`--ignore`, configurable in
`[rules.ID]` (its `level`), and suppressible. A policy has an `id`, a `summary`, optionally a
`description`, a `level` (default error), a `sets` glob on the set name, and one or more checks:

- `require = {events = [...], target = "firehose"}`: the set's enabled destinations (of that target
  kind, when given) together receive every listed event (without `events`: at least one enabled
  destination of that kind exists);
- `forbid = {target = "cloudwatch", events = [...]}`: no destination (of that kind, when given)
  receives any listed event (without `events`: no destination of that kind exists);
- `expect = {"DeliveryOptions.TlsPolicy" = "REQUIRE"}`: each option, AWS defaults filled in,
  equals the value.

As everywhere, a value the source could not resolve is skipped, never reported.
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from typing import ClassVar

from sesguard.linter.errors import UsageError
from sesguard.linter.model import UNKNOWN
from sesguard.linter.rule import Rule
from sesguard.linter.vocabulary import (
    DEFAULT_HTTPS_POLICY,
    DEFAULT_TLS_POLICY,
    OPTION_BLOCKS,
    TARGET_KINDS,
    canonical_event_type,
)

POLICY_HELP_URI = "https://github.com/sesguard/sesguard/blob/main/docs/policies.md#declarative-policies"
OPTION_DEFAULTS = {
    "DeliveryOptions.TlsPolicy": DEFAULT_TLS_POLICY,
    "TrackingOptions.HttpsPolicy": DEFAULT_HTTPS_POLICY,
    "ReputationOptions.ReputationMetricsEnabled": False,
    "SendingOptions.SendingEnabled": True,
}
_LABELS = {kind.key: kind.label for kind in TARGET_KINDS}


class PolicyRule(Rule):
    """Base of the rules compiled from `[[policies]]`; `policy` is the validated table."""

    policy: ClassVar[dict] = {}
    tags = ("policy",)

    @classmethod
    def help_uri(cls) -> str:
        return POLICY_HELP_URI

    def check(self, config_set, params):
        policy = self.policy
        glob = policy.get("sets")
        if glob is not None and not (isinstance(config_set.name, str) and fnmatchcase(config_set.name, glob)):
            return
        if "require" in policy:
            yield from self._require(config_set, policy["require"])
        if "forbid" in policy:
            yield from self._forbid(config_set, policy["forbid"])
        for dotted, expected in sorted(policy.get("expect", {}).items()):
            actual = config_set.option(dotted, OPTION_DEFAULTS.get(dotted))
            if actual is not UNKNOWN and actual != expected:
                shown = "absent" if actual is None else json.dumps(actual)
                yield self.finding(
                    config_set, f"{dotted} is {shown}, expected {json.dumps(expected)}", field=tuple(dotted.split("."))
                )

    def _require(self, config_set, require: dict):
        target = require.get("target")
        reached = config_set.events_reaching(target)
        if reached is None:  # an enabled flag or event list is unknown: nothing can be said
            return
        where = f"enabled {_LABELS[target]} destination" if target else "enabled destination"
        events = _events(require.get("events"))
        if events:
            missing = sorted(events - reached)
            if missing:
                verb = "reaches" if len(missing) == 1 else "reach"
                yield self.finding(config_set, f"{', '.join(missing)} {verb} no {where} ({self.summary()})")
        elif not any(d.is_enabled is not False for d in config_set.destinations if _has(d, target)):
            yield self.finding(config_set, f"no {where} ({self.summary()})")

    def _forbid(self, config_set, forbid: dict):
        target = forbid.get("target")
        events = _events(forbid.get("events"))
        for destination in config_set.destinations:
            if target and not _has(destination, target, exactly=True):
                continue
            if events:
                if not destination.events_known:
                    continue
                hit = sorted(destination.events & events)
                if hit:
                    message = f"receives {', '.join(hit)}, which policy forbids ({self.summary()})"
                    yield self.finding(config_set, message, destination, ("MatchingEventTypes",))
            else:
                block = next(kind.block for kind in TARGET_KINDS if kind.key == target)
                message = f"{_LABELS[target]} destinations are forbidden ({self.summary()})"
                yield self.finding(config_set, message, destination, (block,))


def _has(destination, target, exactly=False) -> bool:
    """Whether `destination` has a `target` block (any, when None); an unreadable one counts unless `exactly`."""
    if target is None:
        return True
    found = destination.target_of(target)
    return found is not None and (not exactly or found.kind.key == target)


def _events(names) -> frozenset:
    return frozenset(canonical_event_type(name) for name in names or ())


def policy_problems(policy: dict) -> list:
    """(message, key path below the policy) for what the config schema cannot check."""
    problems = []
    for check in ("require", "forbid"):
        for index, name in enumerate(policy.get(check, {}).get("events", ())):
            if canonical_event_type(name) is None:
                problems.append((f"{check}.events: {name!r} is not an SES event type", (check, "events", index)))
    if not any(check in policy for check in ("require", "forbid", "expect")):
        problems.append(("a policy needs at least one of require, forbid, expect", ()))
    for dotted in policy.get("expect", {}):
        block = dotted.split(".", 1)[0]
        if block not in OPTION_BLOCKS or "." not in dotted:
            known = ", ".join(OPTION_BLOCKS)
            problems.append((f"expect: {dotted!r} is not an option field (Block.Field, blocks: {known})", ("expect",)))
    return problems


def compile_policy(policy: dict, config_path: str) -> type:
    """A Rule subclass for one validated policy table."""
    summary = policy["summary"].strip().splitlines()[0]
    checks = "\n".join(
        f"    {key} = {json.dumps(policy[key], sort_keys=True)}"
        for key in ("sets", "require", "forbid", "expect")
        if key in policy
    )
    description = policy.get("description", "").strip()
    doc = f"{summary}\n\n" + (f"{description}\n\n" if description else "")
    doc += f"Declared in {config_path} as a `[[policies]]` entry:\n\n{checks}\n"
    slug = ""
    for word in re.findall(r"[a-z0-9]+", summary.lower()):  # whole words, at most 48 characters
        if len(slug) + len(word) + 1 > 48:
            break
        slug = f"{slug}-{word}" if slug else word
    slug = slug or "policy"
    return type(
        f"Policy{policy['id']}",
        (PolicyRule,),
        {
            "__doc__": doc,
            "__module__": f"sesguard.policies:{config_path}",
            "id": policy["id"],
            "name": slug,
            "level": policy.get("level", "error"),
            "policy": dict(policy),
        },
    )


def add_policies(registry, settings) -> None:
    """Compile the config's `[[policies]]` into `registry.rules`; an id already taken is a usage error."""
    for policy in settings.table.get("policies", ()):
        rule = compile_policy(policy, settings.path or "config")
        if rule.id in registry.rules:
            owner = registry.rules[rule.id].__module__
            raise UsageError(
                f"policy {rule.id} in {settings.path}: the id is already used by {owner}; choose another id"
            )
        registry.rules[rule.id] = rule
