"""Partial failures are reported (SG900, exit 2), never passed, and never hide the rest (SPEC §8).

Faults come from `moto_server.FaultInjector`, a WSGI layer in front of moto. The CLI runs with
AWS_MAX_ATTEMPTS=3, so "throttling after retries" is three throttled answers.
"""

from __future__ import annotations

import json
import socket

from conftest import run_sesguard
from live_support import ACCOUNT, live_env, moto, moto_module, seed_problems  # noqa: F401
from moto_server import Fault

REGIONS = ("--region", "us-east-1", "--region", "eu-west-1")


def scan_json(server, env, *args, endpoint=None):
    run = run_sesguard("scan", "--endpoint-url", endpoint or server.url, *REGIONS, "--format", "json", *args, env=env)
    assert "Traceback" not in run.stderr, run.stderr
    return run, (run.json()["findings"] if run.stdout else [])


def by_rule(findings, rule_id):
    return [f for f in findings if f["rule_id"] == rule_id]


def sets_with_rule_findings(findings):
    return {f["set"] for f in findings if f["rule_id"] != "SG900"}


def test_throttling_that_recovers_is_not_a_failure(moto, live_env):  # noqa: F811
    seed_problems(moto)
    moto.injector.faults.append(Fault(operation="GetConfigurationSet", set_name="marketing", times=2))
    run, findings = scan_json(moto, live_env)
    assert run.code == 1, run.stderr
    assert not by_rule(findings, "SG900")
    assert sets_with_rule_findings(findings) == {"marketing", "eu-mail"}
    assert moto.injector.count("GetConfigurationSet", set="marketing") == 3  # two throttled, one answered


def test_throttling_that_never_recovers_is_sg900_for_exactly_that_set(moto, live_env):  # noqa: F811
    seed_problems(moto)
    moto.injector.faults.append(Fault(operation="GetConfigurationSetEventDestinations", set_name="marketing"))
    run, findings = scan_json(moto, live_env)
    assert run.code == 2
    [gap] = by_rule(findings, "SG900")
    assert gap["set"] == "marketing" and gap["region"] == "us-east-1" and gap["account"] == ACCOUNT
    assert "GetConfigurationSetEventDestinations" in gap["message"]
    assert "TooManyRequestsException" in gap["message"] and "retries" in gap["message"]
    assert gap["file"] == f"sesv2/{ACCOUNT}/us-east-1/marketing"
    assert sets_with_rule_findings(findings) == {"eu-mail"}  # the half-read set is not judged; the rest is
    assert moto.injector.count("GetConfigurationSetEventDestinations", set="marketing") == 3
    assert "not covered" in run.stderr and "marketing" in run.stderr


def test_access_denied_on_one_region(moto, live_env, tmp_path, validate_sarif):  # noqa: F811
    seed_problems(moto)
    moto.injector.faults.append(
        Fault("AccessDeniedException", 403, region="eu-west-1", operation="ListConfigurationSets")
    )
    run, findings = scan_json(moto, live_env)
    assert run.code == 2
    [gap] = by_rule(findings, "SG900")
    assert (gap["account"], gap["region"], gap["set"]) == (ACCOUNT, "eu-west-1", None)
    assert gap["message"].startswith(f"not read: configuration sets (ListConfigurationSets) in account {ACCOUNT}")
    assert "AccessDeniedException" in gap["message"]
    assert gap["file"] == f"sesv2/{ACCOUNT}/eu-west-1"
    assert sets_with_rule_findings(findings) == {"marketing"}  # us-east-1 intact
    assert len([f for f in findings if f["set"] == "marketing"]) == 6
    assert moto.injector.count("ListConfigurationSets", region="eu-west-1") == 1  # AccessDenied is not retried
    assert "sesguard: incomplete scan" in run.stderr

    sarif = tmp_path / "partial.sarif"
    run = run_sesguard("scan", "--endpoint-url", moto.url, *REGIONS, "--format", "sarif", "-o", sarif, env=live_env)
    assert run.code == 2
    validate_sarif(sarif)
    invocation = json.loads(sarif.read_text())["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [notification] = invocation["toolExecutionNotifications"]
    assert notification["descriptor"] == {"id": "SG900"} and "eu-west-1" in notification["message"]["text"]


def test_access_denied_on_one_operation(moto, live_env):  # noqa: F811
    seed_problems(moto)
    moto.injector.faults.append(Fault("AccessDeniedException", 403, operation="GetConfigurationSetEventDestinations"))
    run, findings = scan_json(moto, live_env)
    assert run.code == 2
    gaps = by_rule(findings, "SG900")
    assert sorted((g["region"], g["set"]) for g in gaps) == [
        ("eu-west-1", "eu-mail"),
        ("us-east-1", "marketing"),
        ("us-east-1", "transactional"),
    ]
    assert all("GetConfigurationSetEventDestinations" in g["message"] for g in gaps)
    assert sets_with_rule_findings(findings) == set()  # no set judged on half its state


def test_region_not_enabled_says_so(moto, live_env):  # noqa: F811
    seed_problems(moto)
    moto.injector.faults.append(Fault("UnrecognizedClientException", 403, region="eu-west-1"))
    run, findings = scan_json(moto, live_env)
    assert run.code == 2
    [gap] = by_rule(findings, "SG900")
    assert gap["region"] == "eu-west-1" and "opt-in" in gap["message"]
    assert sets_with_rule_findings(findings) == {"marketing"}


def test_failing_endpoint_for_one_region(moto, live_env):  # noqa: F811
    seed_problems(moto)
    moto.injector.faults.append(Fault("ServiceUnavailable", 503, region="eu-west-1"))
    run, findings = scan_json(moto, live_env)
    assert run.code == 2
    [gap] = by_rule(findings, "SG900")
    assert gap["region"] == "eu-west-1" and "ServiceUnavailable" in gap["message"]
    assert sets_with_rule_findings(findings) == {"marketing"}


def test_endpoint_that_is_down(live_env):  # noqa: F811
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run, findings = scan_json(None, live_env, endpoint=f"http://127.0.0.1:{port}")
    assert run.code == 2
    [gap] = by_rule(findings, "SG900")
    assert "endpoint unreachable" in gap["message"] and "GetCallerIdentity" in gap["message"]
    assert "sesguard: not covered" in run.stderr


def test_role_that_cannot_be_assumed_is_sg900_for_that_account(moto, live_env):  # noqa: F811
    seed_problems(moto)
    moto.injector.faults.append(Fault("AccessDenied", 403, operation="AssumeRole"))
    run, findings = scan_json(moto, live_env, "--role-arn", "arn:aws:iam::{account}:role/audit", "--account", ACCOUNT)
    assert run.code == 2
    [gap] = by_rule(findings, "SG900")
    assert gap["account"] == ACCOUNT and "sts:AssumeRole" in gap["message"] and "AccessDenied" in gap["message"]
    assert gap["file"] == f"sesv2/{ACCOUNT}"
