"""Every injected live fault, in one table: what goes wrong, and what sesguard must do (SPEC §3, §8, §10).

This module is the one place that enumerates the faults a live scan meets — throttling, access
denied, regions not enabled, 5xx storms, timeouts, malformed bodies, expired credentials, sets that
vanish mid-scan, endpoints that are down, roles that cannot be assumed, --deep lookups that fail —
each as one row of `FAULTS`. A row says which `moto_server.Fault`s are injected (a WSGI layer in
front of moto on 127.0.0.1: nothing reaches AWS), the CLI arguments, the exit code, the exact
SG900 gaps as (region, set, message substring), the sets still judged by the rules, and a wall-time
bound (no hang). Whatever cannot be read is an SG900 for exactly that part; the rest of the scan
completes and is judged as if nothing had happened. Hostile *local* inputs are in
test_hostile_inputs.py.

The seed (`live_support.seed_problems`): us-east-1 has `transactional` (clean) and `marketing`,
eu-west-1 has `eu-mail`; rule findings fall on `marketing` and `eu-mail` only. The CLI runs with
AWS_MAX_ATTEMPTS=3 (two retries), or 2 where a row waits for timeouts; timeout rows pass
`--timeout 1` and the fault answers after 3 s.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import time
from dataclasses import dataclass, field

import pytest
from conftest import run_sesguard
from live_support import ACCOUNT, FAKE_CREDENTIALS, live_env, moto, moto_module, seed_problems, seed_targets  # noqa: F401
from moto_server import Fault

REGIONS = ("--region", "us-east-1", "--region", "eu-west-1")
ALL_SETS = frozenset({"marketing", "eu-mail"})  # the sets with rule findings when everything is read
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:ses-bounces"
STREAM = f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/ses-archive"
WHERE_US = f"in account {ACCOUNT}, region us-east-1"
WHERE_EU = f"in account {ACCOUNT}, region eu-west-1"
QUICK = {"AWS_MAX_ATTEMPTS": "2"}  # timeout rows: one retry is enough to prove retries end
TIMEOUT_1S = ("--timeout", "1")
HTML_502 = b"<html><body><h1>502 Bad Gateway</h1></body></html>"


def delete_set(region: str, name: str):
    """A `Fault.before` hook: delete the set in moto's (in-process) backend just before moto answers."""

    def delete() -> None:
        from moto.sesv2.models import sesv2_backends

        sesv2_backends[ACCOUNT][region].delete_configuration_set(name)

    return delete


@dataclass(frozen=True)
class Row:
    id: str
    faults: tuple  # Faults injected for this row (fresh copies per run)
    code: int  # expected exit code
    gaps: tuple  # the exact SG900 findings: (region, set, substring of the message)
    judged: frozenset  # sets that still have their rule findings
    seconds: float = 15  # wall-time bound for the whole CLI run (the default read timeout is 30 s)
    args: tuple = ()
    env: dict = field(default_factory=dict)
    endpoint: str = "moto"  # or "closed" (nothing listens) or "silent" (accepts no connection)
    calls: tuple = ()  # (operation, {request attributes}, expected count): retries are bounded
    why: str = ""  # the decision, where the outcome is not obvious


FAULTS = [
    Row(
        "throttling-recovers",
        (Fault(operation="GetConfigurationSet", set_name="marketing", times=2),),
        code=1,
        gaps=(),
        judged=ALL_SETS,
        calls=(("GetConfigurationSet", {"set": "marketing"}, 3),),
        why="two throttled answers, then moto's: retried, not a failure",
    ),
    Row(
        "throttling-never-recovers-one-set",
        (Fault(operation="GetConfigurationSetEventDestinations", set_name="marketing"),),
        code=2,
        gaps=(
            (
                "us-east-1",
                "marketing",
                "(GetConfigurationSetEventDestinations) "
                f"{WHERE_US}: TooManyRequestsException: injected TooManyRequestsException (after 2 retries)",
            ),
        ),
        judged=frozenset({"eu-mail"}),
        calls=(("GetConfigurationSetEventDestinations", {"set": "marketing"}, 3),),
        why="the half-read set is not judged at all (no rule sees it without its destinations)",
    ),
    Row(
        "access-denied-one-region",
        (Fault("AccessDeniedException", 403, region="eu-west-1", operation="ListConfigurationSets"),),
        code=2,
        gaps=(("eu-west-1", None, f"configuration sets (ListConfigurationSets) {WHERE_EU}: AccessDeniedException"),),
        judged=frozenset({"marketing"}),
        calls=(("ListConfigurationSets", {"region": "eu-west-1"}, 1),),
        why="AccessDenied is not retried",
    ),
    Row(
        "access-denied-one-operation",
        (Fault("AccessDeniedException", 403, operation="GetConfigurationSetEventDestinations"),),
        code=2,
        gaps=(
            ("eu-west-1", "eu-mail", "(GetConfigurationSetEventDestinations) in account 123456789012, region"),
            ("us-east-1", "marketing", "(GetConfigurationSetEventDestinations) in account 123456789012, region"),
            ("us-east-1", "transactional", "(GetConfigurationSetEventDestinations) in account 123456789012, region"),
        ),
        judged=frozenset(),
        why="AccessDeniedException on every set's destinations: no set is judged on half its state",
    ),
    Row(
        "region-not-enabled",
        (Fault("UnrecognizedClientException", 403, region="eu-west-1"),),
        code=2,
        gaps=(
            (
                "eu-west-1",
                None,
                "UnrecognizedClientException: injected UnrecognizedClientException (is the region enabled",
            ),
        ),
        judged=frozenset({"marketing"}),
    ),
    Row(
        "expired-credentials-one-region",
        (Fault("ExpiredTokenException", 403, region="eu-west-1"),),
        code=2,
        gaps=(("eu-west-1", None, "ExpiredTokenException: injected ExpiredTokenException (credentials expired"),),
        judged=frozenset({"marketing"}),
        calls=(("ListConfigurationSets", {"region": "eu-west-1"}, 1),),
    ),
    Row(
        "503-one-region",
        (Fault("ServiceUnavailable", 503, region="eu-west-1"),),
        code=2,
        gaps=(("eu-west-1", None, f"{WHERE_EU}: ServiceUnavailable: injected ServiceUnavailable (after 2 retries)"),),
        judged=frozenset({"marketing"}),
        calls=(("ListConfigurationSets", {"region": "eu-west-1"}, 3),),
    ),
    Row(
        "500-storm-every-call-one-region",
        (
            Fault("InternalFailure", 500, region="us-east-1", operation="GetConfigurationSet"),
            Fault("InternalFailure", 500, region="eu-west-1"),
        ),  # fmt: skip
        code=2,
        gaps=(
            ("eu-west-1", None, "(ListConfigurationSets) in account"),
            ("us-east-1", "marketing", "InternalFailure: injected InternalFailure (after 2 retries)"),
            ("us-east-1", "transactional", "InternalFailure: injected InternalFailure (after 2 retries)"),
        ),
        judged=frozenset(),
        calls=(
            ("ListConfigurationSets", {"region": "eu-west-1"}, 3),
            ("GetConfigurationSet", {"region": "us-east-1"}, 6),
            ("GetConfigurationSetEventDestinations", {}, 0),
        ),
        why="every sesv2 answer in eu-west-1 and every set read in us-east-1 is a 500: three attempts each",
    ),
    Row(
        "5xx-storm-on-all-calls",
        (Fault("InternalFailure", 500),),
        code=2,
        gaps=((None, None, "the caller's account (sts:GetCallerIdentity): InternalFailure"),),
        judged=frozenset(),
        seconds=10,
        calls=(("GetCallerIdentity", {}, 3), ("ListConfigurationSets", {}, 0)),
        why="the account itself cannot be identified: one SG900 for everything, nothing else is tried",
    ),
    Row(
        "read-timeout-one-set",
        (Fault(None, delay=3, operation="GetConfigurationSet", set_name="marketing"),),
        code=2,
        gaps=(
            (
                "us-east-1",
                "marketing",
                f"(GetConfigurationSet) {WHERE_US}: timed out: no answer within 1 s (read timeout",
            ),
        ),
        judged=frozenset({"eu-mail"}),
        args=TIMEOUT_1S,
        env=QUICK,
        calls=(("GetConfigurationSet", {"set": "marketing"}, 2),),
    ),
    Row(
        "read-timeout-whole-region",
        (Fault(None, delay=3, region="eu-west-1"),),
        code=2,
        gaps=(("eu-west-1", None, f"(ListConfigurationSets) {WHERE_EU}: timed out: no answer within 1 s"),),
        judged=frozenset({"marketing"}),
        args=TIMEOUT_1S,
        env=QUICK,
        why="a hung region costs --timeout per attempt and does not hold up the other region's sets",
    ),
    Row(
        "connect-timeout-endpoint-accepts-nothing",
        (),
        code=2,
        gaps=((None, None, "(sts:GetCallerIdentity): timed out: no connection within 1 s (connect timeout)"),),
        judged=frozenset(),
        args=TIMEOUT_1S,
        env=QUICK,
        endpoint="silent",
    ),
    Row(
        "endpoint-down",
        (),
        code=2,
        gaps=((None, None, "(sts:GetCallerIdentity): endpoint unreachable: http://127.0.0.1:"),),
        judged=frozenset(),
        endpoint="closed",
    ),
    Row(
        "malformed-200-html-list-one-region",
        (Fault(status=200, body=HTML_502, region="eu-west-1", operation="ListConfigurationSets"),),
        code=2,
        gaps=(("eu-west-1", None, "malformed response to ListConfigurationSets (HTTP 200: not JSON)"),),
        judged=frozenset({"marketing"}),
        why="botocore alone parses this as a page without sets: the region would pass silently",
    ),
    Row(
        "malformed-200-truncated-json-destinations-one-set",
        (
            Fault(
                status=200,
                body=b'{"EventDestinations": [{"Name": "op',
                operation="GetConfigurationSetEventDestinations",
                set_name="marketing",
            ),
        ),  # fmt: skip
        code=2,
        gaps=(
            (
                "us-east-1",
                "marketing",
                "malformed response to GetConfigurationSetEventDestinations (HTTP 200: truncated JSON)",
            ),
        ),
        judged=frozenset({"eu-mail"}),
        why="botocore alone parses this as a set without destinations, which the rules would misjudge",
    ),
    Row(
        "malformed-200-json-without-fields-one-set",
        (Fault(status=200, body=b"{}", operation="GetConfigurationSet", set_name="marketing"),),
        code=2,
        gaps=(
            ("us-east-1", "marketing", "(GetConfigurationSet) in account 123456789012, region us-east-1: malformed"),
        ),
        judged=frozenset({"eu-mail"}),
    ),
    Row(
        "set-deleted-between-list-and-get",
        (
            Fault(
                None,
                before=delete_set("us-east-1", "marketing"),
                operation="GetConfigurationSet",
                set_name="marketing",
                times=1,
            ),
        ),  # fmt: skip
        code=1,
        gaps=(),
        judged=frozenset({"eu-mail"}),
        why=(
            "moto answers NotFoundException: the set no longer exists, so nothing is left unread. Not an SG900 "
            "(the scan is complete for what exists), just absent, as for a set created after the listing and "
            "as Prowler and other inventory scanners treat resources that vanish mid-scan"
        ),
    ),
    Row(
        "set-deleted-between-get-and-destinations",
        (
            Fault(
                None,
                before=delete_set("us-east-1", "marketing"),
                operation="GetConfigurationSetEventDestinations",
                set_name="marketing",
                times=1,
            ),
        ),  # fmt: skip
        code=1,
        gaps=(),
        judged=frozenset({"eu-mail"}),
        why="the same decision one call later: a set that no longer exists is absent, not unread",
    ),
    Row(
        "role-not-assumable",
        (Fault("AccessDenied", 403, operation="AssumeRole"),),
        code=2,
        gaps=((None, None, f"(sts:AssumeRole arn:aws:iam::{ACCOUNT}:role/audit) in account {ACCOUNT}: AccessDenied"),),
        judged=frozenset(),
        args=("--role-arn", "arn:aws:iam::{account}:role/audit", "--account", ACCOUNT),
    ),
    Row(
        "deep-lookup-denied",
        (Fault("AuthorizationError", 403, operation="GetTopicAttributes"),),
        code=2,
        gaps=(("us-east-1", None, f"SNS topic {TOPIC} (--deep lookup) {WHERE_US}: AuthorizationError"),),
        judged=ALL_SETS,
        args=("--deep",),
        calls=(("GetTopicAttributes", {}, 1),),
        why="the topic is left without state (no SES401 guessed); the sets themselves are still judged",
    ),
    Row(
        "deep-lookup-timeout",
        (Fault(None, delay=3, operation="DescribeDeliveryStream"),),
        code=2,
        gaps=(("us-east-1", None, f"Firehose delivery stream {STREAM} (--deep lookup) {WHERE_US}: timed out"),),
        judged=ALL_SETS,
        args=("--deep", *TIMEOUT_1S),
        env=QUICK,
    ),
    Row(
        "deep-lookup-malformed-200-xml",
        (Fault(status=200, body=HTML_502, operation="GetTopicAttributes"),),
        code=2,
        gaps=(
            ("us-east-1", None, "malformed response to GetTopicAttributes (HTTP 200: not a GetTopicAttributesResponse"),
        ),
        judged=ALL_SETS,
        args=("--deep",),
    ),
]


def _endpoint(kind: str, server, stack) -> str:
    if kind == "moto":
        return server.url
    listener = socket.socket()
    stack.append(listener)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    if kind == "silent":  # a full accept queue: the kernel drops further SYNs, so connect() times out
        listener.listen(0)
        for _ in range(3):
            filler = socket.socket()
            stack.append(filler)
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
    return f"http://127.0.0.1:{port}"  # "closed": bound, never listening: connection refused


@pytest.mark.parametrize("row", FAULTS, ids=[row.id for row in FAULTS])
def test_fault(row: Row, moto, live_env):  # noqa: F811
    seed_problems(moto)
    if "--deep" in row.args:
        seed_targets(moto)
    moto.injector.requests.clear()  # count only the scan's own calls
    moto.injector.faults.extend(dataclasses.replace(fault, hits=0) for fault in row.faults)
    sockets = []
    try:
        endpoint = _endpoint(row.endpoint, moto, sockets)
        started = time.monotonic()
        run = run_sesguard(
            "scan", "--endpoint-url", endpoint, *REGIONS, "--format", "json", *row.args, env={**live_env, **row.env}
        )
        elapsed = time.monotonic() - started
    finally:
        for sock in sockets:
            sock.close()

    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    assert run.code == row.code, run.stderr
    assert elapsed < row.seconds, f"took {elapsed:.1f} s"
    assert FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"] not in run.stdout + run.stderr
    findings = run.json()["findings"]
    gaps = sorted(((f["region"], f["set"]), f["message"]) for f in findings if f["rule_id"] == "SG900")
    expected = sorted(((region, name), text) for region, name, text in row.gaps)
    assert [where for where, _ in gaps] == [where for where, _ in expected], run.stderr
    for (_, message), (where, text) in zip(gaps, expected):
        assert message.startswith("not read: ") and text in message, (where, message)
    assert {f["set"] for f in findings if f["rule_id"] != "SG900"} == row.judged
    # stderr: one "not covered" line per gap and the summary, or nothing about coverage at all
    assert run.stderr.count("sesguard: not covered: ") == len(row.gaps), run.stderr
    assert ("sesguard: incomplete scan" in run.stderr) == bool(row.gaps), run.stderr
    for operation, where, count in row.calls:
        assert moto.injector.count(operation, **where) == count, (operation, where)


def test_the_table_covers_every_kind_of_fault():
    """A reviewer's checklist: each fault of issue 7 has a row (and the ids are unique)."""
    ids = [row.id for row in FAULTS]
    assert len(ids) == len(set(ids))
    for needed in (
        "throttling", "access-denied", "region-not-enabled", "expired-credentials", "503", "500-storm",
        "5xx-storm-on-all", "read-timeout", "connect-timeout", "endpoint-down", "malformed-200",
        "set-deleted", "role-not-assumable", "deep-lookup-denied", "deep-lookup-timeout",
    ):  # fmt: skip
        assert any(needed in row_id for row_id in ids), needed


# --- one-off assertions that do not fit a row ---------------------------------------------------


def scan(server, env, *args):
    run = run_sesguard("scan", "--endpoint-url", server.url, *REGIONS, *args, env=env)
    assert "Traceback" not in run.stderr, run.stderr
    return run


def test_gap_names_account_region_set_and_logical_file(moto, live_env):  # noqa: F811
    seed_problems(moto)
    moto.injector.faults.append(Fault(operation="GetConfigurationSetEventDestinations", set_name="marketing"))
    run = scan(moto, live_env, "--format", "json")
    [gap] = [f for f in run.json()["findings"] if f["rule_id"] == "SG900"]
    assert (gap["account"], gap["region"], gap["set"]) == (ACCOUNT, "us-east-1", "marketing")
    assert gap["file"] == f"sesv2/{ACCOUNT}/us-east-1/marketing"
    assert "not covered: 123456789012/us-east-1/marketing: event destinations" in run.stderr
    assert "incomplete scan: 1 part(s) of the live state not read (SG900); 2 configuration sets checked" in run.stderr


def test_region_gap_is_located_at_the_region(moto, live_env):  # noqa: F811
    seed_problems(moto)
    moto.injector.faults.append(
        Fault("AccessDeniedException", 403, region="eu-west-1", operation="ListConfigurationSets")
    )
    run = scan(moto, live_env, "--format", "json")
    [gap] = [f for f in run.json()["findings"] if f["rule_id"] == "SG900"]
    assert gap["message"].startswith(f"not read: configuration sets (ListConfigurationSets) in account {ACCOUNT}")
    assert (gap["account"], gap["set"], gap["file"]) == (ACCOUNT, None, f"sesv2/{ACCOUNT}/eu-west-1")
    assert len([f for f in run.json()["findings"] if f["set"] == "marketing"]) == 6  # us-east-1 intact


def test_partial_scan_sarif_is_valid_and_says_what_was_not_read(moto, live_env, tmp_path, validate_sarif):  # noqa: F811
    seed_problems(moto)
    moto.injector.faults.append(Fault(status=200, body=HTML_502, region="eu-west-1", operation="ListConfigurationSets"))
    sarif = tmp_path / "partial.sarif"
    run = scan(moto, live_env, "--format", "sarif", "-o", sarif)
    assert run.code == 2
    validate_sarif(sarif)
    invocation = json.loads(sarif.read_text())["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [notification] = invocation["toolExecutionNotifications"]
    assert notification["descriptor"] == {"id": "SG900"}
    assert "eu-west-1" in notification["message"]["text"] and "malformed response" in notification["message"]["text"]


def test_snapshot_under_a_malformed_answer_is_marked_incomplete(moto, live_env, tmp_path):  # noqa: F811
    seed_problems(moto)
    moto.injector.faults.append(
        Fault(status=200, body=b'{"EventDestinations": [', operation="GetConfigurationSetEventDestinations")
    )
    out = tmp_path / "snapshot.yaml"
    run = run_sesguard("snapshot", "--endpoint-url", moto.url, *REGIONS, "-o", out, env=live_env)
    assert run.code == 2 and "Traceback" not in run.stderr
    text = out.read_text()
    assert "INCOMPLETE" in text and "marketing" not in text  # no set written from half its state
