"""Terraform's SES resources onto the model, shared by the plan/state JSON, `.tf` and `.tf.json` sources.

Each source hands over `TerraformResource`s whose `values` look like a plan's: attributes by their
Terraform names, nested blocks as lists of objects, UNKNOWN for whatever is not known (a computed
value, a variable, a `dynamic` block). This module maps the four resource types (SPEC §11.3):

    aws_sesv2_configuration_set, aws_sesv2_configuration_set_event_destination   (SESv2 names)
    aws_ses_configuration_set, aws_ses_event_destination                         (SES v1 names)

and translates API field paths back to Terraform paths, so findings point at the input's lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from sesguard.linter.model import UNKNOWN, ConfigurationSet, EventDestination, Location, Target
from sesguard.linter.origins import format_path
from sesguard.linter.sources.common import (
    Externals,
    SetDraft,
    as_bool,
    assemble,
    join_key,
    unresolved_destination,
)
from sesguard.linter.sources.terraform_types import checked_block, checked_destination, checked_options
from sesguard.linter.vocabulary import OPTION_BLOCKS, TARGET_BY_KEY

SESV2_SET = "aws_sesv2_configuration_set"
SESV2_DESTINATION = "aws_sesv2_configuration_set_event_destination"
V1_SET = "aws_ses_configuration_set"
V1_DESTINATION = "aws_ses_event_destination"
SET_TYPES = (SESV2_SET, V1_SET)
DESTINATION_TYPES = (SESV2_DESTINATION, V1_DESTINATION)
RESOURCE_TYPES = SET_TYPES + DESTINATION_TYPES
SET_NAME_ATTRIBUTE = {SESV2_SET: "configuration_set_name", V1_SET: "name"}

SESV2_OPTION_BLOCKS = (
    "delivery_options",
    "reputation_options",
    "sending_options",
    "suppression_options",
    "tracking_options",
    "vdm_options",
    "archiving_options",
)
SESV2_TARGETS = {
    "sns_destination": "sns",
    "kinesis_firehose_destination": "firehose",
    "cloud_watch_destination": "cloudwatch",
    "event_bridge_destination": "eventbridge",
    "pinpoint_destination": "pinpoint",
}
V1_TARGETS = {"sns_destination": "sns", "kinesis_destination": "firehose", "cloudwatch_destination": "cloudwatch"}
# API name -> Terraform path elements, where the general snake_case rule (plus `[0]` for a
# one-block `*_options`/`*_destination`) does not hold.
SESV2_SET_PATHS = {"Name": ("configuration_set_name",)}
SESV2_DESTINATION_PATHS = {"DimensionConfigurations": ("dimension_configuration",)}
V1_SET_PATHS = {"Name": ("name",), "ReputationOptions": (), "SendingOptions": ()}
V1_DESTINATION_PATHS = {
    "Name": ("name",),
    "MatchingEventTypes": ("matching_types",),
    "KinesisFirehoseDestination": ("kinesis_destination", 0),
    "IamRoleArn": ("role_arn",),
    "DeliveryStreamArn": ("stream_arn",),
    "CloudWatchDestination": ("cloudwatch_destination",),
    "DimensionConfigurations": (),
    "DefaultDimensionValue": ("default_value",),
    "DimensionValueSource": ("value_source",),
}
# Terraform attribute -> API name, for the few the general PascalCase rule gets wrong.
TO_API = {"dimension_configuration": "DimensionConfigurations"}
_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass
class TerraformResource:
    type: str
    name: str
    address: str  # e.g. module.mail.aws_sesv2_configuration_set.main["a"]
    module: str  # the module instance ("" for the root): set and destination join within it
    values: dict
    origin_factory: Callable  # translate -> Origin for this resource
    set_name_refs: tuple = ()  # resources `configuration_set_name` refers to, as "TYPE.NAME"
    single_instance: bool = True  # no count/for_each: a reference to it names one set
    # A set's name, or a destination's set name, when it is exactly one reference (`var.set_name`):
    # the same expression in the same module is the same set, as two `!Ref`s are in CloudFormation.
    name_expression: str | None = None


@dataclass(frozen=True)
class TerraformOrigin:
    """A resource in a located document; API field paths become Terraform paths below `base`."""

    kind: str
    file: str
    document: Any
    address: str
    base: tuple
    translate: Callable = field(compare=False)

    def locate(self, field=()) -> Location:
        path = self.translate(tuple(field))
        line, column, _ = self.document.locate(self.base + path)
        return Location(self.file, line, column, self.address + (f".{format_path(path)}" if path else ""))


def origin_factory(kind: str, path: str, document, address: str, base: tuple) -> Callable:
    """translate -> the TerraformOrigin of a resource at `base` in a located `document`."""
    return lambda translate: TerraformOrigin(kind, path, document, address, base, translate)


def snake(name: str) -> str:
    return _HUMP.sub("_", name).lower()


def pascal(name: str) -> str:
    return TO_API.get(name) or "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _is_single_block(tf_name: str) -> bool:
    return tf_name.endswith(("_options", "_destination"))


def path_translator(special: dict, prefix: tuple = (), top_level: frozenset = frozenset()):
    """A function turning an API path into a Terraform path (`prefix` for all but `top_level`)."""

    def translate(api_path: tuple) -> tuple:
        if not api_path:
            return ()
        out = () if api_path[0] in top_level else prefix
        for element in api_path:
            if isinstance(element, int):
                out += (element,)
            elif element in special:
                out += special[element]
            else:
                name = snake(element)
                out += (name, 0) if _is_single_block(name) else (name,)
        return out

    return translate


def to_api(value):
    """Terraform values to API shapes: one-block lists become objects, names become PascalCase."""
    if isinstance(value, dict):
        converted = {}
        for key, item in value.items():
            if _is_single_block(key) and isinstance(item, list):
                if not item:
                    continue
                item = item[0]
            converted[pascal(key)] = to_api(item)
        return converted
    if isinstance(value, list):
        return [to_api(item) for item in value]
    return as_bool(value)


def _first_block(values: dict, key: str):
    """The one block `key` as a dict; UNKNOWN; None when absent; else the value written instead of a block."""
    block = values.get(key)
    if block is None or block == []:
        return None
    if isinstance(block, list) and isinstance(block[0], dict):
        return block[0]
    if isinstance(block, list) and any(item is UNKNOWN for item in block):
        return UNKNOWN  # a computed list of blocks
    return block  # UNKNOWN, or not a block at all (`delivery_options = "x"`): for checked_block to report


def _name(value):
    return value if isinstance(value, str) else UNKNOWN


def configuration_set(resource: TerraformResource, findings: list) -> ConfigurationSet:
    """The set; an option of the wrong type is SG002 in `findings`."""
    values = resource.values
    options = {}
    paths = SESV2_SET_PATHS if resource.type == SESV2_SET else V1_SET_PATHS
    origin = resource.origin_factory(path_translator(paths))
    if not isinstance(values, dict):  # the whole resource is known only after apply
        return ConfigurationSet(UNKNOWN, origin, options={block: UNKNOWN for block in OPTION_BLOCKS}, tags=UNKNOWN)
    if resource.type == SESV2_SET:
        for block in SESV2_OPTION_BLOCKS:
            content = _first_block(values, block)
            if content is not None:
                options[pascal(block)] = to_api(content) if isinstance(content, dict) else content
    else:
        delivery = _first_block(values, "delivery_options")
        if delivery is not None:
            # SES v1 spells the policy `Require`/`Optional`; the model uses SESv2's REQUIRE/OPTIONAL.
            is_block = isinstance(delivery, dict)
            options["DeliveryOptions"] = {"TlsPolicy": _upper(delivery.get("tls_policy"))} if is_block else delivery
        tracking = _first_block(values, "tracking_options")
        if tracking is not None:
            options["TrackingOptions"] = to_api(tracking) if isinstance(tracking, dict) else tracking
        for attribute, block, api in (
            ("reputation_metrics_enabled", "ReputationOptions", "ReputationMetricsEnabled"),
            ("sending_enabled", "SendingOptions", "SendingEnabled"),
        ):
            if attribute in values and values[attribute] is not None:
                options[block] = {api: as_bool(values[attribute])}
    tags = values.get("tags")
    options, problems = checked_options(options, origin)
    findings.extend(problems)
    return ConfigurationSet(
        name=_name(values.get(SET_NAME_ATTRIBUTE[resource.type])),
        origin=origin,
        options=options,
        tags=tuple(sorted(tags.items())) if isinstance(tags, dict) else (UNKNOWN if tags is UNKNOWN else ()),
    )


def _upper(value):
    return value.upper() if isinstance(value, str) else value


def event_destination(resource: TerraformResource, findings: list) -> EventDestination:
    """The destination; an `enabled` or event-type list of the wrong type is SG002 in `findings`."""
    values = resource.values
    if resource.type == SESV2_DESTINATION:
        origin = resource.origin_factory(
            path_translator(SESV2_DESTINATION_PATHS, ("event_destination", 0), frozenset({"Name"}))
        )
        origin = _renamed(origin, {"Name": ("event_destination_name",)})
    else:
        origin = resource.origin_factory(path_translator(V1_DESTINATION_PATHS))
    if not isinstance(values, dict):  # the whole resource is known only after apply
        return unresolved_destination(origin)
    if resource.type == SESV2_DESTINATION:
        name = _name(values.get("event_destination_name"))
        body = _first_block(values, "event_destination")
        if body is not None and not isinstance(body, dict):  # computed, or not a block: cannot be read
            untranslated = resource.origin_factory(path_translator({}))
            findings.extend(checked_block(body, untranslated, ("EventDestination",)))
            return unresolved_destination(origin, name)
        body = body or {}
        target_blocks, types_attribute = SESV2_TARGETS, "matching_event_types"
    else:
        name = _name(values.get("name"))
        body, target_blocks, types_attribute = values, V1_TARGETS, "matching_types"
    enabled, types, problems = checked_destination(as_bool(body.get("enabled")), body.get(types_attribute), origin)
    findings.extend(problems)
    targets, readable = [], True
    for block, key in target_blocks.items():
        content = body.get(block)
        if not content:
            continue
        kind = TARGET_BY_KEY[key]
        if not isinstance(content, list) or not all(isinstance(item, dict) for item in content):
            # A `dynamic` block is UNKNOWN; any other value written where a block belongs is wrong.
            if not (isinstance(content, list) and any(item is UNKNOWN for item in content)):
                findings.extend(checked_block(content, origin, (kind.block,)))
            readable = False
            continue
        if block == "cloudwatch_destination":  # v1: each block is one dimension
            fields = {"DimensionConfigurations": [_v1_dimension(item) for item in content]}
        elif block == "kinesis_destination":
            block_values = content[0]
            fields = {"IamRoleArn": block_values.get("role_arn"), "DeliveryStreamArn": block_values.get("stream_arn")}
        else:
            fields = to_api(content[0])
        targets.append(Target(kind, fields))
    if not readable:
        return unresolved_destination(origin, name, enabled, types)
    return EventDestination(
        name=name, origin=origin, enabled=enabled, matching_event_types=types, targets=tuple(targets)
    )


def _v1_dimension(item):
    if not isinstance(item, dict):
        return UNKNOWN
    return {
        "DefaultDimensionValue": item.get("default_value"),
        "DimensionName": item.get("dimension_name"),
        "DimensionValueSource": item.get("value_source"),
    }


def _renamed(origin: TerraformOrigin, top: dict) -> TerraformOrigin:
    """`origin` with some first path elements mapped outside its prefix (`Name` is a resource attribute)."""
    inner = origin.translate

    def translate(api_path):
        if api_path and api_path[0] in top:
            return top[api_path[0]] + tuple(api_path[1:])
        return inner(api_path)

    return TerraformOrigin(origin.kind, origin.file, origin.document, origin.address, origin.base, translate)


def build_model(resources, owned=None, incomplete: bool = False) -> tuple[list, list]:
    """(sets with their destinations joined by name or by reference, within one module instance; SG002s).

    `owned(resource)` picks the resources this file reports: its own sets (with every destination
    joined to them, wherever written) and its own destinations whose set is not among `resources`.
    `incomplete` means some resources could not be read: every set may have more destinations. So
    may a set when a destination of its module is joined to no set and either set name is unknown.
    """
    owned = owned or (lambda resource: True)
    drafts, by_name, by_reference, by_expression, findings = [], {}, {}, {}, []
    for resource in resources:
        if resource.type not in SET_TYPES:
            continue
        draft = SetDraft(configuration_set(resource, findings if owned(resource) else []))
        if owned(resource):
            drafts.append((resource.module, draft))
        if isinstance(draft.config_set.name, str):
            by_name.setdefault((resource.module, draft.config_set.name), draft)
            by_name.setdefault(("*", draft.config_set.name), draft)
        reference = (resource.module, f"{resource.type}.{resource.name}")
        by_reference[reference] = draft if resource.single_instance and reference not in by_reference else None
        if resource.name_expression and resource.single_instance:
            expression = (resource.module, resource.name_expression)
            by_expression[expression] = None if expression in by_expression else draft
    externals = Externals()
    # module -> whether one of its destinations joined to no set has an unknown set name (a module
    # is in it as soon as one destination is joined to none).
    loose: dict = {}
    for resource in resources:
        if resource.type not in DESTINATION_TYPES:
            continue
        destination = event_destination(resource, findings if owned(resource) else [])
        set_name = resource.values.get("configuration_set_name") if isinstance(resource.values, dict) else UNKNOWN
        draft = None
        if isinstance(set_name, str):
            draft = by_name.get((resource.module, set_name)) or by_name.get(("*", set_name))
        if draft is None:
            found = [by_reference.get((resource.module, ref)) for ref in resource.set_name_refs]
            found = [d for d in found if d is not None]
            if len(found) == 1:
                draft = found[0]
        if draft is None and resource.name_expression:
            draft = by_expression.get((resource.module, resource.name_expression))
        if draft is not None:
            draft.destinations.append(destination)
            continue
        loose[resource.module] = loose.get(resource.module, False) or not isinstance(set_name, str)
        if not owned(resource):
            continue
        origin = resource.origin_factory(lambda api_path: ("configuration_set_name",))
        # Only a literal name proves two destinations share a set: the same `var.x` or a reference
        # into a counted resource may still name different sets.
        key = join_key(set_name) if isinstance(set_name, str) else f"address:{resource.address}"
        externals.add(key, _name(set_name), origin, destination)
    for module, draft in drafts:
        # A destination joined to no set may still be this set's: when either set name is unknown
        # (a variable, a computed value), the set's routing cannot be judged.
        maybe_more = module in loose and (loose[module] or not isinstance(draft.config_set.name, str))
        if incomplete or maybe_more:
            draft.destinations.append(unresolved_destination(draft.config_set.origin))
    return assemble([draft for _, draft in drafts], externals), findings
