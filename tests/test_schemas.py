"""The shipped JSON Schemas: valid schemas, honest to botocore's sesv2 model, satisfied by the examples.

botocore's service model is the SES API's own description; comparing against it is what keeps the
spec schema from drifting (a new event type, a renamed field) without anyone noticing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import botocore
import botocore.session
import jsonschema
import pytest

from sesguard.linter.located_yaml import load_yaml
from sesguard.linter.validation import SCHEMA_DIR, load_schema, schema_problems
from sesguard.linter.vocabulary import EVENT_TYPES, OPTION_BLOCKS, TARGET_KINDS

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))
SPEC = load_schema("spec")
DEFS = SPEC["$defs"]
SET_PROPERTIES = DEFS["ConfigurationSet"]["properties"]
DESTINATION_PROPERTIES = DEFS["EventDestination"]["properties"]


@pytest.fixture(scope="module")
def sesv2():
    return botocore.session.get_session().get_service_model("sesv2")


# Fields and enums of the SES API newer than some botocore releases a user may have (here: added in
# botocore 1.44). The schema accepts them so pasted `aws sesv2` output validates whatever the CLI's
# age; with an older botocore they are the only fields the schema may have beyond the model's.
NEWER_FIELDS = {
    "DeliveryOptions": {"SharedPoolDeliveryMode"},
    "SuppressionOptions": {"SuppressionScope"},
    "GetConfigurationSetResponse": {"MessageSecurityOptions"},
}
NEWER_ENUMS = {"SharedPoolDeliveryMode", "SuppressionListScope"}


# -- (a) enums and fields equal botocore's sesv2 model -------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["EventType", "TlsPolicy", "HttpsPolicy", "SuppressionListReason", "DimensionValueSource", *sorted(NEWER_ENUMS)],
)
def test_schema_enum_equals_botocore(sesv2, name):
    if name in NEWER_ENUMS and name not in sesv2.shape_names:
        pytest.skip(f"botocore {botocore.__version__} predates the {name} enum")
    assert DEFS[name]["enum"] == sesv2.shape_for(name).enum


def test_vocabulary_event_types_equal_botocore(sesv2):
    assert list(EVENT_TYPES) == sesv2.shape_for("EventType").enum


def test_enums_are_referenced_where_the_api_uses_them():
    assert SET_PROPERTIES["DeliveryOptions"]["properties"]["TlsPolicy"] == {"$ref": "#/$defs/TlsPolicy"}
    assert SET_PROPERTIES["TrackingOptions"]["properties"]["HttpsPolicy"] == {"$ref": "#/$defs/HttpsPolicy"}
    assert SET_PROPERTIES["SuppressionOptions"]["properties"]["SuppressedReasons"]["items"] == {
        "$ref": "#/$defs/SuppressionListReason"
    }
    dimension = DESTINATION_PROPERTIES["CloudWatchDestination"]["properties"]["DimensionConfigurations"]["items"]
    assert dimension["properties"]["DimensionValueSource"] == {"$ref": "#/$defs/DimensionValueSource"}


def _block_schema(block: str) -> dict:
    if block in SET_PROPERTIES:
        return SET_PROPERTIES[block]
    if block == "Tag":
        return SET_PROPERTIES["Tags"]["items"]
    if block == "CloudWatchDimensionConfiguration":
        return DESTINATION_PROPERTIES["CloudWatchDestination"]["properties"]["DimensionConfigurations"]["items"]
    return DESTINATION_PROPERTIES[block]


@pytest.mark.parametrize(
    "block",
    [
        "DeliveryOptions",
        "ReputationOptions",
        "SendingOptions",
        "SuppressionOptions",
        "TrackingOptions",
        "ArchivingOptions",
        "Tag",
        "SnsDestination",
        "KinesisFirehoseDestination",
        "CloudWatchDestination",
        "CloudWatchDimensionConfiguration",
        "EventBridgeDestination",
        "PinpointDestination",
    ],
)
def test_blocks_have_exactly_the_api_fields(sesv2, block):
    shape = sesv2.shape_for(block)
    schema = _block_schema(block)
    assert schema["additionalProperties"] is False
    assert set(shape.members) <= set(schema["properties"]), "botocore knows fields the schema would reject"
    assert set(schema["properties"]) - set(shape.members) <= NEWER_FIELDS.get(block, set())
    assert sorted(schema.get("required", [])) == sorted(shape.required_members)


def test_configuration_set_fields_are_the_api_response_plus_our_own(sesv2):
    api = set(sesv2.shape_for("GetConfigurationSetResponse").members)
    newer = NEWER_FIELDS["GetConfigurationSetResponse"] - api
    assert set(SET_PROPERTIES) - api - newer == {"Name", "Account", "Region", "EventDestinations", "Suppress"}
    assert api - set(SET_PROPERTIES) == set()
    assert set(OPTION_BLOCKS) - newer == api - {"ConfigurationSetName", "Tags"}  # the source keeps every block


def test_destination_fields_are_the_api_ones_plus_suppress(sesv2):
    api = set(sesv2.shape_for("EventDestination").members)
    assert set(DESTINATION_PROPERTIES) == api | {"Suppress"}
    assert {kind.block for kind in TARGET_KINDS} == api - {"Name", "Enabled", "MatchingEventTypes"}


def test_max_delivery_seconds_bounds_equal_botocore(sesv2):
    bounds = sesv2.shape_for("DeliveryOptions").members["MaxDeliverySeconds"].metadata
    schema = SET_PROPERTIES["DeliveryOptions"]["properties"]["MaxDeliverySeconds"]
    assert (schema["minimum"], schema["maximum"]) == (bounds["min"], bounds["max"])


def test_config_policy_targets_are_the_target_kinds():
    policy = load_schema("config")["properties"]["policies"]["items"]["properties"]
    keys = [kind.key for kind in TARGET_KINDS]
    assert policy["require"]["properties"]["target"]["enum"] == keys
    assert policy["forbid"]["properties"]["target"]["enum"] == keys


def _botocore_regions():
    data = json.loads((Path(botocore.__file__).parent / "data" / "partitions.json").read_text(encoding="utf-8"))
    regions = sorted(
        region
        for partition in data["partitions"]
        for region in partition["regions"]
        if re.match(partition["regionRegex"], region)
    )
    return regions


@pytest.mark.parametrize("region", _botocore_regions())
def test_every_botocore_region_is_a_valid_spec_region(region):
    assert schema_problems("spec", {"Region": region, "ConfigurationSets": []}) == []


# -- (b) the schemas are valid JSON Schemas ------------------------------------------------------


SCHEMAS = ["spec", "config", "cloudformation-configuration-set", "cloudformation-event-destination"]


@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_is_a_valid_json_schema(name):
    schema = load_schema(name)
    validator = jsonschema.validators.validator_for(schema)
    assert validator is jsonschema.Draft202012Validator
    validator.check_schema(schema)


def test_every_shipped_schema_is_checked():
    assert sorted(path.name for path in SCHEMA_DIR.glob("*.json")) == sorted(f"{name}.schema.json" for name in SCHEMAS)


def test_every_ref_resolves():
    refs = re.findall(r'"\$ref": "#/\$defs/([A-Za-z]+)"', (SCHEMA_DIR / "spec.schema.json").read_text("utf-8"))
    assert refs and set(refs) <= set(DEFS)


# -- (c) the examples validate -------------------------------------------------------------------


def test_there_are_examples():
    assert {"bad.yaml", "clean.yaml"} <= {path.name for path in EXAMPLES}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_is_a_valid_spec(path):
    data = load_yaml(path.read_text(encoding="utf-8")).data
    assert schema_problems("spec", data) == []
    jsonschema.Draft202012Validator(SPEC).validate(data)


def test_the_schema_does_reject_things():
    """Guard against a schema that accepts everything (and so makes the tests above pass vacuously)."""
    assert [p.message for p in schema_problems("spec", {"ConfigurationSets": [{"Name": "a", "Bogus": 1}]})] == [
        "unknown field 'Bogus' in ConfigurationSets[0]"
    ]


# -- (d) the CloudFormation schemas type every property CloudFormation documents ----------------------

CLOUDFORMATION_SCHEMAS = {
    "AWS::SES::ConfigurationSet": "cloudformation-configuration-set",
    "AWS::SES::ConfigurationSetEventDestination": "cloudformation-event-destination",
}


def shape(node, schema, path=()):
    """{property path: its JSON type} for every property below `node` (an integer is a number)."""
    reference = node.get("$ref", "")
    if reference:
        node = schema[reference.split("/")[1]][reference.split("/")[2]]
    kinds = node.get("type", "object")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    found = {path: "number" if kinds[0] == "integer" else kinds[0]} if path else {}
    for name, child in node.get("properties", {}).items():
        found.update(shape(child, schema, (*path, name)))
    if "items" in node:
        found.update(shape(node["items"], schema, (*path, "[]")))
    return found


@pytest.mark.parametrize("resource_type", sorted(CLOUDFORMATION_SCHEMAS))
def test_cloudformation_schema_types_every_property_cfn_lint_knows(resource_type):
    """cfn-lint ships CloudFormation's own resource schemas: a property it knows that ours does not type goes
    unchecked, and one typed differently is a false SG002."""
    providers = pytest.importorskip("cfnlint.schema", reason="cfn-lint is not installed; it carries the reference")
    reference = providers.PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
    ours = load_schema(CLOUDFORMATION_SCHEMAS[resource_type])
    read_only = {tuple(pointer.split("/")[2:]) for pointer in reference.get("readOnlyProperties", ())}  # `Id`
    theirs = {path: kind for path, kind in shape(reference, reference).items() if path[:1] not in read_only}
    assert theirs and {path: ours_kind for path, ours_kind in shape(ours, ours).items() if path in theirs} == theirs
