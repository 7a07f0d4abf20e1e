"""JSON Schema validation with one short, located message per problem (SG002)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import NamedTuple

from sesguard.linter.origins import format_path

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


class SchemaProblem(NamedTuple):
    path: tuple  # where to report it
    message: str


@functools.cache
def load_schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


@functools.cache
def _validator(name: str, wildcard=None):
    import jsonschema  # costly import: only when something is validated

    schema = load_schema(name)
    validator_class = jsonschema.validators.validator_for(schema)
    if wildcard is not None:
        keywords = {keyword: _passing(check, wildcard) for keyword, check in validator_class.VALIDATORS.items()}
        validator_class = jsonschema.validators.extend(validator_class, keywords)
    return validator_class(schema)


def _passing(check, wildcard):
    """A jsonschema keyword check that lets `wildcard` through."""

    def keyword(validator, argument, instance, schema):
        return () if instance is wildcard else check(validator, argument, instance, schema)

    return keyword


@functools.cache
def _fast_check(name: str, wildcard=None):
    """A compiled yes/no check (see schema_check), or None if the schema needs full jsonschema."""
    from sesguard.linter.schema_check import Unsupported, compile_schema

    try:
        return compile_schema(load_schema(name), wildcard)
    except Unsupported:
        return None


def schema_problems(name: str, instance, wildcard=None) -> list[SchemaProblem]:
    """Every way `instance` breaks schema `name`, sorted by path; `wildcard` (UNKNOWN) is valid anywhere.

    Valid documents (nearly all) are confirmed by the fast check alone; jsonschema, slower to import
    and to run, only explains the invalid ones.
    """
    fast = _fast_check(name, wildcard)
    if fast is not None and fast(instance):
        return []
    return _sorted_problems(_validator(name, wildcard), instance)


def validate_value(schema: dict, instance) -> list[SchemaProblem]:
    """Validate against an ad-hoc schema (a rule's parameter schema)."""
    import jsonschema

    return _sorted_problems(jsonschema.validators.validator_for(schema)(schema), instance)


def _sorted_problems(validator, instance) -> list[SchemaProblem]:
    problems = set()
    for error in validator.iter_errors(instance):
        if error.validator == "additionalProperties":  # one error for all unknown fields: one problem each
            problems.update(_unknown_fields(error))
        else:
            problems.add(_describe(error))
    problems.discard(None)
    return sorted(problems, key=lambda p: (tuple(map(str, p.path)), p.message))


def _unknown_fields(error) -> list[SchemaProblem]:
    path = tuple(error.absolute_path)
    known = error.schema.get("properties", {})
    extra = sorted((name for name in error.instance if name not in known), key=str)  # YAML keys need not be str
    return [SchemaProblem(path + (name,), f"unknown field '{name}'{_at(format_path(path))}") for name in extra]


def _describe(error) -> SchemaProblem | None:
    path = tuple(error.absolute_path)
    where = format_path(path)
    kind = error.validator
    if kind == "required":
        return SchemaProblem(path, f"missing required field '{_missing(error)}'{_at(where)}")
    if kind in ("oneOf", "anyOf") and error.context and all(c.validator == "required" for c in error.context):
        options = " or ".join(sorted({c.validator_value[0] for c in error.context}))
        return SchemaProblem(path, f"needs exactly one of {options}{_at(where)}")
    if kind == "oneOf" and not error.context and all(set(option) == {"required"} for option in error.validator_value):
        if not isinstance(error.instance, dict):  # `required` holds for any non-object: its type error says it
            return None
        names = {option["required"][0] for option in error.validator_value}
        present = " and ".join(sorted(names & set(error.instance)))
        return SchemaProblem(path, f"{where or 'document'} has both {present}; give only one")
    if kind == "type":
        names = [error.validator_value] if isinstance(error.validator_value, str) else list(error.validator_value)
        expected = " or ".join(filter(None, (", ".join(names[:-1]), names[-1])))  # "string, number or boolean"
        return SchemaProblem(
            path, f"{where or 'document'} must be {_article(expected)}, not {json_type(error.instance)}"
        )
    if kind == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return SchemaProblem(path, f"{where} is {error.instance!r}; expected one of {allowed}")
    if kind == "pattern":
        return SchemaProblem(path, f"{where} is {error.instance!r}, which does not match {error.validator_value}")
    message = error.message if len(error.message) <= 160 else error.message[:157] + "..."
    return SchemaProblem(path, f"{where}: {message}" if where else message)


def _missing(error) -> str:
    return next((name for name in error.validator_value if name not in error.instance), "?")


def _at(where: str) -> str:
    return f" in {where}" if where else ""


def _article(expected: str) -> str:
    return f"an {expected}" if expected[0] in "aeiou" else f"a {expected}"


def json_type(value) -> str:
    """A parsed value's JSON type, as messages name it: string, integer, number, boolean, array, object, null."""
    return _JSON_TYPES.get(type(value), type(value).__name__)
