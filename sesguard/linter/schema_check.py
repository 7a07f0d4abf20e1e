"""A fast yes/no JSON Schema check for the keywords sesguard's own schemas use.

`jsonschema` is the reference: it explains every problem with its path. But importing it costs more
than the rest of a pre-commit run, and validating a 10,000-set spec value by value costs 30x the
parse. Almost every file is valid, so this module compiles a schema once into plain closures that
answer "valid or not" at near-parse speed; only an invalid document goes to `jsonschema` for the
messages. A schema using a keyword not listed in `_COMPILERS` cannot be compiled (`Unsupported`),
and callers then always use `jsonschema`: this check may only ever be stricter-or-equal, never laxer.
"""

from __future__ import annotations

import re

_ANNOTATIONS = {"$schema", "$id", "title", "description", "$defs", "$comment", "examples", "default"}


class Unsupported(Exception):
    """The schema uses a keyword this checker does not implement."""


def compile_schema(schema: dict, wildcard=None):
    """A function `check(instance) -> bool` equivalent to validating against `schema`.

    `wildcard`, when given, is a value valid wherever it appears (sesguard's UNKNOWN).
    """
    definitions = {}

    def resolve(reference: str):
        if not reference.startswith("#/$defs/"):
            raise Unsupported(reference)
        name = reference[len("#/$defs/") :]
        if name not in definitions:
            definitions[name] = None  # placeholder: recursive references resolve lazily
            definitions[name] = build(schema["$defs"][name])
        target = definitions[name]
        return target if target is not None else (lambda value: definitions[name](value))

    def build(node):
        if node is True or node == {}:
            return lambda value: True
        if node is False:
            return lambda value: False
        checks = []
        for keyword, argument in node.items():
            if keyword in _ANNOTATIONS:
                continue
            compiler = _COMPILERS.get(keyword)
            if compiler is None:
                raise Unsupported(keyword)
            checks.append(compiler(argument, node, build, resolve))
        checks = [check for check in checks if check is not None]
        if len(checks) == 1:
            combined = checks[0]
        else:

            def combined(value):
                return all(check(value) for check in checks)

        return combined if wildcard is None else (lambda value: value is wildcard or combined(value))

    return build(schema)


def _is_integer(value) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, float) and value.is_integer())


_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": _is_integer,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "null": lambda v: v is None,
}


def _type(argument, node, build, resolve):
    names = [argument] if isinstance(argument, str) else list(argument)
    tests = [_TYPES[name] for name in names]
    return tests[0] if len(tests) == 1 else (lambda value: any(test(value) for test in tests))


def _properties(argument, node, build, resolve):
    compiled = {name: build(sub) for name, sub in argument.items()}
    extra = node.get("additionalProperties", True)
    extra_check = None if extra is True else build(extra)

    def check(value):
        if not isinstance(value, dict):
            return True
        for key, item in value.items():
            sub = compiled.get(key)
            if sub is not None:
                if not sub(item):
                    return False
            elif extra_check is not None and not extra_check(item):
                return False
        return True

    return check


def _additional_properties(argument, node, build, resolve):
    if "properties" in node:
        return None  # handled together with `properties`
    extra_check = build(argument)
    return lambda value: not isinstance(value, dict) or all(extra_check(item) for item in value.values())


def _required(argument, node, build, resolve):
    names = tuple(argument)
    return lambda value: not isinstance(value, dict) or all(name in value for name in names)


def _enum(argument, node, build, resolve):
    if not all(isinstance(choice, str) for choice in argument):
        raise Unsupported("enum of non-strings")
    choices = frozenset(argument)
    return lambda value: isinstance(value, str) and value in choices


def _pattern(argument, node, build, resolve):
    search = re.compile(argument).search
    return lambda value: not isinstance(value, str) or search(value) is not None


def _items(argument, node, build, resolve):
    item_check = build(argument)
    return lambda value: not isinstance(value, list) or all(item_check(item) for item in value)


def _ref(argument, node, build, resolve):
    return resolve(argument)


def _one_of(argument, node, build, resolve):
    options = [build(sub) for sub in argument]
    return lambda value: sum(1 for option in options if option(value)) == 1


def _any_of(argument, node, build, resolve):
    options = [build(sub) for sub in argument]
    return lambda value: any(option(value) for option in options)


def _bound(compare):
    def compiler(argument, node, build, resolve):
        return lambda value: not _TYPES["number"](value) or compare(value, argument)

    return compiler


def _length(measure, applies):
    def compiler(argument, node, build, resolve):
        return lambda value: not applies(value) or measure(value) >= argument

    return compiler


def _property_names(argument, node, build, resolve):
    name_check = build(argument)
    return lambda value: not isinstance(value, dict) or all(name_check(key) for key in value)


_COMPILERS = {
    "type": _type,
    "properties": _properties,
    "additionalProperties": _additional_properties,
    "required": _required,
    "enum": _enum,
    "pattern": _pattern,
    "items": _items,
    "$ref": _ref,
    "oneOf": _one_of,
    "anyOf": _any_of,
    "minimum": _bound(lambda value, limit: value >= limit),
    "maximum": _bound(lambda value, limit: value <= limit),
    "exclusiveMinimum": _bound(lambda value, limit: value > limit),
    "minLength": _length(len, lambda value: isinstance(value, str)),
    "minItems": _length(len, lambda value: isinstance(value, list)),
    "minProperties": _length(len, lambda value: isinstance(value, dict)),
    "propertyNames": _property_names,
}
