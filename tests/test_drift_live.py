"""`sesguard drift` against live state (moto over HTTP): the DR rules' fixtures (SPEC §5, §8).

Each test snapshots the seeded state as the spec, changes one thing live, and asserts the exact
findings (id, spec line, message, set, destination) that `drift` then reports.
"""

from __future__ import annotations

import pytest
from live_support import (  # noqa: F401
    ACCOUNT,
    ALL_EVENTS,
    client,
    create_set,
    live_env,
    moto,
    moto_module,
    seed_problems,
    sns_arn,
)

REGIONS = ("--region", "us-east-1", "--region", "eu-west-1")


@pytest.fixture
def spec(moto, live_env, tmp_path, cli):  # noqa: F811
    """A fresh snapshot of the seeded state, written as `spec.yaml` in `tmp_path`."""
    seed_problems(moto)
    code, _, err = cli("snapshot", "--endpoint-url", moto.url, *REGIONS, "-o", "spec.yaml", cwd=tmp_path)
    assert code == 0, err
    return tmp_path / "spec.yaml"


def drift(cli, moto, cwd, *args):  # noqa: F811
    code, out, err = cli("drift", "spec.yaml", "--endpoint-url", moto.url, *REGIONS, "--format", "json", *args, cwd=cwd)
    import json

    return code, json.loads(out)["findings"], err


def found(findings) -> list:
    return [(f["rule_id"], f["line"], f["message"], f["set"], f["destination"]) for f in findings]


def line_of(path, text: str, after: str | None = None) -> int:
    """The 1-based line of the first line containing `text` (after the first containing `after`)."""
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i in range(start, len(lines)) if text in lines[i]) + 1


def sesv2(moto, region="us-east-1"):  # noqa: F811
    return client(moto, "sesv2", region)


def test_fresh_snapshot_has_no_drift(spec, cli, moto):  # noqa: F811
    code, findings, err = drift(cli, moto, spec.parent)
    assert (code, findings) == (0, []), err
    code, out, _ = cli("drift", "spec.yaml", "--endpoint-url", moto.url, *REGIONS, cwd=spec.parent)
    assert code == 0 and out.startswith("No drift.")


def test_destination_disabled(spec, cli, moto):  # noqa: F811
    destination = {
        "Enabled": False,
        "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
        "SnsDestination": {"TopicArn": sns_arn("us-east-1", "ses-bounces")},
    }
    sesv2(moto).update_configuration_set_event_destination(
        ConfigurationSetName="transactional", EventDestinationName="bounces", EventDestination=destination
    )
    code, findings, _ = drift(cli, moto, spec.parent)
    line = _line_in_set(spec, "transactional", "bounces", "Enabled:")
    assert line != _line_in_set(spec, "eu-mail", "bounces", "Enabled:")  # same destination name, other set
    message = "EventDestinations[bounces].Enabled: spec=true live=false"
    assert code == 1
    assert found(findings) == [("DR003", line, message, "transactional", "bounces")]
    assert findings[0]["diff"] == {
        "change": "changed",
        "field": "EventDestinations[bounces].Enabled",
        "spec": True,
        "live": False,
    }


def test_event_type_removed(spec, cli, moto):  # noqa: F811
    destination = {
        "Enabled": True,
        "MatchingEventTypes": ["BOUNCE"],
        "SnsDestination": {"TopicArn": sns_arn("us-east-1", "ses-bounces")},
    }
    sesv2(moto).update_configuration_set_event_destination(
        ConfigurationSetName="transactional", EventDestinationName="bounces", EventDestination=destination
    )
    code, findings, _ = drift(cli, moto, spec.parent)
    line = _line_in_set(spec, "transactional", "bounces", "MatchingEventTypes:")
    message = "EventDestinations[bounces].MatchingEventTypes: spec=[BOUNCE, COMPLAINT] live=[BOUNCE]"
    assert found(findings) == [("DR003", line, message, "transactional", "bounces")]
    assert findings[0]["diff"]["spec"] == ["BOUNCE", "COMPLAINT"] and findings[0]["diff"]["live"] == ["BOUNCE"]


def test_target_arn_changed(spec, cli, moto):  # noqa: F811
    destination = {
        "Enabled": True,
        "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
        "SnsDestination": {"TopicArn": sns_arn("us-east-1", "elsewhere")},
    }
    sesv2(moto).update_configuration_set_event_destination(
        ConfigurationSetName="transactional", EventDestinationName="bounces", EventDestination=destination
    )
    code, findings, _ = drift(cli, moto, spec.parent)
    line = _line_in_set(spec, "transactional", "bounces", "TopicArn:")
    message = (
        "EventDestinations[bounces].SnsDestination.TopicArn: "
        f"spec={sns_arn('us-east-1', 'ses-bounces')} live={sns_arn('us-east-1', 'elsewhere')}"
    )
    assert found(findings) == [("DR003", line, message, "transactional", "bounces")]
    assert findings[0]["field"] == "SnsDestination.TopicArn"


def test_destination_added_by_hand(spec, cli, moto):  # noqa: F811
    sesv2(moto).create_configuration_set_event_destination(
        ConfigurationSetName="transactional",
        EventDestinationName="debug",
        EventDestination={"Enabled": True, "MatchingEventTypes": ["SEND"],
                          "SnsDestination": {"TopicArn": sns_arn("us-east-1", "debug")}},
    )  # fmt: skip
    code, findings, _ = drift(cli, moto, spec.parent)
    line = line_of(spec, "Name: transactional")
    message = "event destination exists live but not in the spec"
    assert code == 1  # a warning fails at the default --fail-on warning
    assert found(findings) == [("DR002", line, message, "transactional", "debug")]
    code, findings, _ = drift(cli, moto, spec.parent, "--only-named-sets")
    assert found(findings) == [("DR002", line, message, "transactional", "debug")]


def test_set_deleted(spec, cli, moto):  # noqa: F811
    sesv2(moto).delete_configuration_set(ConfigurationSetName="marketing")
    code, findings, _ = drift(cli, moto, spec.parent)
    line = line_of(spec, "Name: marketing")
    assert code == 1
    assert found(findings) == [("DR001", line, "configuration set is missing live", "marketing", None)]
    assert findings[0]["region"] == "us-east-1" and findings[0]["account"] == ACCOUNT


def test_tls_policy_changed(spec, cli, moto):  # noqa: F811
    sesv2(moto).put_configuration_set_delivery_options(ConfigurationSetName="transactional", TlsPolicy="OPTIONAL")
    code, findings, _ = drift(cli, moto, spec.parent)
    line = _line_in_set(spec, "transactional", None, "TlsPolicy:")
    message = "DeliveryOptions.TlsPolicy: spec=REQUIRE live=OPTIONAL"
    assert found(findings) == [("DR003", line, message, "transactional", None)]


def test_set_made_by_hand_only_inside_the_specs_regions(spec, cli, moto, tmp_path):  # noqa: F811
    create_set(moto, "us-east-1", "rogue")
    create_set(moto, "ap-south-1", "elsewhere")
    code, findings, _ = drift(cli, moto, spec.parent, "--region", "ap-south-1")
    assert found(findings) == [("DR002", 1, "configuration set exists live but not in the spec", "rogue", None)]
    assert findings[0]["region"] == "us-east-1" and findings[0]["file"] == "spec.yaml"
    assert findings[0]["arn"] == f"arn:aws:ses:us-east-1:{ACCOUNT}:configuration-set/rogue"
    code, findings, _ = drift(cli, moto, spec.parent, "--only-named-sets")
    assert (code, findings) == (0, [])


def test_unreadable_region_is_sg900_never_no_drift(spec, cli, moto, validate_sarif):  # noqa: F811
    from moto_server import Fault

    sesv2(moto, "eu-west-1").delete_configuration_set(ConfigurationSetName="eu-mail")
    moto.injector.faults.append(Fault("AccessDeniedException", 403, region="eu-west-1"))
    code, findings, err = drift(cli, moto, spec.parent)
    assert code == 2
    assert [f["rule_id"] for f in findings] == ["SG900"]  # eu-mail is not called missing: it was not read
    assert "eu-west-1" in findings[0]["message"] and "eu-west-1" in err
    code, out, _ = cli("drift", "spec.yaml", "--endpoint-url", moto.url, *REGIONS, cwd=spec.parent)
    assert code == 2 and "No drift" not in out and "SG900" in out
    code, _, _ = cli(
        "drift", "spec.yaml", "--endpoint-url", moto.url, *REGIONS, "--format", "sarif", "-o", "out.sarif",
        cwd=spec.parent,
    )  # fmt: skip
    assert code == 2
    validate_sarif(spec.parent / "out.sarif")


def test_text_view_and_sarif_of_drift(spec, cli, moto, validate_sarif):  # noqa: F811
    sesv2(moto).put_configuration_set_delivery_options(ConfigurationSetName="transactional", TlsPolicy="OPTIONAL")
    sesv2(moto).delete_configuration_set(ConfigurationSetName="marketing")
    create_set(moto, "us-east-1", "rogue")
    code, out, _ = cli("drift", "spec.yaml", "--endpoint-url", moto.url, *REGIONS, cwd=spec.parent)
    tls = _line_in_set(spec, "transactional", None, "TlsPolicy:")
    marketing = line_of(spec, "Name: marketing")
    assert code == 1
    assert f"+ configuration set marketing ({ACCOUNT} us-east-1): missing live  # spec.yaml:{marketing}:" in out
    assert f"- configuration set rogue ({ACCOUNT} us-east-1): live, not in the spec  # spec.yaml:1:1 DR002" in out
    assert f"~ configuration set transactional ({ACCOUNT} us-east-1)\n" in out
    assert f"    ~ DeliveryOptions.TlsPolicy: spec=REQUIRE live=OPTIONAL  # spec.yaml:{tls}:" in out
    assert out.rstrip().endswith("3 findings (2 errors, 1 warning, 0 notes) in 1 file, 0 skipped")
    code, _, _ = cli(
        "drift", "spec.yaml", "--endpoint-url", moto.url, *REGIONS, "--format", "sarif", "-o", "out.sarif",
        cwd=spec.parent,
    )  # fmt: skip
    assert code == 1
    validate_sarif(spec.parent / "out.sarif")
    code, out, _ = cli(
        "drift", "spec.yaml", "--endpoint-url", moto.url, *REGIONS, "--format", "github", cwd=spec.parent
    )
    assert f"::error file=spec.yaml,line={tls}," in out


TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Topic:
    Type: String
Resources:
  Set:
    Type: AWS::SES::ConfigurationSet
    Properties:
      Name: orders
      DeliveryOptions:
        TlsPolicy: REQUIRE
  Bounces:
    Type: AWS::SES::ConfigurationSetEventDestination
    Properties:
      ConfigurationSetName: !Ref Set
      EventDestination:
        Name: bounces
        Enabled: true
        MatchingEventTypes: [bounce, complaint, renderingFailure]
        SnsDestination:
          TopicARN: !Ref Topic
"""


def test_cloudformation_template_against_a_snapshot(moto, live_env, tmp_path, cli):  # noqa: F811
    """Offline: the template's casing and lower-camel event types are no drift; !Ref values never drift."""
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    destination = {"Name": "bounces", "Enabled": True,
                   "MatchingEventTypes": ["RENDERING_FAILURE", "COMPLAINT", "BOUNCE"],
                   "SnsDestination": {"TopicArn": sns_arn("us-east-1", "whatever-the-parameter-was")}}  # fmt: skip
    create_set(moto, "us-east-1", "orders", [destination], DeliveryOptions={"TlsPolicy": "REQUIRE"})

    def snapshot_and_drift():
        code, _, err = cli(
            "snapshot", "--endpoint-url", moto.url, "--region", "us-east-1", "-o", "snap.yaml", cwd=tmp_path
        )
        assert code == 0, err
        import json

        code, out, _ = cli("drift", "template.yaml", "--against", "snap.yaml", "--format", "json", cwd=tmp_path)
        return code, json.loads(out)["findings"]

    assert snapshot_and_drift() == (0, [])
    sesv2(moto).put_configuration_set_delivery_options(ConfigurationSetName="orders", TlsPolicy="OPTIONAL")
    code, findings = snapshot_and_drift()
    message = "DeliveryOptions.TlsPolicy: spec=REQUIRE live=OPTIONAL"
    assert code == 1
    assert found(findings) == [("DR003", 11, message, "orders", None)]
    assert findings[0]["file"] == "template.yaml" and findings[0]["source_kind"] == "cloudformation"
    # orders was read from the snapshot's region: the template names none, so it matches by name.
    assert findings[0]["region"] == "us-east-1"


def _line_in_set(path, set_name: str, destination: str | None, text: str) -> int:
    """The line of `text` inside set `set_name` (inside its destination `destination`, if given)."""
    lines = path.read_text().splitlines()
    start = next(
        i
        for i, line in enumerate(lines)
        if line.strip() == f"- Name: {set_name}" or line.strip() == f"Name: {set_name}"
    )
    # A set's entry runs until the next top-level list item.
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("- ")), len(lines))
    if destination is not None:
        start = next(i for i in range(start, end) if lines[i].strip() == f"- Name: {destination}")
    return next(i for i in range(start, end) if text in lines[i]) + 1
