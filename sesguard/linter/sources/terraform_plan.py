"""Terraform plan and state JSON, as written by `terraform show -json` (SPEC §4.3).

A plan lists the resources it would leave in `planned_values` (root module and `child_modules`,
recursively); a value only known after apply is left out there and marked `true` in the matching
`resource_changes[].change.after_unknown`, and becomes UNKNOWN here. A state file has the same
module tree under `values`. Findings point at the lines of the values inside the JSON file.

A destination joins its set by the `configuration_set_name` value; when that is unknown at plan
time, by the references recorded in the plan's `configuration` section.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from sesguard.linter.located_json import load_json
from sesguard.linter.model import UNKNOWN
from sesguard.linter.sources.terraform_resources import (
    RESOURCE_TYPES,
    TerraformResource,
    build_model,
    origin_factory,
)

_FORMAT_VERSION = re.compile(r'"format_version"\s*:')
_MODULE_VALUES = re.compile(r'"(planned_values|values)"\s*:')
_INSTANCE_KEY = re.compile(r"\[[^\]]*\]")


class TerraformPlanSource:
    name = "Terraform plan/state JSON"
    kind = "terraform"

    def claims(self, path: str, text: str) -> bool:
        if PurePath(path).suffix.lower() != ".json":
            return False
        return bool(_FORMAT_VERSION.search(text) and _MODULE_VALUES.search(text))

    def load(self, path: str, text: str):
        document = load_json(text)
        data = document.data if isinstance(document.data, dict) else {}
        top = "planned_values" if isinstance(data.get("planned_values"), dict) else "values"
        root_module = (data.get(top) or {}).get("root_module") if isinstance(data.get(top), dict) else None
        unknowns = _after_unknown(data.get("resource_changes"))
        references = _set_name_references(data.get("configuration"))
        resources = []
        for module, resource, json_path in _walk(root_module, (top, "root_module")):
            if resource.get("mode", "managed") != "managed" or resource.get("type") not in RESOURCE_TYPES:
                continue
            values = resource.get("values")
            if not isinstance(values, dict):
                continue
            address = str(resource.get("address", f"{resource['type']}.{resource.get('name')}"))
            module_address = module if isinstance(module, str) else ""
            config_key = (_INSTANCE_KEY.sub("", module_address), f"{resource['type']}.{resource.get('name')}")
            resources.append(
                TerraformResource(
                    type=resource["type"],
                    name=str(resource.get("name")),
                    address=address,
                    module=module_address,
                    values=_with_unknowns(values, unknowns.get(address)),
                    origin_factory=origin_factory(self.kind, path, document, address, json_path + ("values",)),
                    set_name_refs=references.get(config_key, ()),
                    single_instance="index" not in resource,
                )
            )
        return build_model(resources)


def _walk(module, json_path):
    """(module address, resource, JSON path of the resource) for every resource in the module tree."""
    if not isinstance(module, dict):
        return
    for index, resource in enumerate(_list(module.get("resources"))):
        if isinstance(resource, dict):
            yield module.get("address", ""), resource, json_path + ("resources", index)
    for index, child in enumerate(_list(module.get("child_modules"))):
        yield from _walk(child, json_path + ("child_modules", index))


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _after_unknown(changes) -> dict:
    found = {}
    for change in changes if isinstance(changes, list) else ():
        if (
            isinstance(change, dict)
            and isinstance(change.get("change"), dict)
            and isinstance(change.get("address"), str)
        ):
            found[change["address"]] = change["change"].get("after_unknown")
    return found


def _with_unknowns(values, unknown):
    """`values` with UNKNOWN wherever the `after_unknown` mirror says `true` (also for absent keys)."""
    if unknown is True:
        return UNKNOWN
    if isinstance(values, dict):
        mask = unknown if isinstance(unknown, dict) else {}
        merged = {key: _with_unknowns(value, mask.get(key)) for key, value in values.items()}
        for key, flag in mask.items():
            if key not in merged and flag is True:
                merged[key] = UNKNOWN
        return merged
    if isinstance(values, list):
        mask = unknown if isinstance(unknown, list) else []
        return [_with_unknowns(value, mask[i] if i < len(mask) else None) for i, value in enumerate(values)]
    if values is None and isinstance(unknown, (dict, list)):
        return _with_unknowns({} if isinstance(unknown, dict) else [None] * len(unknown), unknown)
    return values


def _set_name_references(configuration) -> dict:
    """(module path without instance keys, "TYPE.NAME") -> resources its configuration_set_name refers to."""
    found = {}

    def visit(module, prefix):
        if not isinstance(module, dict):
            return
        for resource in _list(module.get("resources")):
            if not isinstance(resource, dict):
                continue
            expression = _dict(resource.get("expressions")).get("configuration_set_name")
            refs = expression.get("references") if isinstance(expression, dict) else None
            if isinstance(refs, list):
                key = (prefix, f"{resource.get('type')}.{resource.get('name')}")
                found[key] = tuple(dict.fromkeys(_resource_part(ref) for ref in refs if isinstance(ref, str)))
        for name, call in _dict(module.get("module_calls")).items():
            if isinstance(call, dict):
                child_prefix = f"{prefix}.module.{name}" if prefix else f"module.{name}"
                visit(call.get("module"), child_prefix)

    if isinstance(configuration, dict):
        visit(configuration.get("root_module"), "")
    return found


def _resource_part(reference: str) -> str:
    """`aws_sesv2_configuration_set.main.configuration_set_name` -> `aws_sesv2_configuration_set.main`."""
    return ".".join(_INSTANCE_KEY.sub("", reference).split(".")[:2])
