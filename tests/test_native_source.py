"""The native spec source (SPEC §4.1): which files it claims, the model it builds, its SG002 findings."""

from __future__ import annotations

import json

import pytest

from sesguard.linter.errors import LoadError
from sesguard.linter.model import Location
from sesguard.linter.sources.native import NativeSpecSource
from sesguard.linter.vocabulary import TARGET_BY_KEY

SOURCE = NativeSpecSource()

SPEC = """\
Account: "123456789012"
Region: us-east-1
ConfigurationSets:
  - Name: transactional
    Region: eu-west-1
    DeliveryOptions: {TlsPolicy: REQUIRE, MaxDeliverySeconds: 600}
    ReputationOptions: {ReputationMetricsEnabled: true}
    SendingOptions: {SendingEnabled: true}
    SuppressionOptions: {SuppressedReasons: [BOUNCE, COMPLAINT]}
    TrackingOptions: {CustomRedirectDomain: click.example.com, HttpsPolicy: REQUIRE}
    Tags: [{Key: team, Value: mail}]
    EventDestinations:
      - Name: bounces
        Enabled: true
        MatchingEventTypes: [BOUNCE, COMPLAINT]
        SnsDestination: {TopicArn: "arn:aws:sns:eu-west-1:123456789012:ses-bounces"}
      - Name: archive
        Enabled: false
        MatchingEventTypes: [SEND, renderingFailure]
        KinesisFirehoseDestination:
          IamRoleArn: "arn:aws:iam::123456789012:role/ses-firehose"
          DeliveryStreamArn: "arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses-archive"
    Suppress:
      - {Rule: SES301, Reason: "legacy relay", Expires: 2027-03-31}
  - ConfigurationSetName: marketing
    Account: "210987654321"
    EventDestinations:
      - Name: metrics
        CloudWatchDestination:
          DimensionConfigurations:
            - {DimensionName: campaign, DimensionValueSource: MESSAGE_TAG, DefaultDimensionValue: none}
"""


def as_json(yaml_text: str) -> str:
    from sesguard.linter.located_yaml import load_yaml

    return json.dumps(load_yaml(yaml_text).data, indent=2)


def problems(findings) -> list:
    return sorted((f.rule_id, f.location.line, f.location.column, f.message) for f in findings)


# -- claims -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("spec.yaml", "ConfigurationSets:\n  - Name: a\n"),
        ("spec.yml", "# comment\nAccount: '123456789012'\nConfigurationSets: []\n"),
        ("SPEC.YAML", "ConfigurationSets: []\n"),
        ("spec.json", '{"ConfigurationSets": []}'),
        ("spec.json", '{\n  "Region": "us-east-1",\n  "ConfigurationSets" : []\n}'),
        ("spec.yaml", '"ConfigurationSets": []\n'),
        ("spec.yaml", "'ConfigurationSets': []\n"),
        ("snapshot.yaml", "Region: us-east-1\nConfigurationSets: []\n"),
    ],
)
def test_claims_native_specs(path, text):
    assert SOURCE.claims(path, text) is True


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("spec.txt", "ConfigurationSets: []\n"),  # not a YAML or JSON file name
        ("main.tf", 'resource "aws_sesv2_configuration_set" "x" {}\n'),
        ("nested.yaml", "Spec:\n  ConfigurationSets: []\n"),  # not a top-level key
        ("mentions.yaml", "Description: no ConfigurationSets here\n"),
        (
            "template.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Set:\n    Type: AWS::SES::ConfigurationSet\n"
            "ConfigurationSets: []\n",
        ),
        ("template.json", '{"Resources": {"S": {"Type": "AWS::SES::ConfigurationSet"}}, "ConfigurationSets": []}'),
        ("plan.json", '{"format_version": "1.2", "ConfigurationSets": []}'),
    ],
)
def test_does_not_claim_other_formats(path, text):
    assert SOURCE.claims(path, text) is False


# -- the model ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["spec.yaml", "spec.json"])
def test_load_builds_the_model(path):
    text = SPEC if path.endswith(".yaml") else as_json(SPEC)
    sets, findings = SOURCE.load(path, text)
    assert findings == []
    assert [s.name for s in sets] == ["transactional", "marketing"]
    transactional, marketing = sets

    assert (transactional.account, transactional.region) == ("123456789012", "eu-west-1")  # per-set override
    assert (marketing.account, marketing.region) == ("210987654321", "us-east-1")  # file default
    assert transactional.options == {
        "DeliveryOptions": {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 600},
        "ReputationOptions": {"ReputationMetricsEnabled": True},
        "SendingOptions": {"SendingEnabled": True},
        "SuppressionOptions": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
        "TrackingOptions": {"CustomRedirectDomain": "click.example.com", "HttpsPolicy": "REQUIRE"},
    }
    assert transactional.tags == (("team", "mail"),)
    assert marketing.options == {}
    assert marketing.tags == ()

    bounces, archive = transactional.destinations
    assert (bounces.name, bounces.enabled, bounces.matching_event_types) == ("bounces", True, ("BOUNCE", "COMPLAINT"))
    assert [t.kind for t in bounces.targets] == [TARGET_BY_KEY["sns"]]
    assert bounces.targets[0].fields == {"TopicArn": "arn:aws:sns:eu-west-1:123456789012:ses-bounces"}
    assert (archive.name, archive.enabled, archive.is_enabled) == ("archive", False, False)
    assert archive.matching_event_types == ("SEND", "renderingFailure")  # as written ...
    assert archive.events == frozenset({"SEND", "RENDERING_FAILURE"})  # ... and normalized
    assert archive.target_of("firehose").fields == {
        "IamRoleArn": "arn:aws:iam::123456789012:role/ses-firehose",
        "DeliveryStreamArn": "arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses-archive",
    }

    (metrics,) = marketing.destinations
    assert (metrics.enabled, metrics.is_enabled, metrics.matching_event_types) == (None, False, None)
    assert [t.kind.key for t in metrics.targets] == ["cloudwatch"]


def test_origins_point_into_the_file():
    transactional, marketing = SOURCE.load("specs/ses.yaml", SPEC)[0]
    assert transactional.origin.kind == "spec"
    assert transactional.origin.locate() == Location("specs/ses.yaml", 4, 5, "ConfigurationSets[0]")
    assert transactional.origin.locate(("DeliveryOptions", "TlsPolicy")) == Location(
        "specs/ses.yaml", 6, 23, "ConfigurationSets[0].DeliveryOptions.TlsPolicy"
    )
    archive = transactional.destinations[1]
    assert archive.origin.locate(("KinesisFirehoseDestination", "DeliveryStreamArn")) == Location(
        "specs/ses.yaml",
        22,
        11,
        "ConfigurationSets[0].EventDestinations[1].KinesisFirehoseDestination.DeliveryStreamArn",
    )
    assert archive.origin.locate(("PinpointDestination", "ApplicationArn")) == Location(  # absent: the destination
        "specs/ses.yaml", 17, 9, "ConfigurationSets[0].EventDestinations[1].PinpointDestination.ApplicationArn"
    )
    assert marketing.origin.locate(("TrackingOptions",)).line == 25


def test_json_origins_point_at_keys():
    text = as_json(SPEC)
    transactional = SOURCE.load("spec.json", text)[0][0]
    location = transactional.origin.locate(("DeliveryOptions", "TlsPolicy"))
    line, column = location.line, location.column
    assert text.splitlines()[line - 1][column - 1 :].startswith('"TlsPolicy": "REQUIRE"')


def test_file_defaults_are_optional():
    (only,) = SOURCE.load("spec.yaml", "ConfigurationSets:\n  - Name: bare\n")[0]
    assert (only.name, only.account, only.region, only.options, only.destinations) == ("bare", None, None, {}, ())


# -- SG002 --------------------------------------------------------------------------------------

BROKEN = """\
Account: "123456789012"
ConfigurationSets:
  - Name: first-good
  - Name: 42
    Colour: blue
    Shade: dark
  - Name: tls
    DeliveryOptions: {TlsPolicy: REQUIRED}
  - Region: eu-west-1
  - Name: dest
    EventDestinations:
      - Enabled: "yes"
        SnsDestination: {}
  - ConfigurationSetName: alt
    Name: both
  - Name: last-good
    Region: eu-west-1
"""


def test_schema_problems_are_reported_at_their_own_lines_and_other_sets_still_load():
    sets, findings = SOURCE.load("broken.yaml", BROKEN)
    assert [(s.name, s.region) for s in sets] == [("first-good", None), ("last-good", "eu-west-1")]
    assert {(f.level, f.source_kind, f.location.file) for f in findings} == {("error", "spec", "broken.yaml")}
    assert problems(findings) == [
        ("SG002", 4, 5, "ConfigurationSets[1].Name must be a string, not integer"),
        ("SG002", 5, 5, "unknown field 'Colour' in ConfigurationSets[1]"),
        ("SG002", 6, 5, "unknown field 'Shade' in ConfigurationSets[1]"),
        (
            "SG002",
            8,
            23,
            "ConfigurationSets[2].DeliveryOptions.TlsPolicy is 'REQUIRED'; expected one of REQUIRE, OPTIONAL",
        ),
        ("SG002", 9, 5, "needs exactly one of ConfigurationSetName or Name in ConfigurationSets[3]"),
        ("SG002", 12, 9, "ConfigurationSets[4].EventDestinations[0].Enabled must be a boolean, not string"),
        ("SG002", 12, 9, "missing required field 'Name' in ConfigurationSets[4].EventDestinations[0]"),
        (
            "SG002",
            13,
            9,
            "missing required field 'TopicArn' in ConfigurationSets[4].EventDestinations[0].SnsDestination",
        ),
        ("SG002", 14, 5, "ConfigurationSets[5] has both ConfigurationSetName and Name; give only one"),
    ]


def test_findings_carry_the_logical_path():
    findings = SOURCE.load("broken.yaml", BROKEN)[1]
    assert sorted(f.location.logical_path for f in findings if "Shade" in f.message or "TlsPolicy" in f.message) == [
        "ConfigurationSets[1].Shade",
        "ConfigurationSets[2].DeliveryOptions.TlsPolicy",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Account: 123\nConfigurationSets:\n  - Name: a\n", [(1, 1, "Account must be a string, not integer")]),
        (
            'Region: "EU"\nConfigurationSets:\n  - Name: a\n',
            [(1, 1, "Region is 'EU', which does not match ^[a-z]{2,4}(-[a-z]+)+-[0-9]+$")],
        ),
        ("ConfigurationSets: {Name: a}\n", [(1, 1, "ConfigurationSets must be an array, not object")]),
        ("ConfigurationSets:\n  - Name: a\nExtra: 1\n", [(3, 1, "unknown field 'Extra'")]),
        ("- ConfigurationSets: []\n", [(1, 1, "document must be an object, not array")]),
    ],
)
def test_a_top_level_problem_yields_no_sets(text, expected):
    sets, findings = SOURCE.load("top.yaml", text)
    assert sets == []
    assert [(f.location.line, f.location.column, f.message) for f in findings] == expected


def test_keys_that_are_not_strings_are_schema_problems_not_crashes():
    sets, findings = SOURCE.load("keys.yaml", "ConfigurationSets:\n  - Name: a\n    1: x\n    foo: y\n  - Name: b\n")
    assert [s.name for s in sets] == ["b"]
    assert problems(findings) == [
        ("SG002", 3, 5, "unknown field '1' in ConfigurationSets[0]"),  # located by the value YAML makes of the key
        ("SG002", 4, 5, "unknown field 'foo' in ConfigurationSets[0]"),
    ]


def test_a_set_that_is_not_a_mapping_gets_one_clear_problem():
    sets, findings = SOURCE.load("odd.yaml", "ConfigurationSets:\n  - just-a-name\n  - 5\n  - Name: fine\n")
    assert [s.name for s in sets] == ["fine"]
    assert problems(findings) == [
        ("SG002", 2, 5, "ConfigurationSets[0] must be an object, not string"),
        ("SG002", 3, 5, "ConfigurationSets[1] must be an object, not integer"),
    ]


@pytest.mark.parametrize(
    ("path", "text", "line", "column"),
    [
        ("dup.yaml", "ConfigurationSets:\n  - Name: a\n    Name: b\n", 3, 5),
        ("dup.json", '{"ConfigurationSets": [{"Name": "a", "Name": "b"}]}', 1, 38),
        ("bad.yaml", "ConfigurationSets: [\n", 2, 1),
        ("bad.json", '{"ConfigurationSets": [}', 1, 24),
    ],
)
def test_unparsable_files_raise_load_error(path, text, line, column):
    with pytest.raises(LoadError) as caught:
        SOURCE.load(path, text)
    assert (caught.value.line, caught.value.column) == (line, column)
