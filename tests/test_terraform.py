"""The Terraform sources: plan/state JSON and `.tf` files, SESv2 and legacy v1 resources."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import marked_lines

from sesguard.linter.config import Settings
from sesguard.linter.engine import check_files
from sesguard.linter.model import UNKNOWN
from sesguard.linter.plugins import load_plugins
from sesguard.linter.sources.terraform_hcl import TerraformHclSource
from sesguard.linter.sources.terraform_json import TerraformJsonSource
from sesguard.linter.sources.terraform_plan import TerraformPlanSource

REPO = Path(__file__).resolve().parent.parent
FORMATS = REPO / "tests" / "fixtures" / "formats"
REGISTRY = load_plugins(entry_points=False)
PLAN = json.loads((FORMATS / "plan.json").read_text(encoding="utf-8"))


def lint(base: Path, *names, select=()):
    cwd = os.getcwd()
    os.chdir(base)
    try:
        report = check_files(list(names), REGISTRY, Settings(select=select))
    finally:
        os.chdir(cwd)
    assert report.errors == []
    return report


def write(tmp_path, name, text):
    (tmp_path / name).write_text(text if name.endswith(".json") else textwrap.dedent(text), encoding="utf-8")
    return name


def found(report):
    return sorted((f.rule_id, f.location.line, f.set_name, f.destination_name) for f in report.findings)


# -- claims ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, path, text, claimed",
    [
        (TerraformPlanSource(), "plan.json", '{"format_version":"1.2","planned_values":{}}', True),
        (TerraformPlanSource(), "state.json", '{"format_version": "1.0", "values": {}}', True),
        (TerraformPlanSource(), "t.json", '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}', False),
        (TerraformPlanSource(), "spec.json", '{"ConfigurationSets": []}', False),
        (TerraformPlanSource(), "plan.yaml", '{"format_version":"1.2","planned_values":{}}', False),
        (TerraformHclSource(), "main.tf", 'resource "aws_sesv2_configuration_set" "a" {}', True),
        (TerraformHclSource(), "main.tf", 'resource "aws_ses_event_destination" "a" {}', True),
        (TerraformHclSource(), "main.tf", 'data "aws_sesv2_configuration_set" "a" {}', False),
        (TerraformHclSource(), "main.tf.json", 'resource "aws_sesv2_configuration_set" "a" {}', False),
        (TerraformJsonSource(), "cdk.tf.json", '{"resource": {"aws_sesv2_configuration_set": {"a": {}}}}', True),
        (TerraformJsonSource(), "main.TF.JSON", '{"resource": {"aws_ses_event_destination": {"a": {}}}}', True),
        (TerraformJsonSource(), "main.tf.json", '{"data": {"aws_sesv2_configuration_set": {"a": {}}}}', False),
        (TerraformJsonSource(), "main.json", '{"resource": {"aws_sesv2_configuration_set": {"a": {}}}}', False),
    ],
)
def test_claims(source, path, text, claimed):
    assert source.claims(path, text) is claimed


# -- plan and state JSON -----------------------------------------------------------------------


def test_after_unknown_values_are_unknown_even_when_absent_from_planned_values():
    sets, findings = TerraformPlanSource().load("plan.json", json.dumps(PLAN))
    assert findings == []
    (config_set,) = sets
    assert config_set.option("DeliveryOptions.MaxDeliverySeconds") is UNKNOWN
    assert config_set.option("ReputationOptions.LastFreshStart") is UNKNOWN  # only in after_unknown
    assert config_set.option("ReputationOptions.ReputationMetricsEnabled") is True
    assert [d.name for d in config_set.destinations] == ["archive", "bounces", "bus"]
    assert config_set.destinations[1].matching_event_types == ("BOUNCE", "COMPLAINTS")


def test_a_destination_with_an_unknown_set_name_joins_through_the_configuration_references():
    plan = copy.deepcopy(PLAN)
    calls = plan["configuration"]["root_module"]["module_calls"]["mail"]["module"]["resources"]
    bus = next(r for r in calls if r["name"] == "bus")
    bus["expressions"]["configuration_set_name"] = {"references": ["var.set_name"]}
    sets, _ = TerraformPlanSource().load("plan.json", json.dumps(plan, indent=2))
    assert [(s.name, [d.name for d in s.destinations]) for s in sets] == [
        ("transactional", ["archive", "bounces", UNKNOWN]),  # bus may be its: routing is not judged
        (UNKNOWN, ["bus", UNKNOWN]),  # a stand-in set: its options and other destinations unknown
    ]


def test_deleted_resources_and_data_sources_are_not_checked(tmp_path):
    plan = copy.deepcopy(PLAN)
    module = plan["planned_values"]["root_module"]["child_modules"][0]
    module["resources"] = [r for r in module["resources"] if r["name"] != "bus"]
    module["resources"].append(
        {
            "address": "module.mail.data.aws_sesv2_configuration_set.x",
            "mode": "data",
            "type": "aws_sesv2_configuration_set",
            "name": "x",
            "values": {"configuration_set_name": "x"},
        }
    )
    for change in plan["resource_changes"]:
        if change["name"] == "bus":
            change["change"]["actions"] = ["delete"]
    report = lint(tmp_path, write(tmp_path, "plan.json", json.dumps(plan, indent=2)))
    assert "bus" not in {f.destination_name for f in report.findings}
    assert {f.set_name for f in report.findings} == {"transactional"}


def test_resources_in_nested_modules_join_within_their_module(tmp_path):
    plan = copy.deepcopy(PLAN)
    mail = plan["planned_values"]["root_module"].pop("child_modules")[0]
    other = copy.deepcopy(mail)
    for module, address in ((mail, "module.a.module.mail"), (other, "module.b.module.mail")):
        module["address"] = address
        for resource in module["resources"]:
            resource["address"] = resource["address"].replace("module.mail", address)
    # module.b's set is a good one: its destinations must not be mixed into module.a's set.
    other["resources"][0]["values"]["delivery_options"][0]["tls_policy"] = "REQUIRE"
    plan["planned_values"]["root_module"]["child_modules"] = [
        {"address": "module.a", "child_modules": [mail]},
        {"address": "module.b", "child_modules": [other]},
    ]
    for module in (mail, other):  # every set name known: nothing left to the configuration's references
        bus = next(r for r in module["resources"] if r["name"] == "bus")
        bus["values"]["configuration_set_name"] = "transactional"
    plan["resource_changes"] = []
    plan["configuration"] = {}
    report = lint(tmp_path, write(tmp_path, "plan.json", json.dumps(plan, indent=2)), select=("SES301", "SES201"))
    by_path = sorted((f.rule_id, f.location.logical_path) for f in report.findings)
    assert by_path == [
        ("SES201", "module.a.module.mail.aws_sesv2_configuration_set.transactional"),
        ("SES201", "module.b.module.mail.aws_sesv2_configuration_set.transactional"),
        ("SES301", "module.a.module.mail.aws_sesv2_configuration_set.transactional.delivery_options[0].tls_policy"),
    ]


LEGACY = FORMATS / "legacy"
# state.json: the same legacy resources as legacy/main.tf, as `terraform show -json` shows a state.
STATE_LINES = [
    ("SES101", 118),  # "opened" in matching_types
    ("SES106", 56),  # kinesis_destination role_arn
    ("SES201", 14),  # the set's "values"
    ("SES202", 147),  # "enabled": false
    ("SES203", 14),
    ("SES204", 14),
    ("SES301", 18),  # "tls_policy": "Optional"
    ("SES302", 27),  # tracking_options[0]
    ("SES303", 24),  # "reputation_metrics_enabled": false
]


def test_legacy_resources_in_state_json():
    report = lint(LEGACY, "state.json")
    assert sorted((f.rule_id, f.location.line) for f in report.findings) == STATE_LINES
    messages = {f.rule_id: f.message for f in report.findings}
    assert messages["SES301"] == "DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE"
    assert messages["SES106"].startswith("IamRoleArn 'arn:aws:firehose:")
    logical = {f.rule_id: f.location.logical_path for f in report.findings}
    assert logical["SES106"] == "aws_ses_event_destination.archive.kinesis_destination[0].role_arn"
    assert logical["SES101"] == "aws_ses_event_destination.metrics.matching_types[1]"


def test_legacy_resources_in_tf():
    report = lint(LEGACY, "main.tf")
    assert sorted((f.rule_id, f.location.line) for f in report.findings) == marked_lines(LEGACY / "main.tf")
    assert sorted(f.rule_id for f in report.findings) == sorted(rule for rule, _ in STATE_LINES)


def test_legacy_v1_vocabulary_maps_onto_the_model():
    (config_set,), _ = TerraformPlanSource().load("state.json", (LEGACY / "state.json").read_text(encoding="utf-8"))
    assert config_set.options == {
        "DeliveryOptions": {"TlsPolicy": "OPTIONAL"},
        "TrackingOptions": {"CustomRedirectDomain": "click.example.com"},
        "ReputationOptions": {"ReputationMetricsEnabled": False},
        "SendingOptions": {"SendingEnabled": True},
    }
    archive, metrics, alerts = config_set.destinations
    assert archive.events == {"SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "OPEN", "CLICK", "RENDERING_FAILURE"}
    assert archive.targets[0].fields == {
        "IamRoleArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/ses",
        "DeliveryStreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/ses",
    }
    assert metrics.targets[0].kind.key == "cloudwatch"
    assert metrics.targets[0].fields["DimensionConfigurations"] == [
        {"DefaultDimensionValue": "default", "DimensionName": "set", "DimensionValueSource": "messageTag"},
        {"DefaultDimensionValue": "none", "DimensionName": "campaign", "DimensionValueSource": "emailHeader"},
    ]
    assert (alerts.enabled, alerts.targets[0].kind.key) == (False, "sns")


# -- .tf files ---------------------------------------------------------------------------------


def test_references_variables_and_interpolations(tmp_path):
    name = write(
        tmp_path,
        "main.tf",
        """\
        resource "aws_sesv2_configuration_set" "main" {
          configuration_set_name = "mail"
          delivery_options {
            tls_policy = "OPTIONAL"
          }
        }

        resource "aws_sesv2_configuration_set_event_destination" "old_style" {
          configuration_set_name = "${aws_sesv2_configuration_set.main.configuration_set_name}"
          event_destination_name = "dup"
          event_destination {
            enabled              = true
            matching_event_types = ["BOUNCE", "COMPLAINT"]
            sns_destination {
              topic_arn = "arn:aws:sns:us-east-1:123456789012:${var.topic}"
            }
          }
        }

        resource "aws_sesv2_configuration_set_event_destination" "by_var" {
          configuration_set_name = var.set
          event_destination_name = "dup"
          event_destination {
            enabled              = true
            matching_event_types = ["SEND"]
            sns_destination {
              topic_arn = "arn:aws:sqs:us-east-1:123456789012:not-a-topic"
            }
          }
        }
        """,
    )
    report = lint(tmp_path, name, select=("SES1", "SES201", "SES301"))
    # old_style joined `main` (no SES201: BOUNCE and COMPLAINT reach SNS); by_var's set is unknown,
    # so the shared name is no duplicate; the interpolated ARN is unknown, the literal one is checked.
    assert found(report) == [("SES106", 27, "<unknown>", "dup"), ("SES301", 4, "mail", None)]


def test_strings_numbers_and_escapes_are_literal():
    sets, _ = TerraformHclSource().load(
        "main.tf",
        textwrap.dedent(
            """\
            resource "aws_sesv2_configuration_set" "main" {
              configuration_set_name = "a\\"b"
              delivery_options {
                max_delivery_seconds = 600
                sending_pool_name    = "$${literal}"
              }
              tags = {
                team = "mail"
                "cost-center" = "42"
              }
            }
            """
        ),
    )
    (config_set,) = sets
    assert config_set.name == 'a"b'
    assert config_set.options == {"DeliveryOptions": {"MaxDeliverySeconds": 600, "SendingPoolName": "${literal}"}}
    assert config_set.tags == (("cost-center", "42"), ("team", "mail"))


@pytest.mark.parametrize(
    "text, line",
    [
        ('resource "aws_sesv2_configuration_set" "a" {\n  configuration_set_name = \n}\n', 2),
        ('resource "aws_sesv2_configuration_set" "a" {\n  delivery_options {\n', 3),
        ('resource "aws_sesv2_configuration_set" "a" {\n  x = "unterminated\n}\n', 2),
        (
            'resource "aws_sesv2_configuration_set" "a" {\n'
            '  configuration_set_name = "a"\n  configuration_set_name = "b"\n}\n',
            3,
        ),
    ],
)
def test_invalid_hcl_is_a_parse_error_with_its_line(tmp_path, text, line):
    report = lint(tmp_path, write(tmp_path, "main.tf", text))
    assert [(f.rule_id, f.location.line) for f in report.findings] == [("SG001", line)]
    assert report.findings[0].message.startswith("invalid HCL")


def test_deep_nesting_is_a_parse_error_not_a_crash(tmp_path):
    depth = 100_000
    text = 'resource "aws_sesv2_configuration_set" "a" {\n  tags = ' + "[" * depth + "]" * depth + "\n}\n"
    report = lint(tmp_path, write(tmp_path, "main.tf", text))
    assert [(f.rule_id, f.location.line, f.message) for f in report.findings] == [
        ("SG001", 2, "invalid HCL: nesting deeper than 100 levels (raise [limits] max-depth to allow more)")
    ]


def test_local_yaml_and_json_checks_never_import_hcl2():
    code = (
        "import sys\n"
        "from sesguard.cli import main\n"
        "try:\n"
        "    main(['check', 'native.yaml', 'cloudformation.yaml', 'plan.json', 'cdktf/main.tf.json', '--quiet'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('hcl2', 'lark', 'boto3')))\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=FORMATS, capture_output=True, text=True, timeout=120)
    assert completed.stdout.strip().splitlines()[-1] == "[]", completed.stderr


# -- a module is a directory -------------------------------------------------------------------

SETS_TF = """\
resource "aws_sesv2_configuration_set" "mail" {
  configuration_set_name = "mail"
  delivery_options {
    tls_policy = "REQUIRE"
  }
  reputation_options {
    reputation_metrics_enabled = true
  }
}
"""
DESTINATIONS_TF = """\
resource "aws_sesv2_configuration_set_event_destination" "alerts" {
  configuration_set_name = aws_sesv2_configuration_set.mail.configuration_set_name
  event_destination_name = "alerts"
  event_destination {
    enabled              = true
    matching_event_types = ["BOUNCE", "COMPLAINT"]
    sns_destination {
      topic_arn = "arn:aws:sqs:us-east-1:123456789012:alerts"
    }
  }
}
"""


def test_a_set_gets_its_destinations_from_the_other_files_of_its_module(tmp_path):
    write(tmp_path, "sets.tf", SETS_TF)
    write(tmp_path, "destinations.tf", DESTINATIONS_TF)
    write(tmp_path, "other.tf", 'variable "x" {}\n')
    selected = ("SES106", "SES201")
    expected = [("SES106", 8, "mail", "alerts")]
    # The whole directory: BOUNCE and COMPLAINT reach the SNS destination of the other file (no
    # SES201), and the destination's own finding is reported once, in its own file.
    report = lint(tmp_path, ".", select=selected)
    assert found(report) == expected
    assert [f.location.file for f in report.findings] == ["destinations.tf"]
    # The set's file alone (as pre-commit passes it): still no SES201 guessed from a partial view.
    assert found(lint(tmp_path, "sets.tf", select=selected)) == expected
    # The destination's file alone: its set is defined (and reported) with sets.tf.
    assert found(lint(tmp_path, "destinations.tf", select=selected)) == []


def test_an_unreadable_sibling_makes_the_routing_rules_stay_silent(tmp_path):
    write(tmp_path, "sets.tf", SETS_TF)
    write(tmp_path, "broken.tf", DESTINATIONS_TF.replace("event_destination {", "event_destination {{"))
    report = lint(tmp_path, ".", select=("SES2", "SG001"))
    assert [(f.rule_id, f.location.file) for f in report.findings] == [("SG001", "broken.tf")]
    assert found(lint(tmp_path, "sets.tf", select=("SES2",))) == []
    (tmp_path / "broken.tf").unlink()
    assert [f.rule_id for f in lint(tmp_path, "sets.tf", select=("SES2",)).findings] == ["SES201", "SES203", "SES204"]


def test_a_sibling_that_only_mentions_ses_is_not_part_of_the_module(tmp_path):
    write(tmp_path, "sets.tf", SETS_TF)
    write(tmp_path, "identities.tf", '# reads aws_ses identities\ndata "aws_ses_domain_identity" "x" {\n')  # unclosed
    report = lint(tmp_path, "sets.tf", select=("SES2",))
    assert [f.rule_id for f in report.findings] == ["SES201", "SES203", "SES204"]


def test_without_python_hcl2_a_tf_file_is_a_clear_parse_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "hcl2", None)  # `import hcl2` now raises ImportError
    report = lint(tmp_path, write(tmp_path, "main.tf", SETS_TF))
    assert [(f.rule_id, f.message) for f in report.findings] == [
        ("SG001", "reading .tf files needs python-hcl2 (pip install 'python-hcl2>=8')")
    ]


# -- the JSON syntax (.tf.json) ----------------------------------------------------------------


def test_tf_json_templates_references_and_escapes():
    document = {
        "resource": {
            "aws_sesv2_configuration_set": {
                "main": {
                    "//": "a comment, not an attribute",
                    "configuration_set_name": "mail",
                    "delivery_options": {"max_delivery_seconds": 600, "sending_pool_name": "$${literal}"},
                    "tracking_options": [{"custom_redirect_domain": "click.${var.domain}"}],
                    "tags": {"team": "mail", "cost-center": "${var.cost_center}"},
                }
            },
            "aws_sesv2_configuration_set_event_destination": {
                "by_reference": {
                    "configuration_set_name": "${ aws_sesv2_configuration_set.main.id }",
                    "event_destination_name": "alerts",
                    "event_destination": {"enabled": "${var.on}", "matching_event_types": ["BOUNCE", "${var.t}"]},
                }
            },
        }
    }
    sets, findings = TerraformJsonSource().load("main.tf.json", json.dumps(document, indent=2))
    (config_set,) = sets
    assert findings == []
    assert config_set.name == "mail"
    assert config_set.options == {
        "DeliveryOptions": {"MaxDeliverySeconds": 600, "SendingPoolName": "${literal}"},
        "TrackingOptions": {"CustomRedirectDomain": UNKNOWN},
    }
    assert config_set.tags == (("cost-center", UNKNOWN), ("team", "mail"))
    (destination,) = config_set.destinations  # joined through the reference to the set's id
    assert (destination.name, destination.enabled, destination.matching_event_types) == (
        "alerts",
        UNKNOWN,
        ("BOUNCE", UNKNOWN),
    )


def alerts_in_json(set_name: str, service: str) -> dict:
    """The body of a `.tf.json` destination "alerts": BOUNCE and COMPLAINT to an ARN of `service`."""
    return {
        "configuration_set_name": set_name,
        "event_destination_name": "alerts",
        "event_destination": {
            "enabled": True,
            "matching_event_types": ["BOUNCE", "COMPLAINT"],
            "sns_destination": {"topic_arn": f"arn:aws:{service}:us-east-1:123456789012:alerts"},
        },
    }


def test_tf_json_a_module_mixes_both_syntaxes(tmp_path):
    write(tmp_path, "sets.tf", SETS_TF)
    destination = alerts_in_json("${aws_sesv2_configuration_set.mail.configuration_set_name}", "sqs")
    destinations = {"resource": {"aws_sesv2_configuration_set_event_destination": {"alerts": destination}}}
    write(tmp_path, "destinations.tf.json", json.dumps(destinations, indent=2))
    selected = ("SES106", "SES201")
    expected = [("SES106", 14, "mail", "alerts")]  # "topic_arn", in the JSON file
    report = lint(tmp_path, ".", select=selected)
    assert found(report) == expected
    assert [f.location.file for f in report.findings] == ["destinations.tf.json"]
    assert found(lint(tmp_path, "sets.tf", select=selected)) == expected  # the JSON sibling joins the set
    assert found(lint(tmp_path, "destinations.tf.json", select=selected)) == []  # reported with its set


def test_tf_json_an_unreadable_sibling_makes_the_routing_rules_stay_silent(tmp_path):
    write(tmp_path, "sets.tf", SETS_TF)
    write(tmp_path, "broken.tf.json", '{"resource": {"aws_sesv2_configuration_set_event_destination": {')
    report = lint(tmp_path, ".", select=("SES2", "SG001"))
    assert [(f.rule_id, f.location.file, f.location.line) for f in report.findings] == [("SG001", "broken.tf.json", 1)]
    assert found(lint(tmp_path, "sets.tf", select=("SES2",))) == []


@pytest.mark.parametrize(
    "text, position, problem",
    [
        ('[{"resource": {"aws_sesv2_configuration_set": {}}}]', (1, 1), "the file must be an object"),
        (
            '{"resource": {"aws_sesv2_configuration_set": "main"}}',
            (1, 15),
            "resource.aws_sesv2_configuration_set must be an object or a list of objects",
        ),
        (
            '{"resource": {\n  "aws_sesv2_configuration_set": {"main": null}}}',
            (2, 35),
            "resource.aws_sesv2_configuration_set.main must be an object or a list of objects",
        ),
        (
            '{"resource": [{"aws_ses_event_destination": {"d": [{}, [{}]]}}]}',
            (1, 56),  # the inner list
            "resource[0].aws_ses_event_destination.d must be an object or a list of objects",
        ),
    ],
)
def test_tf_json_that_is_not_terraforms_shape_is_a_parse_error_at_its_place(tmp_path, text, position, problem):
    report = lint(tmp_path, write(tmp_path, "main.tf.json", text))
    assert [(f.rule_id, (f.location.line, f.location.column), f.message) for f in report.findings] == [
        ("SG001", position, f"invalid Terraform JSON: {problem}")
    ]


def test_tf_json_dynamic_blocks_win_and_comments_are_only_in_block_bodies():
    document = {
        "resource": {
            "aws_sesv2_configuration_set": {
                "main": {
                    "configuration_set_name": "mail",
                    "dynamic": {"delivery_options": {"for_each": "${var.x}", "content": {"tls_policy": "REQUIRE"}}},
                    "delivery_options": {"tls_policy": "OPTIONAL"},  # written after `dynamic`: still generated
                    "tags": {"//": "a key here, not a comment"},
                }
            }
        }
    }
    (config_set,) = TerraformJsonSource().load("main.tf.json", json.dumps(document))[0]
    assert config_set.options == {"DeliveryOptions": UNKNOWN}
    assert config_set.tags == (("//", "a key here, not a comment"),)


# -- set names that are not literals -----------------------------------------------------------

ROUTED = """\
resource "aws_sesv2_configuration_set" "mail" {
  SET_NAME
}

resource "aws_sesv2_configuration_set_event_destination" "alerts" {
  DESTINATION_SET_NAME
  event_destination_name = "alerts"
  event_destination {
    enabled              = true
    matching_event_types = ["BOUNCE", "COMPLAINT"]
    sns_destination {
      topic_arn = "arn:aws:sns:us-east-1:123456789012:alerts"
    }
  }
}
"""


def routed(set_name: str, destination_set_name: str) -> str:
    return ROUTED.replace("DESTINATION_SET_NAME", destination_set_name).replace("SET_NAME", set_name)


def test_the_same_reference_names_the_same_set(tmp_path):
    text = routed("configuration_set_name = var.set_name", "configuration_set_name = var.set_name")
    report = lint(tmp_path, write(tmp_path, "main.tf", text), select=("SES2",))
    # Joined: BOUNCE and COMPLAINT reach SNS (no SES201); the missing archive is still a finding.
    assert found(report) == [("SES203", 1, "<unknown>", None), ("SES204", 1, "<unknown>", None)]


def test_the_same_reference_in_json_syntax_names_the_same_set(tmp_path):
    document = {
        "resource": {
            "aws_sesv2_configuration_set": {"mail": {"configuration_set_name": "${var.set_name}"}},
            "aws_sesv2_configuration_set_event_destination": {"alerts": alerts_in_json("${var.set_name}", "sns")},
        }
    }
    (config_set,) = TerraformJsonSource().load("main.tf.json", json.dumps(document))[0]
    assert [d.name for d in config_set.destinations] == ["alerts"]


@pytest.mark.parametrize(
    "set_name, destination_set_name",
    [
        # a literal set, and a destination that may be its
        ('configuration_set_name = "mail"', "configuration_set_name = var.other"),
        # a set that may be the one a literal destination names
        ("configuration_set_name = var.set_name", 'configuration_set_name = "other"'),
        # for_each on both sides: no two are known to match
        (
            "for_each = var.sets\n  configuration_set_name = each.value",
            "for_each = var.sets\n  configuration_set_name = each.value",
        ),
    ],
)
def test_a_set_that_may_have_destinations_it_cannot_see_is_not_judged_on_routing(
    tmp_path, set_name, destination_set_name
):
    report = lint(tmp_path, write(tmp_path, "main.tf", routed(set_name, destination_set_name)), select=("SES2",))
    assert [f.rule_id for f in report.findings if f.destination_name is None] == []


@pytest.mark.parametrize(
    ("block", "rule", "api"),
    [("delivery_options", "SES301", "DeliveryOptions"), ("reputation_options", "SES303", "ReputationOptions")],
)
@pytest.mark.parametrize(("value", "kind"), [('"REQUIRE"', "string"), ('["REQUIRE"]', "array")])
def test_an_option_written_as_a_value_is_sg002_not_the_default(tmp_path, block, rule, api, value, kind):
    text = f'resource "aws_sesv2_configuration_set" "a" {{\n  configuration_set_name = "a"\n  {block} = {value}\n}}\n'
    report = lint(tmp_path, write(tmp_path, "main.tf", text), select=(rule,))
    # Not "TlsPolicy is OPTIONAL (the default)": the block is not absent, it is wrong.
    assert [(f.rule_id, f.location.line, f.message) for f in report.findings] == [
        ("SG002", 3, f"{api} must be an object, not {kind}")
    ]


@pytest.mark.parametrize(
    ("syntax", "text", "line", "silent"),
    [
        (
            "main.tf",
            'resource "aws_sesv2_configuration_set" "a" {\n  tracking_options {\n    https_policy = true\n  }\n}\n',
            3,
            "SES302",
        ),
        (
            "main.tf.json",
            '{"resource": {"aws_sesv2_configuration_set": {"a": {\n"sending_options": {"sending_enabled": "maybe"}}}}}',
            2,
            "SES305",
        ),
        (
            "legacy.tf",
            'resource "aws_ses_configuration_set" "a" {\n  reputation_metrics_enabled = "on"\n}\n',
            2,
            "SES303",
        ),
        (
            "destination.tf",
            'resource "aws_sesv2_configuration_set_event_destination" "d" {\n  event_destination {\n'
            '    matching_event_types = "BOUNCE"\n  }\n}\n',
            3,
            "SES101",
        ),
        (
            "legacy_destination.tf",
            'resource "aws_ses_event_destination" "d" {\n  name = "d"\n  enabled = "maybe"\n}\n',
            3,
            "SES202",
        ),
    ],
)
def test_an_option_field_of_the_wrong_type_is_sg002_at_its_line(tmp_path, syntax, text, line, silent):
    report = lint(tmp_path, write(tmp_path, syntax, text), select=(silent,))
    # SG002 where it is written; the rule that reads the field says nothing about a value it cannot read.
    assert [(f.rule_id, f.location.line) for f in report.findings] == [("SG002", line)]


DESTINATION_BLOCKS_WRITTEN_AS_VALUES = """\
resource "aws_sesv2_configuration_set_event_destination" "d" {
  configuration_set_name = "a"
  event_destination_name = "d"
  event_destination {
    enabled              = true
    matching_event_types = ["BOUNCE"]
    sns_destination      = "arn:aws:sns:us-east-1:123456789012:t"
    dynamic "cloud_watch_destination" {
      for_each = var.dimensions
      content {}
    }
  }
}

resource "aws_sesv2_configuration_set_event_destination" "e" {
  configuration_set_name = "a"
  event_destination_name = "e"
  event_destination      = "x"
}

resource "aws_ses_event_destination" "v" {
  name                   = "v"
  configuration_set_name = "a"
  enabled                = true
  matching_types         = ["bounce"]
  kinesis_destination    = 3
}
"""


def test_a_destination_block_written_as_a_value_is_sg002_and_routing_stays_silent(tmp_path):
    report = lint(tmp_path, write(tmp_path, "main.tf", DESTINATION_BLOCKS_WRITTEN_AS_VALUES), select=("SES1", "SES2"))
    # The `dynamic` block is unknown, not wrong; no routing rule judges a destination whose targets it cannot read.
    assert [(f.rule_id, f.location.line, f.message) for f in report.findings] == [
        ("SG002", 7, "SnsDestination must be an object, not string"),
        ("SG002", 18, "EventDestination must be an object, not string"),
        ("SG002", 26, "KinesisFirehoseDestination must be an object, not integer"),
    ]
