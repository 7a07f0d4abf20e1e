"""The fast schema check must agree with jsonschema on validity, for every schema sesguard ships."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from sesguard.linter import validation
from sesguard.linter.model import UNKNOWN
from sesguard.linter.schema_check import Unsupported, compile_schema
from sesguard.linter.validation import load_schema

REPO = Path(__file__).resolve().parent.parent
REPLACEMENTS = [
    None,
    0,
    1,
    300,
    1.5,
    True,
    False,
    "",
    "x",
    "REQUIRE",
    "BOUNCE",
    "123456789012",
    [],
    ["BOUNCE"],
    {},
    {"Name": "n"},
]


def mutations(document):
    """The document with each value replaced, each mapping key deleted, and an unknown key added."""

    def walk(node, path):
        yield path, node
        if isinstance(node, dict):
            for key, value in node.items():
                yield from walk(value, path + (key,))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, path + (index,))

    for path, node in list(walk(document, ())):
        for replacement in REPLACEMENTS:
            yield _replaced(document, path, replacement)
        if path and isinstance(path[-1], str):
            yield _replaced(document, path, _DELETE)
        if isinstance(node, dict):
            yield _replaced(document, path + ("Unexpected",), "x")


_DELETE = object()


def _replaced(document, path, value):
    if not path:
        return copy.deepcopy(value)
    result = copy.deepcopy(document)
    parent = result
    for element in path[:-1]:
        parent = parent[element]
    if value is _DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return result


def spec_documents():
    documents = [yaml.safe_load((REPO / "examples" / name).read_text()) for name in ("clean.yaml", "bad.yaml")]
    for fixture in sorted((REPO / "tests" / "rules").glob("*/*.yaml")):
        documents.append(yaml.load(fixture.read_text(), Loader=yaml.SafeLoader))
    return documents


def test_spec_schema_is_compilable():
    compile_schema(load_schema("spec"))  # raises Unsupported if a keyword is not implemented


def test_spec_schema_agrees_with_jsonschema_on_mutations():
    schema = load_schema("spec")
    fast = compile_schema(schema)
    reference = jsonschema.Draft202012Validator(schema)
    compared = disagreements = 0
    base = yaml.safe_load((REPO / "examples" / "clean.yaml").read_text())
    for document in [*spec_documents(), *mutations(base)]:
        document = json.loads(json.dumps(document, default=str))  # as YAML/JSON sources produce it
        compared += 1
        if fast(document) != reference.is_valid(document):
            disagreements += 1
            pytest.fail(f"fast={fast(document)} jsonschema={reference.is_valid(document)} for {document!r}")
    assert compared > 500 and disagreements == 0
    assert not all(fast(d) for d in mutations(base)), "the mutations must include invalid documents"


def test_config_schema_agrees_with_jsonschema():
    schema = load_schema("config")
    fast = compile_schema(schema)
    reference = jsonschema.Draft202012Validator(schema)
    base = {
        "select": ["SES"],
        "ignore": ["SES204"],
        "fail-on": "error",
        "limits": {"max-file-size": 1000, "max-depth": 20, "max-alias-nodes": 0, "timeout": 2.5},
        "rules": {"SES201": {"events": ["BOUNCE"], "level": "error"}},
        "policies": [{"id": "ORG001", "summary": "s", "require": {"events": ["OPEN"], "target": "firehose"}}],
    }
    documents = list(mutations(base))
    assert any(not reference.is_valid(d) for d in documents) and any(reference.is_valid(d) for d in documents)
    for document in documents:
        assert fast(document) == reference.is_valid(document), document


CLOUDFORMATION_PROPERTIES = {
    "cloudformation-configuration-set": {
        "Name": "mail",
        "DeliveryOptions": {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 600, "SendingPoolName": "p"},
        "ReputationOptions": {"ReputationMetricsEnabled": True},
        "SuppressionOptions": {"SuppressedReasons": ["BOUNCE"], "ValidationOptions": {"ConditionThreshold": {}}},
        "Tags": [{"Key": "team", "Value": "mail"}],
        "VdmOptions": {"DashboardOptions": {"EngagementMetrics": "ENABLED"}},
    },
    "cloudformation-event-destination": {
        "ConfigurationSetName": "mail",
        "EventDestination": {
            "Enabled": True,
            "MatchingEventTypes": ["BOUNCE"],
            "CloudWatchDestination": {"DimensionConfigurations": [{"DimensionName": "d"}]},
        },
    },
}


@pytest.mark.parametrize("name", sorted(CLOUDFORMATION_PROPERTIES))
def test_cloudformation_schemas_agree_with_jsonschema_and_let_unknown_through(name):
    """An intrinsic function (UNKNOWN) is valid wherever it stands, in the fast check and in jsonschema alike."""
    fast, reference = validation._fast_check(name, UNKNOWN), validation._validator(name, UNKNOWN)
    assert fast is not None
    documents = list(mutations(CLOUDFORMATION_PROPERTIES[name]))
    with_unknown = [_replaced(d, path, UNKNOWN) for d in documents[:: len(documents) // 40] for path in _paths(d)]
    assert any(not reference.is_valid(d) for d in documents) and any(reference.is_valid(d) for d in documents)
    assert all(reference.is_valid(d) for d in [_replaced(d, (), UNKNOWN) for d in documents[:3]])
    for document in documents + with_unknown:
        assert fast(document) == reference.is_valid(document), document


def _paths(document, path=()):
    yield path
    children = (
        document.items() if isinstance(document, dict) else enumerate(document) if isinstance(document, list) else ()
    )
    for key, child in children:
        yield from _paths(child, path + (key,))


@pytest.mark.parametrize(
    "schema",
    [{"patternProperties": {"a": {}}}, {"$ref": "https://example.com/x"}, {"enum": [1, 2]}, {"uniqueItems": True}],
)
def test_unknown_keywords_are_refused_not_ignored(schema):
    with pytest.raises(Unsupported):
        compile_schema(schema)


@pytest.mark.parametrize(
    ("schema", "valid", "invalid"),
    [
        ({"type": "integer"}, [1, 2.0], [True, 1.5, "1"]),
        ({"type": "number", "minimum": 300}, [300, 301.5], [299, 299.9]),
        ({"type": "number", "exclusiveMinimum": 0}, [0.001, 30], [0, -1, 0.0]),
        ({"type": "integer", "maximum": 1000}, [1000, 3], [1001, 1000.5]),
        ({"type": "boolean"}, [True, False], [0, 1, "true"]),
        ({"type": "string", "pattern": "^[0-9]{12}$"}, ["123456789012"], ["12345678901", "x123456789012"]),
        ({"oneOf": [{"required": ["a"]}, {"required": ["b"]}]}, [{"a": 1}, {"b": 1}], [{}, {"a": 1, "b": 2}]),
        ({"type": "array", "minItems": 1, "items": {"enum": ["A"]}}, [["A"], ["A", "A"]], [[], ["B"]]),
    ],
)
def test_keyword_semantics_match_jsonschema(schema, valid, invalid):
    fast = compile_schema(schema)
    reference = jsonschema.Draft202012Validator(schema)
    for value in valid:
        assert fast(value) and reference.is_valid(value), value
    for value in invalid:
        assert not fast(value) and not reference.is_valid(value), value
