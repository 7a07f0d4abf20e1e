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

from sesguard.linter.errors import LoadError
from sesguard.linter.located_json import load_json
from sesguard.linter.model import UNKNOWN
from sesguard.linter.origins import format_path
from sesguard.linter.sources.terraform_module import configuration_resource, load_module_file
from sesguard.linter.sources.terraform_resources import RESOURCE_TYPES

_RESOURCE_KEY = re.compile(r'"resource"\s*:')
_SES_RESOURCE = re.compile(r'"aws_ses(v2)?_\w+"\s*:')
_LONE_REFERENCE = re.compile(r"\$\{\s*([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[[^\]]*\])*)\s*\}")
_MAP_ATTRIBUTES = ("tags", "tags_all")  # objects that are values, not blocks
_COMMENT = "//"  # a comment in a block body (only there: in a map it is a key like any other)


class TerraformJsonSource:
    name = "Terraform JSON configuration"
    kind = "terraform"

    def claims(self, path: str, text: str) -> bool:
        if not path.lower().endswith(".tf.json"):
            return False
        return bool(_RESOURCE_KEY.search(text) and _SES_RESOURCE.search(text))

    def load(self, path: str, text: str):
        return load_module_file(path, read_resources(path, text))


def read_resources(path: str, text: str) -> list:
    """The SES resources of one `.tf.json` file; raises LoadError when it is not JSON, or not Terraform's."""
    document = load_json(text)
    resources = []
    for type_, name, body, raw_base in _resource_blocks(document):
        located = _ResourceDocument(document, raw_base)
        references: list = []
        values = _body(body, (), located, references)
        by_attribute: dict = {}
        for (attribute, *inner), reference in references:
            if not inner:  # the resource's own attributes, not those of its blocks
                by_attribute.setdefault(attribute, []).append(reference)
        resources.append(
            configuration_resource(TerraformJsonSource, path, located, type_, name, (), values, by_attribute)
        )
    return resources


def _resource_blocks(document):
    """(type, name, body, JSON path of the body) of every SES resource; each level may also be a list."""
    data = document.data
    if not isinstance(data, dict):
        raise _not_terraform(document, (), "the file must be an object")
    for resources, path in _objects(document, data.get("resource") or {}, ("resource",)):
        for type_, by_name in resources.items():
            if type_ not in RESOURCE_TYPES:
                continue
            for named, named_path in _objects(document, by_name, path + (type_,)):
                for name, bodies in named.items():
                    for body, body_path in _objects(document, bodies, named_path + (name,)):
                        yield type_, name, body, body_path


def _objects(document, value, path):
    """`value` as (object, JSON path) pairs: an object is one, a list gives its objects."""
    if isinstance(value, dict):
        yield value, path
        return
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            where = path + (index,) if isinstance(value, list) else path
            raise _not_terraform(document, where, f"{format_path(path)} must be an object or a list of objects")
        yield item, path + (index,)


def _not_terraform(document, path, problem: str) -> LoadError:
    line, column, _ = document.locate(path)
    return LoadError(f"invalid Terraform JSON: {problem}", line, column)


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
    values, generated = {}, set()
    for key, value in body.items():
        if key == _COMMENT:
            continue
        if key == "dynamic":  # generated blocks: unknown in number and content, whatever else is written
            for blocks in value if isinstance(value, list) else [value]:
                if isinstance(blocks, dict):
                    generated.update(label for label in blocks if label != _COMMENT)
        elif key in _MAP_ATTRIBUTES or not isinstance(value, (dict, list)):
            values[key] = _value(value, path + (key,), references)
        elif isinstance(value, dict):
            located.lone_blocks.add(path + (key,))
            values[key] = [_body(value, path + (key, 0), located, references)]
        elif value and all(isinstance(item, dict) for item in value):
            values[key] = [_body(item, path + (key, index), located, references) for index, item in enumerate(value)]
        else:
            values[key] = _value(value, path + (key,), references)
    return {**values, **dict.fromkeys(generated, UNKNOWN)}


def _value(value, attribute: tuple, references: list):
    """An attribute's value, strings evaluated as templates; (attribute path, reference) pairs go to `references`."""
    if isinstance(value, str):
        return _template(value, attribute, references)
    if isinstance(value, list):
        return [_value(item, attribute, references) for item in value]
    if isinstance(value, dict):
        return {key: _value(item, attribute, references) for key, item in value.items()}
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
