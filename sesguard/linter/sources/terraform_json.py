"""Terraform `.tf.json` files: the JSON configuration syntax, as CDK for Terraform writes it (SPEC §4.3).

The same resources as in a `.tf` file, as `{"resource": {TYPE: {NAME: {...}}}}`. A nested block is
an object, or a list of objects when it repeats (`dynamic` blocks are UNKNOWN); `tags` is an
object attribute. Every string is a template: `"${...}"` is an expression, so a value that
interpolates is UNKNOWN, and a lone reference to a set
(`"${aws_sesv2_configuration_set.main.configuration_set_name}"`, or `.id`) joins a destination to
it; `$${` is a literal `${`. Properties named "//" are comments. The files of a directory, in both
syntaxes, are one module (`terraform_module`).
"""

from __future__ import annotations

import re

from sesguard.linter.located_json import load_json
from sesguard.linter.model import UNKNOWN
from sesguard.linter.sources.terraform_module import load_module_file, set_references
from sesguard.linter.sources.terraform_resources import RESOURCE_TYPES, TerraformOrigin, TerraformResource

_SES_RESOURCE = re.compile(r'"aws_ses(v2)?_\w+"\s*:')
_LONE_REFERENCE = re.compile(r"\$\{\s*([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[[^\]]*\])*)\s*\}")
_MAP_ATTRIBUTES = ("tags", "tags_all")  # objects that are values, not blocks
_COMMENT = "//"


class TerraformJsonSource:
    name = "Terraform JSON configuration"
    kind = "terraform"

    def claims(self, path: str, text: str) -> bool:
        return path.lower().endswith(".tf.json") and bool(_SES_RESOURCE.search(text))

    def load(self, path: str, text: str):
        return load_module_file(path, read_resources(path, text)), []


def read_resources(path: str, text: str) -> list:
    """The SES resources of one `.tf.json` file; raises LoadError when it is not JSON."""
    document = load_json(text)
    resources = []
    for type_, name, body, raw_base in _resource_blocks(document.data):
        if type_ not in RESOURCE_TYPES or not isinstance(body, dict):
            continue
        located = _ResourceDocument(document, raw_base)
        references: list = []
        values = _body(body, (), located, references)
        address = f"{type_}.{name}"
        resources.append(
            TerraformResource(
                type=type_,
                name=name,
                address=address,
                module="",
                values=values,
                origin_factory=_origin_factory(path, located, address),
                set_name_refs=set_references(ref for at, ref in references if at == ("configuration_set_name",)),
                single_instance="count" not in values and "for_each" not in values,
            )
        )
    return resources


def _origin_factory(path, located, address):
    return lambda translate: TerraformOrigin(TerraformJsonSource.kind, path, located, address, (), translate)


def _resource_blocks(data):
    """(type, name, body, JSON path of the body) of every resource; each level may also be a list."""
    for resources, path in _objects(data.get("resource") if isinstance(data, dict) else None, ("resource",)):
        for type_, by_name in resources.items():
            for named, named_path in _objects(by_name, path + (type_,)):
                for name, bodies in named.items():
                    for body, body_path in _objects(bodies, named_path + (name,)):
                        yield type_, name, body, body_path


def _objects(value, path):
    """`value` as (object, JSON path) pairs: an object is one, a list gives its objects."""
    if isinstance(value, dict):
        yield value, path
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield item, path + (index,)


class _ResourceDocument:
    """Locates a resource's paths, where every block is a list (`delivery_options[0]`), in the JSON.

    The JSON may write a lone block as an object: its `[0]` is then not in the text, and is skipped.
    """

    def __init__(self, document, base: tuple) -> None:
        self.document, self.base = document, base
        self.lone_blocks: set = set()  # paths of blocks written as an object

    def locate(self, path) -> tuple[int, int, int]:
        raw, walked = [], ()
        for element in path:
            if not (element == 0 and walked in self.lone_blocks):
                raw.append(element)
            walked += (element,)
        line, column, matched = self.document.locate(self.base + tuple(raw))
        return line, column, max(matched - len(self.base), 0)


def _body(body: dict, path: tuple, located: _ResourceDocument, references: list) -> dict:
    """Attributes and nested blocks of a block body, with blocks as lists of bodies (as in a plan)."""
    values = {}
    for key, value in body.items():
        if key == _COMMENT:
            continue
        if key == "dynamic":  # generated blocks: unknown in number and content
            for generated, _ in _objects(value, ()):
                values.update({label: UNKNOWN for label in generated if label != _COMMENT})
            continue
        if key in _MAP_ATTRIBUTES or not isinstance(value, (dict, list)):
            values[key] = _value(value, path + (key,), references)
        elif isinstance(value, dict):
            located.lone_blocks.add(path + (key,))
            values[key] = [_body(value, path + (key, 0), located, references)]
        elif value and all(isinstance(item, dict) for item in value):
            values[key] = [_body(item, path + (key, index), located, references) for index, item in enumerate(value)]
        else:
            values[key] = _value(value, path + (key,), references)
    return values


def _value(value, attribute: tuple, references: list):
    """An attribute's value, strings evaluated as templates; (attribute path, reference) pairs go to `references`."""
    if isinstance(value, str):
        return _template(value, attribute, references)
    if isinstance(value, list):
        return [_value(item, attribute, references) for item in value]
    if isinstance(value, dict):
        return {key: _value(item, attribute, references) for key, item in value.items() if key != _COMMENT}
    return value


def _template(text: str, attribute: tuple, references: list):
    """A string's literal value, or UNKNOWN when it interpolates (a lone reference is recorded)."""
    lone = _LONE_REFERENCE.fullmatch(text)
    if lone:
        parts = [part for part in re.sub(r"\[[^\]]*\]", "", lone.group(1)).split(".") if part]
        references.append((attribute, parts))
        return UNKNOWN
    unescaped = text.replace("$${", "").replace("%%{", "")
    if "${" in unescaped or "%{" in unescaped:
        return UNKNOWN
    return text.replace("$${", "${").replace("%%{", "%{")
