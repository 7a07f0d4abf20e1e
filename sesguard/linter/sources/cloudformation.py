"""CloudFormation templates (SPEC §4.2), YAML with short-form intrinsics or JSON; CDK output alike.

`AWS::SES::ConfigurationSet` and `AWS::SES::ConfigurationSetEventDestination` resources become the
model. A destination joins its set by `ConfigurationSetName`: a `Ref` to the set resource, or the
same literal name (or the same expression) as the set's `Name`; otherwise its set is defined
elsewhere and it is attached to a stand-in set whose options are unknown (see `common`).

CloudFormation spells three fields differently from the API (`TopicARN`, `IAMRoleARN`,
`DeliveryStreamARN`); the model gets API names, and locations translate them back, so findings
land on the template's own lines. Any intrinsic function (`{"Fn::Sub": ...}`, `!If`, `!Ref` to a
parameter) is UNKNOWN: rules skip it. So is a value of the wrong type, which is SG002 at its line
(the properties are checked against `schemas/cloudformation-*.schema.json`, where an intrinsic
passes anywhere). A resource's `Metadata: {sesguard: {Suppress: [...]}}`
becomes the suppressions of its set or destination (applied later by `linter.suppressions`).

Known limit: a resource-level `Condition` is not evaluated; a conditional resource counts as
present.
"""

from __future__ import annotations

import math
import re
from pathlib import PurePath

import yaml

from sesguard.linter.findings import pipeline_finding
from sesguard.linter.located_json import MAX_INT_DIGITS, load_json
from sesguard.linter.located_yaml import load_yaml, loader_class
from sesguard.linter.model import UNKNOWN, ConfigurationSet, EventDestination, Target
from sesguard.linter.origins import DocumentOrigin
from sesguard.linter.sources.common import Externals, SetDraft, as_bool, assemble, join_key, unresolved_destination
from sesguard.linter.suppressions import parse_declarations
from sesguard.linter.validation import load_schema, schema_problems
from sesguard.linter.vocabulary import OPTION_BLOCKS, TARGET_KINDS

SET_TYPE = "AWS::SES::ConfigurationSet"
DESTINATION_TYPE = "AWS::SES::ConfigurationSetEventDestination"
# API field name -> CloudFormation's spelling; everything else is spelt the same.
API_TO_CFN = {"TopicArn": "TopicARN", "IamRoleArn": "IAMRoleARN", "DeliveryStreamArn": "DeliveryStreamARN"}
CFN_TO_API = {cfn: api for api, cfn in API_TO_CFN.items()}
SUFFIXES = (".yaml", ".yml", ".json", ".template")
SET_SCHEMA = "cloudformation-configuration-set"
DESTINATION_SCHEMA = "cloudformation-event-destination"

# The short-form tags CloudFormation knows, and the long form each stands for.
SHORT_FORM_TAGS = {
    "Ref": "Ref",
    "Condition": "Condition",
    **{
        name: f"Fn::{name}"
        for name in (
            "GetAtt",
            "Sub",
            "Join",
            "If",
            "Select",
            "FindInMap",
            "ImportValue",
            "Split",
            "Base64",
            "Cidr",
            "GetAZs",
            "And",
            "Or",
            "Not",
            "Equals",
            "Length",  # the AWS::LanguageExtensions transform's
            "ToJsonString",
        )
    },
}
# Top-level keys, at the start of a YAML line or after `{`/`,` in JSON (which may be one line).
_TEMPLATE_MARKER = re.compile(r"""(?:^|[{,])\s*["']?AWSTemplateFormatVersion["']?\s*:""", re.M)
_RESOURCES_KEY = re.compile(r"""(?:^|[{,])\s*["']?Resources["']?\s*:""", re.M)
_SES_TYPE = re.compile(r"""["']?Type["']?\s*:\s*["']?AWS::SES::""")


def _intrinsic_constructor(function: str):
    def construct(loader, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if function == "Fn::GetAtt" and isinstance(value, str):  # `!GetAtt A.B` is [A, B] in long form
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {function: value}

    return construct


def _cloudformation_loader():
    loader = loader_class(getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    for tag, function in SHORT_FORM_TAGS.items():
        loader.add_constructor(f"!{tag}", _intrinsic_constructor(function))
    return loader


CloudFormationLoader = _cloudformation_loader()


def is_intrinsic(value) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (key,) = value
    return isinstance(key, str) and (key in ("Ref", "Condition") or key.startswith("Fn::"))


def resolve(value):
    """A template value with every intrinsic function replaced by UNKNOWN."""
    if is_intrinsic(value):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(item) for item in value]
    return value


_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?", re.ASCII)


def as_cloudformation_reads(value, schema: dict):
    """`value` with its scalars converted as CloudFormation converts them for the types `schema` declares:
    a number or boolean where a string goes, a numeric string where a number goes, "true"/"false" where a
    boolean goes. Anything else is left for the type check to report."""
    kind = schema.get("type")
    if isinstance(value, dict) and kind == "object":
        properties = schema.get("properties", {})
        return {k: as_cloudformation_reads(v, properties[k]) if k in properties else v for k, v in value.items()}
    if isinstance(value, list) and kind == "array":
        return [as_cloudformation_reads(item, schema["items"]) for item in value]
    if kind == "string" and isinstance(value, (bool, int, float)):
        return str(value).lower() if isinstance(value, bool) else str(value)
    if kind == "number" and isinstance(value, str) and _NUMBER.fullmatch(value):
        if value.lstrip("-").isdigit():
            return int(value) if len(value) <= MAX_INT_DIGITS else value
        number = float(value)
        return number if math.isfinite(number) else value
    if kind == "boolean":
        return as_bool(value)
    return value


class CloudFormationSource:
    name = "CloudFormation template"
    kind = "cloudformation"

    def claims(self, path: str, text: str) -> bool:
        if PurePath(path).suffix.lower() not in SUFFIXES:
            return False
        if _TEMPLATE_MARKER.search(text):
            return True
        return bool(_RESOURCES_KEY.search(text) and _SES_TYPE.search(text))

    def load(self, path: str, text: str):
        if text.lstrip().startswith("{"):
            document = load_json(text)
        else:
            document = load_yaml(text, CloudFormationLoader)
        resources = document.data.get("Resources") if isinstance(document.data, dict) else None
        if not isinstance(resources, dict):
            return [], []
        root = DocumentOrigin(self.kind, path, document, ("Resources",), API_TO_CFN)
        drafts, by_logical_id, by_name, findings = [], {}, {}, []
        for logical_id, resource in resources.items():
            if isinstance(resource, dict) and resource.get("Type") == SET_TYPE:
                origin = root.child(logical_id, "Properties")
                properties = _checked_properties(resource, SET_SCHEMA, origin, findings)
                draft = SetDraft(_configuration_set(properties, origin))
                draft.config_set.suppressions = _suppressions(resource, root.child(logical_id), findings)
                if properties is None:  # unreadable: nothing can be said about the set
                    draft.destinations.append(unresolved_destination(draft.config_set.origin))
                drafts.append(draft)
                by_logical_id[logical_id] = draft
                name = _name_as_written(resource, "Name")
                if name is not None and name is not UNKNOWN:
                    by_name.setdefault(join_key(name), draft)
        externals = Externals()
        for logical_id, resource in resources.items():
            if not (isinstance(resource, dict) and resource.get("Type") == DESTINATION_TYPE):
                continue
            origin = root.child(logical_id, "Properties")
            checked = _checked_properties(resource, DESTINATION_SCHEMA, origin, findings)
            raw = checked.get("EventDestination") if checked is not None else UNKNOWN
            destination = _destination(raw, origin.child("EventDestination"))
            destination.suppressions = _suppressions(resource, root.child(logical_id), findings)
            set_name = _name_as_written(resource, "ConfigurationSetName")
            draft = None
            reference = set_name.get("Ref") if isinstance(set_name, dict) else None
            if isinstance(reference, str) and reference in by_logical_id:
                draft = by_logical_id[reference]
            elif set_name is not None:
                draft = by_name.get(join_key(set_name))
            if draft is not None:
                draft.destinations.append(destination)
            else:
                # The same name or expression names the same set; anything else stands alone.
                key = join_key(set_name) if isinstance(set_name, (str, dict)) else f"resource:{logical_id}"
                name = set_name if isinstance(set_name, str) else UNKNOWN
                externals.add(key, name, origin.child("ConfigurationSetName"), destination)
        return assemble(drafts, externals), findings


def _suppressions(resource: dict, origin: DocumentOrigin, findings: list) -> tuple:
    """`Metadata.sesguard.Suppress` of a resource; problems with it are added to `findings` (SG002)."""
    metadata = resource.get("Metadata")
    sesguard = metadata.get("sesguard") if isinstance(metadata, dict) else None
    if not isinstance(sesguard, dict):
        return ()
    declarations, problems = parse_declarations(
        sesguard.get("Suppress"), origin.child("Metadata", "sesguard", "Suppress")
    )
    findings.extend(problems)
    return declarations


def _properties(resource: dict):
    """The resource's properties; None when they are not a mapping (an intrinsic, or malformed)."""
    properties = resource.get("Properties", {})
    return properties if isinstance(properties, dict) and not is_intrinsic(properties) else None


def _name_as_written(resource: dict, field: str):
    """A set's name for joining: two equal expressions (`!Ref`, `!Sub`) name one set, so they stay as written;
    a scalar is read as CloudFormation reads it (`Name: 2024` is "2024"). UNKNOWN when the properties are."""
    properties = _properties(resource)
    return UNKNOWN if properties is None else as_cloudformation_reads(properties.get(field), {"type": "string"})


def _checked_properties(resource: dict, schema: str, origin: DocumentOrigin, findings: list):
    """The resource's properties as CloudFormation reads them, every intrinsic UNKNOWN; None when they are
    not a mapping. A value of the wrong type (SPEC §10: anywhere) is SG002 in `findings`, and UNKNOWN to the rules.
    """
    properties = _properties(resource)
    if properties is None:
        return None
    resolved = as_cloudformation_reads(resolve(properties), load_schema(schema))
    for problem in schema_problems(schema, resolved, UNKNOWN):
        findings.append(pipeline_finding("SG002", problem.message, origin.child(*problem.path).locate(), origin.kind))
        *parents, last = problem.path
        container = resolved
        for element in parents:
            container = container[element]
        container[last] = UNKNOWN
    return resolved


def _configuration_set(properties, origin: DocumentOrigin) -> ConfigurationSet:
    """The set from its checked properties (None: unreadable)."""
    if properties is None:
        return ConfigurationSet(UNKNOWN, origin, options={b: UNKNOWN for b in OPTION_BLOCKS}, tags=UNKNOWN)
    name = properties.get("Name")
    tags = properties.get("Tags", ())
    if isinstance(tags, list) and all(isinstance(t, dict) for t in tags):
        tags = tuple((t.get("Key"), t.get("Value")) for t in tags)
    else:
        tags = UNKNOWN
    return ConfigurationSet(
        name=name if isinstance(name, str) else UNKNOWN,  # absent: CloudFormation generates one
        origin=origin,
        options={block: properties[block] for block in OPTION_BLOCKS if block in properties},
        tags=tags,
    )


def _destination(raw, origin: DocumentOrigin) -> EventDestination:
    """The destination from its checked `EventDestination` (UNKNOWN or absent: unreadable)."""
    if not isinstance(raw, dict):
        return unresolved_destination(origin)
    name = raw.get("Name")
    name = name if isinstance(name, str) else UNKNOWN  # absent: CloudFormation generates one
    types = raw.get("MatchingEventTypes")
    types = tuple(types) if isinstance(types, list) else types
    enabled = raw.get("Enabled")
    blocks = [kind for kind in TARGET_KINDS if kind.block in raw]
    if any(raw[kind.block] is UNKNOWN for kind in blocks):
        return unresolved_destination(origin, name, enabled, types)
    targets = tuple(Target(kind, {CFN_TO_API.get(k, k): v for k, v in raw[kind.block].items()}) for kind in blocks)
    return EventDestination(name=name, origin=origin, enabled=enabled, matching_event_types=types, targets=targets)
