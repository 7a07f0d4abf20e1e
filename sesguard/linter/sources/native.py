"""The native spec source (SPEC §4.1): YAML or JSON with the SESv2 API's own field names."""

from __future__ import annotations

import re
from pathlib import PurePath

from sesguard.linter.findings import pipeline_finding
from sesguard.linter.hookspecs import hookimpl
from sesguard.linter.located_json import load_json
from sesguard.linter.located_yaml import load_yaml
from sesguard.linter.model import ConfigurationSet, EventDestination, Target
from sesguard.linter.origins import DocumentOrigin
from sesguard.linter.suppressions import parse_declarations
from sesguard.linter.validation import schema_problems
from sesguard.linter.vocabulary import OPTION_BLOCKS, TARGET_KINDS

# A top-level `ConfigurationSets` key, in YAML (at column 0, plain or quoted) or JSON.
_TOP_LEVEL_KEY = re.compile(r"""^'ConfigurationSets'\s*:|^ConfigurationSets\s*:|"ConfigurationSets"\s*:""", re.M)
_OTHER_FORMATS = ("AWS::SES::", '"format_version"', "AWSTemplateFormatVersion")


class NativeSpecSource:
    name = "native spec"
    kind = "spec"

    def claims(self, path: str, text: str) -> bool:
        if PurePath(path).suffix.lower() not in (".yaml", ".yml", ".json"):
            return False
        return bool(_TOP_LEVEL_KEY.search(text)) and not any(marker in text for marker in _OTHER_FORMATS)

    def load(self, path: str, text: str):
        is_json = PurePath(path).suffix.lower() == ".json"
        document = load_json(text) if is_json else load_yaml(text)
        root = DocumentOrigin(self.kind, path, document)
        findings, broken_sets, usable = [], set(), True
        for problem in schema_problems("spec", document.data):
            findings.append(pipeline_finding("SG002", problem.message, root.child(*problem.path).locate(), self.kind))
            if len(problem.path) >= 2 and problem.path[0] == "ConfigurationSets":
                broken_sets.add(problem.path[1])
            else:
                usable = False
        if not usable:
            return [], findings
        data = document.data
        sets = [
            _configuration_set(raw, root.child("ConfigurationSets", index), data.get("Account"), data.get("Region"))
            for index, raw in enumerate(data["ConfigurationSets"])
            if index not in broken_sets
        ]
        return sets, findings


def _configuration_set(raw: dict, origin: DocumentOrigin, account, region) -> ConfigurationSet:
    destinations = tuple(
        _destination(entry, origin.child("EventDestinations", index))
        for index, entry in enumerate(raw.get("EventDestinations", ()))
    )
    return ConfigurationSet(
        name=raw.get("Name", raw.get("ConfigurationSetName")),
        origin=origin,
        account=raw.get("Account", account),
        region=raw.get("Region", region),
        options={block: raw[block] for block in OPTION_BLOCKS if block in raw},
        tags=tuple((tag["Key"], tag["Value"]) for tag in raw.get("Tags", ())),
        destinations=destinations,
        suppressions=_suppressions(raw, origin),
    )


def _destination(raw: dict, origin: DocumentOrigin) -> EventDestination:
    types = raw.get("MatchingEventTypes")
    return EventDestination(
        name=raw["Name"],
        origin=origin,
        enabled=raw.get("Enabled"),
        matching_event_types=tuple(types) if types is not None else None,
        targets=tuple(Target(kind, dict(raw[kind.block])) for kind in TARGET_KINDS if kind.block in raw),
        suppressions=_suppressions(raw, origin),
    )


def _suppressions(raw: dict, origin: DocumentOrigin) -> tuple:
    """The `Suppress` list (already checked by the schema, so no findings here)."""
    return parse_declarations(raw.get("Suppress"), origin.child("Suppress"))[0]


@hookimpl
def sesguard_sources():
    return [NativeSpecSource()]
