"""`sesguard drift SPEC --against OTHER` offline, and the comparison itself (sesguard.linter.drift).

The DR rules' fixtures: the same configuration in every format is no drift; each difference is
exactly one finding at the spec's line; normalization (event-type vocabulary and order, AWS
defaults, casing) and unknown values never make a finding.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sesguard.linter.drift import Unread, compare
from sesguard.linter.model import UNKNOWN, ConfigurationSet, EventDestination, Location, Target
from sesguard.linter.plugins import load_plugins
from sesguard.linter.vocabulary import TARGET_BY_KEY

REPO = Path(__file__).resolve().parent.parent
FORMATS = REPO / "tests" / "fixtures" / "formats"
RULES = {rid: rule for rid, rule in load_plugins(entry_points=False).rules.items() if rid.startswith("DR")}
FIXTURES = [
    *("native.yaml", "cloudformation.yaml", "cloudformation.json"),
    *("plan.json", "plan.compact.json", "main.tf", "cdktf/main.tf.json"),
]

# native.yaml with one change of every kind (and one unmanaged set).
CHANGED = """\
ConfigurationSets:
  - Name: transactional
    ReputationOptions: {ReputationMetricsEnabled: true}
    TrackingOptions: {CustomRedirectDomain: click.example.com, HttpsPolicy: REQUIRE}
    Tags: [{Key: team, Value: mail}]
    EventDestinations:
      - Name: bounces
        Enabled: true
        MatchingEventTypes: [BOUNCE]
        SnsDestination: {TopicArn: "arn:aws:sns:us-east-1:123456789012:other"}
      - Name: bus
        Enabled: true
        MatchingEventTypes: [CLICK, OPEN]
        CloudWatchDestination:
          DimensionConfigurations: [{DimensionName: a, DimensionValueSource: MESSAGE_TAG, DefaultDimensionValue: x}]
      - Name: debug
        Enabled: false
        MatchingEventTypes: [SEND]
        SnsDestination: {TopicArn: "arn:aws:sns:us-east-1:123456789012:x"}
  - Name: rogue
"""


def run_json(cli, cwd, *args):
    code, out, err = cli("drift", *args, "--format", "json", cwd=cwd)
    return code, json.loads(out), err


def found(document) -> list:
    return [(f["rule_id"], f["line"], f["message"], f["set"], f["destination"]) for f in document["findings"]]


@pytest.mark.parametrize("spec", FIXTURES)
@pytest.mark.parametrize("other", ["native.yaml", "cloudformation.yaml", "main.tf"])
def test_the_same_configuration_in_any_format_is_no_drift(cli, spec, other):
    code, document, err = run_json(cli, FORMATS, spec, "--against", other)
    assert (code, document["findings"]) == (0, []), err
    assert document["summary"]["files_checked"] == 2


def test_every_kind_of_change_at_the_native_spec_lines(cli, tmp_path):
    shutil.copy(FORMATS / "native.yaml", tmp_path / "spec.yaml")
    (tmp_path / "other.yaml").write_text(CHANGED)
    code, document, _ = run_json(cli, tmp_path, "spec.yaml", "--against", "other.yaml")
    topic = "arn:aws:sns:us-east-1:123456789012:"
    dimensions = "[{DefaultDimensionValue: x, DimensionName: a, DimensionValueSource: MESSAGE_TAG}]"
    assert code == 1
    assert found(document) == [
        ("DR002", 1, "configuration set exists live but not in the spec", "rogue", None),
        ("DR002", 3, "event destination exists live but not in the spec", "transactional", "debug"),
        ("DR003", 3, "Tags[team]: spec=(absent) live=mail", "transactional", None),
        ("DR003", 10, "TrackingOptions.HttpsPolicy: spec=OPTIONAL live=REQUIRE", "transactional", None),
        ("DR003", 14, "EventDestinations[bounces].MatchingEventTypes: spec=[BOUNCE, COMPLAINTS] live=[BOUNCE]",
         "transactional", "bounces"),
        ("DR003", 18, f"EventDestinations[bounces].SnsDestination.TopicArn: spec={topic}bounces.fifo live={topic}other",
         "transactional", "bounces"),
        ("DR001", 19, "event destination is missing live", "transactional", "archive"),
        ("DR003", 25, f"EventDestinations[bus].CloudWatchDestination: spec=(absent) live={{DimensionConfigurations: "
         f"{dimensions}}}", "transactional", "bus"),
        ("DR003", 28, "EventDestinations[bus].EventBridgeDestination: spec={EventBusArn: "
         "arn:aws:events:us-east-1:123456789012:event-bus/custom} live=(absent)", "transactional", "bus"),
    ]  # fmt: skip
    diffs = {f["diff"]["field"]: f["diff"] for f in document["findings"]}
    assert diffs["TrackingOptions.HttpsPolicy"] == {
        "change": "changed",
        "field": "TrackingOptions.HttpsPolicy",
        "spec": "OPTIONAL",
        "live": "REQUIRE",
    }
    assert diffs["EventDestinations[archive]"] == {
        "change": "missing",
        "field": "EventDestinations[archive]",
        "spec": True,
        "live": None,
    }
    assert diffs[None] == {"change": "unmanaged", "field": None, "spec": None, "live": True}
    assert [f["field"] for f in document["findings"] if f["rule_id"] == "DR003"][:2] == [
        "Tags.team",
        "TrackingOptions.HttpsPolicy",
    ]


def test_changes_at_the_cloudformation_template_lines(cli, tmp_path):
    """A CloudFormation template as the spec, a (changed) native snapshot as the other side."""
    shutil.copy(FORMATS / "cloudformation.yaml", tmp_path / "template.yaml")
    snapshot = (FORMATS / "native.yaml").read_text()
    snapshot = snapshot.replace("TlsPolicy: OPTIONAL", "TlsPolicy: REQUIRE")
    snapshot = snapshot.replace("bounces.fifo", "bounces")
    snapshot = snapshot.replace("MatchingEventTypes: [SEND, DELIVERY]", "MatchingEventTypes: [DELIVERY, SEND, OPEN]")
    snapshot = "Account: '123456789012'\nRegion: us-east-1\n" + snapshot
    (tmp_path / "snapshot.yaml").write_text(snapshot)
    code, document, _ = run_json(cli, tmp_path, "template.yaml", "--against", "snapshot.yaml")
    topic = "arn:aws:sns:us-east-1:123456789012:bounces"
    assert code == 1
    assert found(document) == [
        ("DR003", 12, "DeliveryOptions.TlsPolicy: spec=OPTIONAL live=REQUIRE", "transactional", None),
        ("DR003", 29, f"EventDestinations[bounces].SnsDestination.TopicArn: spec={topic}.fifo live={topic}",
         "transactional", "bounces"),
        ("DR003", 37, "EventDestinations[archive].MatchingEventTypes: spec=[SEND, DELIVERY] "
         "live=[SEND, DELIVERY, OPEN]",
         "transactional", "archive"),
    ]  # fmt: skip
    assert {(f["source_kind"], f["file"], f["account"], f["region"]) for f in document["findings"]} == {
        ("cloudformation", "template.yaml", "123456789012", "us-east-1")
    }


UNKNOWN_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Tls: {Type: String}
  Topic: {Type: String}
  On: {Type: String}
  Types: {Type: CommaDelimitedList}
Resources:
  Set:
    Type: AWS::SES::ConfigurationSet
    Properties:
      Name: orders
      DeliveryOptions: {TlsPolicy: !Ref Tls}
      ReputationOptions: !Ref AWS::NoValue
      Tags: !Ref AWS::NoValue
  Dest:
    Type: AWS::SES::ConfigurationSetEventDestination
    Properties:
      ConfigurationSetName: !Ref Set
      EventDestination:
        Name: bounces
        Enabled: !Ref On
        MatchingEventTypes: !Ref Types
        SnsDestination: {TopicARN: !Ref Topic}
  Hidden:
    Type: AWS::SES::ConfigurationSetEventDestination
    Properties:
      ConfigurationSetName: !Ref Set
      EventDestination: !If [Cond, {Name: a}, {Name: b}]
"""
UNKNOWN_OTHER = """\
ConfigurationSets:
  - Name: orders
    DeliveryOptions: {TlsPolicy: OPTIONAL}
    ReputationOptions: {ReputationMetricsEnabled: true}
    Tags: [{Key: team, Value: mail}]
    EventDestinations:
      - Name: bounces
        Enabled: false
        MatchingEventTypes: [SEND]
        SnsDestination: {TopicArn: "arn:aws:sns:us-east-1:123456789012:x"}
      - Name: made-by-hand
        Enabled: true
        MatchingEventTypes: [SEND]
        SnsDestination: {TopicArn: "arn:aws:sns:us-east-1:123456789012:x"}
"""


def test_unknown_values_never_drift(cli, tmp_path):
    """Intrinsics are unknown: no DR003 on them, and a destination behind one hides no DR002."""
    (tmp_path / "template.yaml").write_text(UNKNOWN_TEMPLATE)
    (tmp_path / "other.yaml").write_text(UNKNOWN_OTHER)
    code, document, err = run_json(cli, tmp_path, "template.yaml", "--against", "other.yaml")
    assert (code, document["findings"]) == (0, []), err
    (tmp_path / "template.yaml").write_text(UNKNOWN_TEMPLATE.split("  Hidden:")[0])  # every destination known
    code, document, _ = run_json(cli, tmp_path, "template.yaml", "--against", "other.yaml")
    assert found(document) == [
        ("DR002", 10, "event destination exists live but not in the spec", "orders", "made-by-hand")
    ]
    for fixture in ("cloudformation.yaml", "main.tf", "plan.json"):  # every value unresolvable
        code, document, _ = run_json(cli, FORMATS / "unknowns", fixture, "--against", "../native.yaml")
        assert [f["rule_id"] for f in document["findings"] if f["rule_id"] == "DR003"] == []


def test_scalars_cloudformation_converts_compare_as_it_converts_them(cli, tmp_path):
    """`MaxDeliverySeconds: "600"` is 600 and a tag value `2` is "2" once deployed: no drift from the API's values."""
    (tmp_path / "template.yaml").write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Set:\n    Type: AWS::SES::ConfigurationSet\n'
        '    Properties:\n      Name: mail\n      DeliveryOptions: {MaxDeliverySeconds: "600"}\n'
        '      ReputationOptions: {ReputationMetricsEnabled: "true"}\n      Tags: [{Key: tier, Value: 2}]\n'
    )
    (tmp_path / "other.yaml").write_text(
        "ConfigurationSets:\n  - Name: mail\n    DeliveryOptions: {MaxDeliverySeconds: 600}\n"
        "    ReputationOptions: {ReputationMetricsEnabled: true}\n    Tags: [{Key: tier, Value: '2'}]\n"
    )
    code, document, err = run_json(cli, tmp_path, "template.yaml", "--against", "other.yaml")
    assert (code, found(document)) == (0, []), err


def test_region_and_account_scope(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text("Region: us-east-1\nConfigurationSets:\n  - Name: a\n")
    (tmp_path / "other.yaml").write_text(
        "ConfigurationSets:\n  - {Name: a, Region: eu-west-1}\n  - {Name: b, Region: eu-west-1}\n"
        "  - {Name: c, Region: us-east-1}\n"
    )
    code, document, _ = run_json(cli, tmp_path, "spec.yaml", "--against", "other.yaml")
    # a in eu-west-1 is not the spec's a (us-east-1); b is outside what the spec covers; c is inside.
    assert found(document) == [
        ("DR002", 1, "configuration set exists live but not in the spec", "c", None),
        ("DR001", 3, "configuration set is missing live", "a", None),
    ]
    code, document, _ = run_json(cli, tmp_path, "spec.yaml", "--against", "other.yaml", "--only-named-sets")
    assert [f["rule_id"] for f in document["findings"]] == ["DR001"]


def test_an_unreadable_side_is_sg001_and_exit_2_never_missing(cli, tmp_path):
    shutil.copy(FORMATS / "native.yaml", tmp_path / "spec.yaml")
    (tmp_path / "broken.yaml").write_text("ConfigurationSets: [\n")
    code, document, _ = run_json(cli, tmp_path, "spec.yaml", "--against", "broken.yaml")
    assert code == 2 and [f["rule_id"] for f in document["findings"]] == ["SG001"]
    assert document["summary"]["complete"] is False
    # The spec itself unreadable: nothing on the other side is called unmanaged.
    (tmp_path / "other.yaml").write_text("ConfigurationSets:\n  - Name: elsewhere\n")
    code, document, _ = run_json(cli, tmp_path, "spec.yaml", "broken.yaml", "--against", "other.yaml")
    assert code == 2 and [f["rule_id"] for f in document["findings"]] == ["SG001", "DR001"]


def test_sarif_github_text_and_select(cli, tmp_path, validate_sarif):
    shutil.copy(FORMATS / "native.yaml", tmp_path / "spec.yaml")
    (tmp_path / "other.yaml").write_text(CHANGED)
    code, _, _ = cli(
        "drift", "spec.yaml", "--against", "other.yaml", "--format", "sarif", "-o", "out.sarif", cwd=tmp_path
    )
    assert code == 1
    validate_sarif(tmp_path / "out.sarif")
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    assert [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]] == [
        *("DR001", "DR002", "DR003"),
        *("SG001", "SG002"),  # what was not read is always reported
        *("SG100", "SG101"),  # the spec's suppressions of drift are judged too
        "SG900",
    ]
    assert len(sarif["runs"][0]["results"]) == 9
    code, out, _ = cli("drift", "spec.yaml", "--against", "other.yaml", "--format", "github", cwd=tmp_path)
    assert "::warning file=spec.yaml,line=1,col=1,title=DR002::configuration set exists live" in out
    code, out, _ = cli("drift", "spec.yaml", "--against", "other.yaml", "--select", "DR001", cwd=tmp_path)
    assert code == 1
    assert out == (
        "+ in the spec, missing live   - live, not in the spec   ~ differs (spec -> live)\n\n"
        "~ configuration set transactional\n"
        "    + EventDestinations[archive]: missing live  # spec.yaml:19:9 DR001\n\n"
        "1 finding (1 error, 0 warnings, 0 notes) in 2 files, 0 skipped\n"
    )
    code, out, _ = cli("drift", "spec.yaml", "--against", "spec.yaml", cwd=tmp_path)
    assert (code, out) == (0, "No drift.\n\n0 findings (0 errors, 0 warnings, 0 notes) in 2 files, 0 skipped\n")


# --- the comparison on the model, without any file format ----------------------------------------


class At:
    kind = "spec"

    def __init__(self, path="x"):
        self.path = path

    def locate(self, field=()):
        return Location("spec.yaml", 1, 1, ".".join([self.path, *map(str, field)]))


def config_set(name="s", destinations=(), **options):
    return ConfigurationSet(name, At(name), account="1", region="r", options=options, destinations=tuple(destinations))


def destination(name="d", enabled=None, types=("BOUNCE",), **targets):
    kinds = tuple(Target(TARGET_BY_KEY[key], fields) for key, fields in targets.items())
    return EventDestination(name, At(name), enabled=enabled, matching_event_types=types, targets=kinds)


def messages(spec, other, **kwargs) -> list:
    return [f.message for f in compare(spec, other, RULES, **kwargs)]


def test_aws_defaults_are_filled_in():
    spec = [config_set(destinations=[destination(types=("bounce", "renderingFailure"))], DeliveryOptions={})]
    live = [
        config_set(
            destinations=[destination(enabled=False, types=("RENDERING_FAILURE", "BOUNCE"))],
            DeliveryOptions={"TlsPolicy": "OPTIONAL"},
            ReputationOptions={"ReputationMetricsEnabled": False, "LastFreshStart": "2026-01-01T00:00:00Z"},
            SendingOptions={"SendingEnabled": True},
            SuppressionOptions={"SuppressedReasons": ["COMPLAINT", "BOUNCE"]},
        )
    ]
    assert messages(spec, live) == ["SuppressionOptions.SuppressedReasons: spec=(absent) live=[BOUNCE, COMPLAINT]"]
    spec[0].options["SuppressionOptions"] = {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]}
    assert messages(spec, live) == []
    live[0].options["SendingOptions"] = {"SendingEnabled": False}
    assert messages(spec, live) == ["SendingOptions.SendingEnabled: spec=true live=false"]


def test_unknown_values_on_either_side_are_never_compared():
    spec = [config_set(destinations=[destination(enabled=UNKNOWN, types=UNKNOWN, sns={"TopicArn": UNKNOWN})],
                       DeliveryOptions=UNKNOWN)]  # fmt: skip
    live = [config_set(destinations=[destination(enabled=True, types=("SEND",), sns={"TopicArn": "arn:x"})],
                       DeliveryOptions={"TlsPolicy": "REQUIRE"})]  # fmt: skip
    assert messages(spec, live) == messages(live, spec) == []
    nameless = [ConfigurationSet(UNKNOWN, At(), options={})]
    assert messages(nameless, live) == messages(live, nameless) == []


def test_unread_parts_are_never_missing():
    spec = [config_set("a"), config_set("b")]
    assert messages(spec, [], unread=[Unread("1", "r", "a")]) == ["configuration set is missing live"]
    assert messages(spec, [], unread=[Unread(None, "r")]) == []
    assert messages(spec, [], unread=[Unread(None, "other-region")]) == ["configuration set is missing live"] * 2


def test_no_spec_is_a_usage_error_and_levels_come_from_the_config(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "other.yaml").write_text("ConfigurationSets:\n  - Name: a\n")
    code, out, err = cli("drift", "empty", "--against", "other.yaml", cwd=tmp_path)
    assert (code, out) == (2, "") and "nothing to compare" in err
    (tmp_path / "spec.yaml").write_text("ConfigurationSets:\n  - Name: b\n")
    (tmp_path / ".sesguard.toml").write_text('[rules.DR002]\nlevel = "note"\n')
    code, document, _ = run_json(cli, tmp_path, "spec.yaml", "--against", "other.yaml", "--fail-on", "warning")
    assert [(f["rule_id"], f["level"]) for f in document["findings"]] == [("DR002", "note"), ("DR001", "error")]


# -- inline suppressions: the spec's own, as in `check` ----------------------------------------

SUPPRESSED_SPEC = """\
ConfigurationSets:
  - Name: transactional
    DeliveryOptions: {TlsPolicy: REQUIRE}
    Suppress:
      - {Rule: DR003, Reason: TLS is relaxed live during the migration}
      - {Rule: SES301, Reason: judged by check and never by drift}
    EventDestinations:
      - Name: bounces  # sesguard: ignore[DR001] created by the next deploy
        Enabled: true
        MatchingEventTypes: [BOUNCE]
        SnsDestination: {TopicArn: "arn:aws:sns:us-east-1:123456789012:bounces"}
      - Name: clicks
        Suppress: [{Rule: DR002, Reason: nothing here can be unmanaged}]
        Enabled: true
        MatchingEventTypes: [CLICK]
        SnsDestination: {TopicArn: "arn:aws:sns:us-east-1:123456789012:clicks"}
"""
LIVE_WITHOUT_BOUNCES = """\
ConfigurationSets:
  - Name: transactional
    DeliveryOptions: {TlsPolicy: OPTIONAL}
    EventDestinations:
      - Name: clicks
        Enabled: true
        MatchingEventTypes: [CLICK]
        SnsDestination: {TopicArn: "arn:aws:sns:us-east-1:123456789012:clicks"}
"""


def suppressed(document) -> list:
    return [
        (f["rule_id"], f["line"], f["destination"], [s["justification"] for s in f["suppressions"]])
        for f in document["findings"]
    ]


def test_the_specs_inline_suppressions_cover_drift_and_stale_ones_are_sg100(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SUPPRESSED_SPEC)
    (tmp_path / "live.yaml").write_text(LIVE_WITHOUT_BOUNCES)

    code, document, _ = run_json(cli, tmp_path, "spec.yaml", "--against", "live.yaml")

    assert suppressed(document) == [
        ("DR003", 3, None, ["TLS is relaxed live during the migration"]),
        ("DR001", 8, "bounces", ["created by the next deploy"]),
        ("SG100", 13, "clicks", []),  # nothing drifted that it could cover; SES301 is not drift's to judge
    ]
    assert document["findings"][2]["message"] == "suppression of DR002 matched no finding; remove it"
    assert (code, document["summary"]["suppressed"], document["summary"]["warnings"]) == (1, 2, 1)


def test_suppressed_drift_passes_the_gate_and_text_and_sarif_say_so(cli, tmp_path, validate_sarif):
    (tmp_path / "spec.yaml").write_text(SUPPRESSED_SPEC.replace("DR002", "DR003"))  # clicks' too is then in use
    (tmp_path / "live.yaml").write_text(LIVE_WITHOUT_BOUNCES.replace("[CLICK]", "[CLICK, OPEN]"))

    code, out, _ = cli("drift", "spec.yaml", "--against", "live.yaml", cwd=tmp_path)
    assert (code, out) == (
        0,
        "No drift.\n\n0 findings (0 errors, 0 warnings, 0 notes) in 2 files, 0 skipped; 3 suppressed\n",
    )

    sarif = ("--format", "sarif", "-o", "out.sarif")
    code, _, _ = cli("drift", "spec.yaml", "--against", "live.yaml", *sarif, cwd=tmp_path)
    results = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
    assert code == 0
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("DR003", 3),
        ("DR001", 8),
        ("DR003", 15),
    ]
    assert {r["suppressions"][0]["kind"] for r in results} == {"inSource"}
    validate_sarif(tmp_path / "out.sarif")


def test_a_mandatory_drift_rule_ignores_suppressions(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SUPPRESSED_SPEC)
    (tmp_path / "live.yaml").write_text(LIVE_WITHOUT_BOUNCES)
    (tmp_path / ".sesguard.toml").write_text('mandatory = ["DR003"]\n')

    code, document, _ = run_json(cli, tmp_path, "spec.yaml", "--against", "live.yaml")

    assert suppressed(document)[0] == ("DR003", 3, None, [])
    assert document["findings"][1]["message"] == "suppression of DR003 cannot apply: DR003 is mandatory"
    assert code == 1


def test_check_does_not_call_a_drift_suppression_unused(cli, tmp_path):
    """Drift rules report only in `sesguard drift`: `check` never runs them, so it cannot judge theirs."""
    (tmp_path / "spec.yaml").write_text(SUPPRESSED_SPEC)

    code, out, _ = cli("check", "spec.yaml", "--select", "SG,SES301", "--quiet", cwd=tmp_path)

    assert (code, out) == (  # SES301 is check's to judge: TLS is REQUIRE, so its suppression is stale
        1,
        "spec.yaml:6:9: SG100 warning suppression of SES301 matched no finding; remove it [transactional]\n",
    )


def test_a_suppression_comment_without_a_reason_is_checks_to_report_and_changes_no_drift(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text("ConfigurationSets:\n  - Name: transactional  # sesguard: ignore[SES301]\n")
    (tmp_path / "live.yaml").write_text("# sesguard: ignore[SES301]\nConfigurationSets:\n  - Name: rogue\n")

    code, document, _ = run_json(cli, tmp_path, "spec.yaml", "--against", "live.yaml")

    assert (code, suppressed(document)) == (1, [("DR002", 1, None, []), ("DR001", 2, None, [])])
    code, out, _ = cli("check", "spec.yaml", "--select", "SG", "--quiet", cwd=tmp_path)
    assert (code, out.split(": ", 1)[0]) == (2, "spec.yaml:2:26")  # SG002 there, where it belongs


def test_suppressions_are_not_called_stale_when_the_other_side_could_not_be_read(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SUPPRESSED_SPEC)
    (tmp_path / "live.yaml").write_text("ConfigurationSets: [unclosed\n")

    code, document, _ = run_json(cli, tmp_path, "spec.yaml", "--against", "live.yaml")

    assert (code, [f["rule_id"] for f in document["findings"]]) == (2, ["SG001"])
