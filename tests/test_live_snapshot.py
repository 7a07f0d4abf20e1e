"""`sesguard snapshot`: live state as a native spec that `check` reads exactly as `scan` did."""

from __future__ import annotations

import json

import yaml
from conftest import REPO, run_sesguard
from live_support import ALL_EVENTS, create_set, live_env, moto, moto_module, seed_problems  # noqa: F401

REGIONS = ("--region", "us-east-1", "--region", "eu-west-1")


def comparable(run) -> list:
    return sorted(
        (f["rule_id"], f["level"], f["set"], f["destination"], f["message"], f["account"], f["region"], f["field"])
        for f in run.json()["findings"]
    )


def seed_more(server) -> None:
    create_set(
        server,
        "us-east-1",
        "options",
        [{"Name": "pin", "Enabled": True, "MatchingEventTypes": ["DELIVERY_DELAY"],
          "PinpointDestination": {"ApplicationArn": "arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc"}},
         {"Name": "bus", "Enabled": True, "MatchingEventTypes": ALL_EVENTS,
          "EventBridgeDestination": {"EventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/custom"}}],
        TrackingOptions={"CustomRedirectDomain": "click.example.com", "HttpsPolicy": "OPTIONAL"},
        SuppressionOptions={"SuppressedReasons": ["BOUNCE"]},
        Tags=[{"Key": "team", "Value": "mail"}],
    )  # fmt: skip


def test_check_of_a_snapshot_reports_exactly_what_scan_reports(moto, live_env, tmp_path):  # noqa: F811
    seed_problems(moto)
    seed_more(moto)
    snapshot = tmp_path / "snapshot.yaml"
    made = run_sesguard("snapshot", "--endpoint-url", moto.url, *REGIONS, "-o", snapshot, env=live_env)
    assert made.code == 0, made.stderr
    scanned = run_sesguard("scan", "--endpoint-url", moto.url, *REGIONS, "--format", "json", env=live_env)
    checked = run_sesguard("check", snapshot, "--format", "json", env=live_env)
    assert scanned.code == checked.code == 1
    assert comparable(checked) == comparable(scanned)
    assert len(comparable(scanned)) > 15
    assert {f["source_kind"] for f in checked.json()["findings"]} == {"spec"}


def test_snapshot_is_sorted_stable_and_valid(moto, live_env, tmp_path):  # noqa: F811
    seed_problems(moto)
    seed_more(moto)
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for path in (first, second):
        assert run_sesguard("snapshot", "--endpoint-url", moto.url, *REGIONS, "-o", path, env=live_env).code == 0
    assert first.read_bytes() == second.read_bytes()
    document = yaml.safe_load(first.read_text())
    keys = [(s["Account"], s["Region"], s["Name"]) for s in document["ConfigurationSets"]]
    assert keys == sorted(keys) and len(keys) == 4
    import jsonschema

    schema = json.loads((REPO / "sesguard" / "schemas" / "spec.schema.json").read_text())
    jsonschema.validate(document, schema)
    transactional = next(s for s in document["ConfigurationSets"] if s["Name"] == "transactional")
    assert [d["Name"] for d in transactional["EventDestinations"]] == ["archive", "bounces"]
    assert transactional["DeliveryOptions"] == {"TlsPolicy": "REQUIRE"}


def test_snapshot_to_stdout_and_incomplete_snapshot_exits_2(moto, live_env):  # noqa: F811
    from moto_server import Fault

    seed_problems(moto)
    run = run_sesguard("snapshot", "--endpoint-url", moto.url, "--region", "us-east-1", env=live_env)
    assert run.code == 0 and "Name: marketing" in run.stdout
    moto.injector.faults.append(Fault("AccessDeniedException", 403, region="eu-west-1"))
    run = run_sesguard("snapshot", "--endpoint-url", moto.url, *REGIONS, env=live_env)
    assert run.code == 2
    assert "INCOMPLETE" in run.stdout and "eu-west-1" in run.stderr
