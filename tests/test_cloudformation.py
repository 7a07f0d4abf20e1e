"""The CloudFormation source: short-form tags, joining destinations to sets, casing, unknowns."""

from __future__ import annotations

import json
import os
import textwrap

import pytest

from sesguard.linter.config import Settings
from sesguard.linter.engine import check_files
from sesguard.linter.errors import LoadError
from sesguard.linter.located_yaml import load_yaml
from sesguard.linter.model import UNKNOWN
from sesguard.linter.plugins import load_plugins
from sesguard.linter.sources.cloudformation import (
    SHORT_FORM_TAGS,
    CloudFormationLoader,
    CloudFormationSource,
    as_cloudformation_reads,
)

REGISTRY = load_plugins(entry_points=False)
SOURCE = CloudFormationSource()


def lint(tmp_path, text, name="template.yaml", select=()):
    (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        report = check_files([name], REGISTRY, Settings(select=select))
    finally:
        os.chdir(cwd)
    assert report.errors == []
    return report


def found(report):
    return sorted((f.rule_id, f.location.line, f.set_name, f.destination_name) for f in report.findings)


def load(text):
    return load_yaml(textwrap.dedent(text), CloudFormationLoader).data


# -- claims ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, text, claimed",
    [
        ("t.yaml", 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n', True),
        ("t.template", 'AWSTemplateFormatVersion: "2010-09-09"\n', True),
        ("t.yml", "Resources:\n  S:\n    Type: AWS::SES::ConfigurationSet\n", True),
        ("t.json", '{"Resources": {"S": {"Type": "AWS::SES::ConfigurationSet"}}}', True),
        ("t.json", '{\n  "AWSTemplateFormatVersion": "2010-09-09"\n}', True),
        # a native spec, a doc string that merely mentions a type, another suffix
        ("spec.yaml", "ConfigurationSets:\n  - Name: a\n", False),
        ("notes.yaml", "text: see AWS::SES::ConfigurationSet in the docs\n", False),
        ("t.txt", 'AWSTemplateFormatVersion: "2010-09-09"\n', False),
        ("t.tf", 'resource "aws_sesv2_configuration_set" "a" {}\n', False),
    ],
)
def test_claims_only_templates(path, text, claimed):
    assert SOURCE.claims(path, text) is claimed


# -- the loader --------------------------------------------------------------------------------


def test_every_short_form_tag_in_scalar_sequence_and_mapping_form():
    lines = ["Values:"]
    for tag in SHORT_FORM_TAGS:
        lines += [f"  - !{tag} scalar", f"  - !{tag} [a, b]", f"  - !{tag} {{k: v}}"]
    data = load("\n".join(lines) + "\n")
    expected = []
    for function in SHORT_FORM_TAGS.values():
        scalar = ["scalar"] if function == "Fn::GetAtt" else "scalar"
        expected += [{function: scalar}, {function: ["a", "b"]}, {function: {"k": "v"}}]
    assert data["Values"] == expected
    assert len(SHORT_FORM_TAGS) == 19  # with the LanguageExtensions transform's !Length and !ToJsonString


def test_short_forms_nest_and_getatt_splits_on_the_first_dot():
    data = load(
        """
        A: !GetAtt Stream.Arn
        B: !Sub ["${X}-${Y}", {X: !Ref Env, Y: !Select [0, !GetAZs ""]}]
        C: !If [IsProd, !Ref AWS::NoValue, !Join ["", [a, !ImportValue shared]]]
        D: !GetAtt Role.Outputs.Arn
        """
    )
    assert data == {
        "A": {"Fn::GetAtt": ["Stream", "Arn"]},
        "B": {"Fn::Sub": ["${X}-${Y}", {"X": {"Ref": "Env"}, "Y": {"Fn::Select": [0, {"Fn::GetAZs": ""}]}}]},
        "C": {"Fn::If": ["IsProd", {"Ref": "AWS::NoValue"}, {"Fn::Join": ["", ["a", {"Fn::ImportValue": "shared"}]]}]},
        "D": {"Fn::GetAtt": ["Role", "Outputs.Arn"]},
    }


@pytest.mark.parametrize(
    "text, line, column",
    [
        ("Resources:\n  S:\n    Type: !Unknown AWS::SES::ConfigurationSet\n", 3, 11),
        ("Resources:\n  S:\n    Type: AWS::SES::ConfigurationSet\n  X: !!python/object/apply:os.system [echo]\n", 4, 6),
    ],
)
def test_other_tags_are_parse_errors(tmp_path, text, line, column):
    report = lint(tmp_path, 'AWSTemplateFormatVersion: "2010-09-09"\n' + text)
    assert [(f.rule_id, f.location.line, f.location.column) for f in report.findings] == [("SG001", line + 1, column)]
    assert "could not determine a constructor for the tag" in report.findings[0].message


def test_the_native_loader_still_knows_no_cloudformation_tags():
    with pytest.raises(LoadError):
        load_yaml("Name: !Ref Set\n")


def test_duplicate_keys_are_parse_errors(tmp_path):
    report = lint(
        tmp_path,
        """\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          S:
            Type: AWS::SES::ConfigurationSet
          S:
            Type: AWS::SES::ConfigurationSet
        """,
    )
    assert [(f.rule_id, f.location.line, f.message) for f in report.findings] == [
        ("SG001", 5, "duplicate key 'S' (first defined at line 3)")
    ]


def test_invalid_json_template_is_a_parse_error(tmp_path):
    report = lint(
        tmp_path, '{"AWSTemplateFormatVersion": "2010-09-09",\n "Resources": {"AWS::SES::",}}\n', name="t.json"
    )
    assert [(f.rule_id, f.location.line) for f in report.findings] == [("SG001", 2)]


# -- the model ---------------------------------------------------------------------------------

SET = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Set:
    Type: AWS::SES::ConfigurationSet
    Metadata:
      sesguard:
        Suppress:
          - {Rule: SES301, Reason: "legacy relay", Expires: 2027-03-31}
      aws:cdk:path: Stack/Set/Resource
    Properties:
      Name: mail
      DeliveryOptions: {TlsPolicy: REQUIRE}
      ReputationOptions: {ReputationMetricsEnabled: "true"}
"""


def test_casing_vocabulary_and_string_booleans_map_onto_the_model():
    text = SET + (
        "  Archive:\n"
        "    Type: AWS::SES::ConfigurationSetEventDestination\n"
        "    Properties:\n"
        "      ConfigurationSetName: !Ref Set\n"
        "      EventDestination:\n"
        "        Name: archive\n"
        '        Enabled: "false"\n'
        "        MatchingEventTypes: [send, renderingFailure, deliveryDelay, SUBSCRIPTION]\n"
        "        KinesisFirehoseDestination:\n"
        "          IAMRoleARN: arn:aws:iam::123456789012:role/r\n"
        "          DeliveryStreamARN: arn:aws:firehose:us-east-1:123456789012:deliverystream/s\n"
    )
    (config_set,), findings = SOURCE.load("t.yaml", text)
    assert findings == []
    assert config_set.name == "mail"
    assert config_set.options == {
        "DeliveryOptions": {"TlsPolicy": "REQUIRE"},
        "ReputationOptions": {"ReputationMetricsEnabled": True},
    }
    (destination,) = config_set.destinations
    assert destination.enabled is False
    assert destination.events == {"SEND", "RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION"}
    (target,) = destination.targets
    assert target.kind.key == "firehose"
    assert target.fields == {
        "IamRoleArn": "arn:aws:iam::123456789012:role/r",
        "DeliveryStreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/s",
    }
    location = destination.origin.locate(("KinesisFirehoseDestination", "IamRoleArn"))
    assert (location.line, location.logical_path) == (
        23,
        "Resources.Archive.Properties.EventDestination.KinesisFirehoseDestination.IAMRoleARN",
    )


def test_metadata_changes_findings_only_through_its_suppressions(tmp_path):
    bare = SET.replace(SET[SET.index("    Metadata:") : SET.index("    Properties:")], "")
    with_metadata = found(lint(tmp_path, SET, "a.yaml"))
    without = found(lint(tmp_path, bare, "b.yaml"))
    assert [f[0] for f in without] == ["SES201", "SES203", "SES204"]
    # The set requires TLS, so its SES301 suppression hides nothing (tests/test_suppressions.py has more).
    assert [f[0] for f in with_metadata] == ["SES201", "SES203", "SES204", "SG100"]


def test_destinations_join_by_ref_and_by_literal_name(tmp_path):
    report = lint(
        tmp_path,
        SET
        + """\
  ByRef:
    Type: AWS::SES::ConfigurationSetEventDestination
    Properties:
      ConfigurationSetName: !Ref Set
      EventDestination:
        Name: dup
        Enabled: true
        MatchingEventTypes: [BOUNCE, COMPLAINT]
        SnsDestination: {TopicARN: "arn:aws:sns:us-east-1:123456789012:t"}
  ByName:
    Type: AWS::SES::ConfigurationSetEventDestination
    Properties:
      ConfigurationSetName: mail
      EventDestination:
        Name: dup
        Enabled: true
        MatchingEventTypes: [SEND]
        SnsDestination: {TopicARN: "arn:aws:sns:us-east-1:123456789012:t"}
""",
        select=("SES103", "SES201"),
    )
    # Both joined the one set: the duplicate name is found, and SNS gets BOUNCE and COMPLAINT.
    assert found(report) == [("SES103", 28, "mail", "dup")]


EXTERNAL = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  First:
    Type: AWS::SES::ConfigurationSetEventDestination
    Properties:
      ConfigurationSetName: shared-set
      EventDestination:
        Name: first
        MatchingEventTypes: []
        SnsDestination: {TopicARN: "arn:aws:sns:us-east-1:123456789012:t"}
  Second:
    Type: AWS::SES::ConfigurationSetEventDestination
    Properties:
      ConfigurationSetName: shared-set
      EventDestination:
        Name: first
        Enabled: false
        MatchingEventTypes: [BOUNCE]
        SnsDestination: {TopicARN: "arn:aws:sqs:us-east-1:123456789012:q"}
  Imported:
    Type: AWS::SES::ConfigurationSetEventDestination
    Properties:
      ConfigurationSetName: !ImportValue other-stack-set
      EventDestination:
        Name: first
        Enabled: true
        MatchingEventTypes: [BOUNCE]
        SnsDestination: {TopicARN: "arn:aws:sns:us-east-1:123456789012:t"}
"""


def test_destinations_of_a_set_defined_elsewhere_get_their_own_rules_only(tmp_path):
    report = lint(tmp_path, EXTERNAL)
    # Destination rules run; set-level rules (TLS, reputation, routing) stay silent about a set
    # whose options and other destinations this template cannot see. The two destinations naming
    # `shared-set` literally are one set's, so their shared name is a real SES103.
    assert found(report) == [
        ("SES101", 9, "shared-set", "first"),
        ("SES103", 16, "shared-set", "first"),
        ("SES106", 19, "shared-set", "first"),
        ("SES202", 7, "shared-set", "first"),
        ("SES202", 17, "shared-set", "first"),
    ]


def test_a_full_set_defined_elsewhere_is_checked_against_the_quota(tmp_path):
    def template(count):
        resources = "".join(
            f"""\
  D{i}:
    Type: AWS::SES::ConfigurationSetEventDestination
    Properties:
      ConfigurationSetName: !ImportValue shared
      EventDestination:
        Name: d{i}
        Enabled: true
        MatchingEventTypes: [SEND]
        CloudWatchDestination: {{DimensionConfigurations: []}}
"""
            for i in range(count)
        )
        return 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n' + resources

    # Ten destinations fill the set: there can be no others elsewhere, so the routing rules know
    # them all (none is SNS or Firehose; only SEND is routed). Eleven are over the quota.
    full = [("SES201", 6, "<unknown>", None), ("SES203", 6, "<unknown>", None), ("SES204", 6, "<unknown>", None)]
    assert found(lint(tmp_path, template(9), "nine.yaml")) == []
    assert found(lint(tmp_path, template(10), "ten.yaml")) == full
    assert found(lint(tmp_path, template(11), "eleven.yaml")) == sorted(full + [("SES104", 6, "<unknown>", None)])


def test_a_set_cloudformation_names_itself_is_unknown_by_name(tmp_path):
    report = lint(
        tmp_path,
        """\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Set:
            Type: AWS::SES::ConfigurationSet
        """,
        select=("SES301", "SES105"),
    )
    assert found(report) == [("SES301", 3, "<unknown>", None)]


@pytest.mark.parametrize(
    ("resources", "wrong_types"),
    [
        ("Resources: [a, b]\n", []),
        ("Resources:\n  S: [1]\n", []),
        ("Resources:\n  S:\n    Type: AWS::SES::ConfigurationSet\n    Properties: [1]\n", []),
        (
            "Resources:\n  D:\n    Type: AWS::SES::ConfigurationSetEventDestination\n    Properties:\n"
            "      EventDestination: [1]\n",
            [("SG002", 6, None, None)],  # EventDestination must be an object
        ),
        (
            "Resources:\n  D:\n    Type: AWS::SES::ConfigurationSetEventDestination\n    Properties:\n"
            "      EventDestination:\n        Enabled: true\n"
            "        MatchingEventTypes: BOUNCE\n        SnsDestination: arn\n",
            [("SG002", 8, None, None), ("SG002", 9, None, None)],  # a list of event types; a mapping of a target
        ),
    ],
)
def test_wrong_shapes_never_crash_or_guess(tmp_path, resources, wrong_types):
    report = lint(tmp_path, 'AWSTemplateFormatVersion: "2010-09-09"\n' + resources, select=("SES1", "SES2"))
    assert found(report) == wrong_types  # no rule finding guessed from a shape it cannot read


def test_template_files_are_found_when_walking_directories(tmp_path):
    (tmp_path / "stack.template").write_text(SET, encoding="utf-8")
    (tmp_path / "json.template").write_text(json.dumps(load(SET), indent=2), encoding="utf-8")
    (tmp_path / "stack.txt").write_text(SET, encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        report = check_files(["."], REGISTRY, Settings(select=("SES201",)))
    finally:
        os.chdir(cwd)
    assert (report.files_checked, report.files_skipped) == (2, 0)
    assert sorted((f.location.file, f.rule_id, f.location.line) for f in report.findings) == [
        ("json.template", "SES201", 18),
        ("stack.template", "SES201", 10),
    ]


def test_intrinsics_are_unknown_not_strings():
    (config_set,), _ = SOURCE.load(
        "t.json",
        '{"Resources": {"S": {"Type": "AWS::SES::ConfigurationSet", "Properties": '
        '{"Name": {"Fn::Sub": "${Env}-mail"}, "DeliveryOptions": {"TlsPolicy": {"Ref": "Tls"}}, '
        '"Tags": [{"Key": "env", "Value": {"Ref": "Env"}}]}}}}',
    )
    assert config_set.name is UNKNOWN
    assert config_set.tls_policy is UNKNOWN
    assert config_set.tags == (("env", UNKNOWN),)


def test_options_of_the_wrong_type_are_sg002_and_their_rules_stay_silent(tmp_path):
    report = lint(
        tmp_path,
        """\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Set:
            Type: AWS::SES::ConfigurationSet
            Properties:
              Name: s
              DeliveryOptions: "REQUIRE"
              ReputationOptions:
                ReputationMetricsEnabled: "yes"
              TrackingOptions: {HttpsPolicy: [REQUIRE]}
              SendingOptions: {SendingEnabled: !Ref Sending}
        """,
        select=("SES3",),
    )
    assert [(f.rule_id, f.location.line, f.location.column, f.message) for f in report.findings] == [
        ("SG002", 7, 7, "DeliveryOptions must be an object, not string"),
        ("SG002", 9, 9, "ReputationOptions.ReputationMetricsEnabled must be a boolean, not string"),
        ("SG002", 10, 25, "TrackingOptions.HttpsPolicy must be a string, not array"),
    ]  # and nothing about SendingEnabled: an intrinsic is unknown, not wrong


def test_destination_fields_of_the_wrong_type_are_sg002_and_their_rules_stay_silent(tmp_path):
    report = lint(
        tmp_path,
        """\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Dest:
            Type: AWS::SES::ConfigurationSetEventDestination
            Properties:
              ConfigurationSetName: elsewhere
              EventDestination:
                Name: d
                Enabled: "yes"
                MatchingEventTypes: bounce
                SnsDestination: {TopicARN: "arn:aws:sns:us-east-1:123456789012:t"}
        """,
        select=("SES101", "SES202"),
    )
    assert [(f.rule_id, f.location.line, f.location.column, f.message) for f in report.findings] == [
        ("SG002", 9, 9, "EventDestination.Enabled must be a boolean, not string"),
        ("SG002", 10, 9, "EventDestination.MatchingEventTypes must be an array, not string"),
    ]


def test_a_wrong_type_anywhere_is_sg002_at_its_line_and_what_cloudformation_converts_is_not(tmp_path):
    report = lint(
        tmp_path,
        """\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Set:
            Type: AWS::SES::ConfigurationSet
            Properties:
              Name: 5
              DeliveryOptions: {TlsPolicy: REQUIRE, MaxDeliverySeconds: soon}
              Tags:
                - {Key: team, Value: [a, b]}
                - {Key: 1, Value: true}
              VdmOptions: {DashboardOptions: !If [Prod, {EngagementMetrics: ENABLED}, !Ref AWS::NoValue]}
          Dest:
            Type: AWS::SES::ConfigurationSetEventDestination
            Properties:
              ConfigurationSetName: !Ref Set
              EventDestination:
                Enabled: "true"
                MatchingEventTypes: [BOUNCE, [COMPLAINT]]
                CloudWatchDestination: {DimensionConfigurations: "ses:source-ip"}
        """,
        select=("SES101", "SES104"),
    )
    # Not reported: numbers and booleans where a string goes, "true" for a boolean (CloudFormation converts
    # them, as cfn-lint accepts), and an intrinsic function anywhere.
    assert [(f.rule_id, f.location.line, f.location.column, f.message) for f in report.findings] == [
        ("SG002", 7, 45, "DeliveryOptions.MaxDeliverySeconds must be a number, not string"),
        ("SG002", 9, 23, "Tags[0].Value must be a string, not array"),
        ("SG002", 18, 38, "EventDestination.MatchingEventTypes[1] must be a string, not array"),
        (
            "SG002",
            19,
            33,
            "EventDestination.CloudWatchDestination.DimensionConfigurations must be an array, not string",
        ),
    ]


def test_scalars_are_read_as_cloudformation_converts_them():
    (config_set,) = CloudFormationSource().load(
        "template.yaml",
        textwrap.dedent(
            """\
            Resources:
              Set:
                Type: AWS::SES::ConfigurationSet
                Properties:
                  Name: 12345
                  DeliveryOptions: {TlsPolicy: 5, MaxDeliverySeconds: "600.0"}
                  ReputationOptions: {ReputationMetricsEnabled: "True"}
                  Tags: [{Key: tier, Value: 2}, {Key: beta, Value: false}]
            """
        ),
    )[0]
    assert (config_set.name, config_set.tags) == ("12345", (("tier", "2"), ("beta", "false")))
    assert config_set.options == {
        "DeliveryOptions": {"TlsPolicy": "5", "MaxDeliverySeconds": 600},
        "ReputationOptions": {"ReputationMetricsEnabled": True},
    }


@pytest.mark.parametrize(
    ("value", "kind", "read"),
    [
        (5, "string", "5"),
        (1.5, "string", "1.5"),
        (False, "string", "false"),
        ("600", "number", 600),
        ("12345678901234567891", "number", 12345678901234567891),  # exactly, not through a float
        ("600.5", "number", 600.5),
        ("1e3", "number", 1000.0),
        (" 600 ", "number", " 600 "),  # left as written: the type check reports it
        ("1_000", "number", "1_000"),
        ("\u0661\u0662", "number", "\u0661\u0662"),  # Arabic-Indic digits are no number to CloudFormation
        ("1e400", "number", "1e400"),
        ("True", "boolean", True),
        ("yes", "boolean", "yes"),
        (True, "number", True),
    ],
)
def test_scalars_are_converted_as_cloudformation_converts_them(value, kind, read):
    assert as_cloudformation_reads(value, {"type": kind}) == read
    assert type(as_cloudformation_reads(value, {"type": kind})) is type(read)


def test_a_set_named_by_a_number_is_joined_by_that_name(tmp_path):
    report = lint(
        tmp_path,
        """\
        Resources:
          Set:
            Type: AWS::SES::ConfigurationSet
            Properties: {Name: 2024}
          Dest:
            Type: AWS::SES::ConfigurationSetEventDestination
            Properties:
              ConfigurationSetName: "2024"
              EventDestination:
                Enabled: true
                MatchingEventTypes: [BOUNCE, COMPLAINT]
                SnsDestination: {TopicARN: "arn:aws:sns:us-east-1:123456789012:t"}
        """,
        select=("SES201",),
    )
    assert found(report) == []  # CloudFormation reads both as "2024": the SNS destination is the set's


def test_target_blocks_that_are_not_mappings_are_sg002_and_routing_stays_silent(tmp_path):
    report = lint(
        tmp_path,
        """\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Dest:
            Type: AWS::SES::ConfigurationSetEventDestination
            Properties:
              ConfigurationSetName: elsewhere
              EventDestination:
                Name: d
                Enabled: true
                MatchingEventTypes: [BOUNCE]
                SnsDestination: "arn:aws:sns:us-east-1:123456789012:t"
                CloudWatchDestination:
                EventBridgeDestination: !Ref Bus
          Whole:
            Type: AWS::SES::ConfigurationSetEventDestination
            Properties:
              ConfigurationSetName: elsewhere
              EventDestination: [d]
        """,
        select=("SES1", "SES2"),
    )
    # No SES102 "two targets": what the blocks hold cannot be read, so no rule guesses; the intrinsic is no error.
    assert [(f.rule_id, f.location.line, f.location.column, f.message) for f in report.findings] == [
        ("SG002", 11, 9, "EventDestination.SnsDestination must be an object, not string"),
        ("SG002", 12, 9, "EventDestination.CloudWatchDestination must be an object, not null"),
        ("SG002", 18, 7, "EventDestination must be an object, not array"),
    ]
