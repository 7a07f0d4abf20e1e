"""`sesguard scan` against moto over real HTTP: findings, exit codes, SARIF, call counts, regions."""

from __future__ import annotations

import json

from conftest import run_sesguard
from live_support import ACCOUNT, create_set, live_env, moto, moto_module, seed_problems  # noqa: F401

REGIONS = ("--region", "us-east-1", "--region", "eu-west-1")
SEEDED = [
    ("SES203", "eu-mail", None, "eu-west-1"),
    ("SES204", "eu-mail", None, "eu-west-1"),
    ("SES206", "eu-mail", "bounces", "eu-west-1"),
    ("SES305", "eu-mail", None, "eu-west-1"),
    ("SES201", "marketing", None, "us-east-1"),
    ("SES202", "marketing", "opens", "us-east-1"),
    ("SES203", "marketing", None, "us-east-1"),
    ("SES204", "marketing", None, "us-east-1"),
    ("SES301", "marketing", None, "us-east-1"),
    ("SES303", "marketing", None, "us-east-1"),
]


def scan(server, env, *args):
    return run_sesguard("scan", "--endpoint-url", server.url, *args, env=env)


def identities(run) -> list:
    return sorted((f["rule_id"], f["set"], f["destination"], f["region"]) for f in run.json()["findings"])


def test_scan_reports_the_seeded_problems_in_both_regions(moto, live_env):  # noqa: F811
    seed_problems(moto)
    run = scan(moto, live_env, *REGIONS, "--format", "json")
    assert run.code == 1, run.stderr
    assert identities(run) == sorted(SEEDED)
    findings = run.json()["findings"]
    assert {f["account"] for f in findings} == {ACCOUNT}
    assert {f["source_kind"] for f in findings} == {"live"}
    tls = next(f for f in findings if f["rule_id"] == "SES301")
    assert tls["file"] == f"sesv2/{ACCOUNT}/us-east-1/marketing"
    assert tls["arn"] == f"arn:aws:ses:us-east-1:{ACCOUNT}:configuration-set/marketing"
    assert tls["logical_path"] == "ConfigurationSets[marketing].DeliveryOptions.TlsPolicy"
    assert run.json()["summary"]["complete"] is True


def test_scan_text_output_and_no_credentials_in_output(moto, live_env):  # noqa: F811
    seed_problems(moto)
    run = scan(moto, live_env, *REGIONS)
    assert run.code == 1
    assert f"sesv2/{ACCOUNT}/us-east-1/marketing:1:1: SES301 warning" in run.stdout
    # transactional (clean) and marketing in us-east-1, eu-mail in eu-west-1
    assert run.stdout.endswith("\n10 findings (4 errors, 3 warnings, 3 notes) in 3 configuration sets read live\n")
    for secret in ("testing-secret-never-printed", "AWS_SECRET"):
        assert secret not in run.stdout + run.stderr


def test_clean_account_exits_0(moto, live_env):  # noqa: F811
    create_set(moto, "us-east-1", "quiet")
    run = scan(moto, live_env, "--region", "us-east-1", "--select", "SES1")
    assert run.code == 0, run.stdout + run.stderr


def test_sarif_of_a_live_scan_validates(moto, live_env, tmp_path, validate_sarif):  # noqa: F811
    seed_problems(moto)
    out = tmp_path / "live.sarif"
    run = scan(moto, live_env, *REGIONS, "--format", "sarif", "--output", out)
    assert run.code == 1, run.stderr
    validate_sarif(out)
    log = json.loads(out.read_text())
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "SES202")
    location = result["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == f"sesv2/{ACCOUNT}/us-east-1/marketing"
    assert location["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 1}
    names = [logical["fullyQualifiedName"] for logical in location["logicalLocations"]]
    assert f"arn:aws:ses:us-east-1:{ACCOUNT}:configuration-set/marketing" in names
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True
    again = tmp_path / "again.sarif"
    scan(moto, live_env, *REGIONS, "--format", "sarif", "--output", again)
    assert again.read_bytes() == out.read_bytes()  # byte-identical for identical state


def test_calls_one_list_per_page_and_two_per_set(moto, live_env):  # noqa: F811
    for index in range(120):  # moto pages by 100: two pages
        create_set(moto, "us-east-1", f"set-{index:03d}")
    create_set(moto, "eu-west-1", "eu-only")
    moto.injector.requests.clear()
    run = scan(moto, live_env, *REGIONS, "--select", "SES3")
    assert run.code == 1, run.stderr
    count = moto.injector.count
    assert count("ListConfigurationSets", region="us-east-1") == 2
    assert count("ListConfigurationSets", region="eu-west-1") == 1
    assert count("GetConfigurationSet") == 121
    assert count("GetConfigurationSetEventDestinations") == 121
    assert count("GetCallerIdentity") == 1
    sesv2_calls = [r for r in moto.injector.requests if r["service"] == "ses"]
    assert len(sesv2_calls) == 3 + 2 * 121


def test_no_region_is_a_usage_error(live_env):  # noqa: F811
    run = run_sesguard("scan", "--endpoint-url", "http://127.0.0.1:9", env=live_env)
    assert run.code == 2
    assert run.stderr.startswith("sesguard: error: no region to scan: pass --region")
    assert "Traceback" not in run.stderr


def test_default_region_comes_from_the_environment(moto, live_env):  # noqa: F811
    create_set(moto, "eu-west-1", "from-env")
    run = scan(moto, {**live_env, "AWS_REGION": "eu-west-1"}, "--format", "json")
    assert {f["region"] for f in run.json()["findings"]} == {"eu-west-1"}


def test_regions_from_config(moto, live_env, tmp_path):  # noqa: F811
    create_set(moto, "eu-west-1", "configured")
    (tmp_path / ".sesguard.toml").write_text('regions = ["eu-west-1"]\n')
    run = run_sesguard("scan", "--endpoint-url", moto.url, "--format", "json", cwd=tmp_path, env=live_env)
    assert {f["set"] for f in run.json()["findings"]} == {"configured"}


def test_local_check_never_imports_boto3(tmp_path):
    import subprocess
    import sys

    spec = tmp_path / "spec.yaml"
    spec.write_text("ConfigurationSets:\n  - Name: a\n")
    code = (
        "import sys; from sesguard.cli import main\n"
        f"main(['check', {str(spec)!r}, '--quiet'])\n"
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'boto3 imported'\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr


def test_multi_account_with_assumed_roles(moto, live_env):  # noqa: F811
    other = "210987654321"
    create_set(moto, "us-east-1", "home-set")
    import boto3

    sts = boto3.client(
        "sts", endpoint_url=moto.url, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="x"
    )
    credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{other}:role/seed", RoleSessionName="seed")["Credentials"]
    boto3.client(
        "sesv2",
        endpoint_url=moto.url,
        region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    ).create_configuration_set(ConfigurationSetName="other-set")
    run = scan(
        moto, live_env, "--region", "us-east-1", "--role-arn", "arn:aws:iam::{account}:role/audit",
        "--account", ACCOUNT, "--account", other, "--format", "json", "--select", "SES301",
    )  # fmt: skip
    assert run.code == 1, run.stderr
    assert sorted((f["account"], f["set"]) for f in run.json()["findings"]) == [
        (ACCOUNT, "home-set"),
        (other, "other-set"),
    ]
    assert moto.injector.count("AssumeRole") == 3  # one by the seeding above, one per scanned account


def test_progress_on_stderr_only_when_it_is_a_terminal(moto, live_env):  # noqa: F811
    import os
    import pty
    import subprocess
    import sys

    for name in ("a", "b", "c"):
        create_set(moto, "us-east-1", name)
    piped = scan(moto, live_env, "--region", "us-east-1")
    assert "configuration sets" not in piped.stderr
    controller, terminal = pty.openpty()
    try:
        subprocess.run(
            [sys.executable, "-m", "sesguard", "scan", "--endpoint-url", moto.url, "--region", "us-east-1"],
            stdout=subprocess.PIPE, stderr=terminal, env=live_env, timeout=120, check=False,
        )  # fmt: skip
        shown = os.read(controller, 65536).decode()
    finally:
        os.close(terminal)
        os.close(controller)
    assert "read 3/3 configuration sets" in shown


def test_all_regions_scans_every_region_botocore_knows_for_sesv2(moto, live_env):  # noqa: F811
    import boto3

    create_set(moto, "ap-south-1", "far-away")
    run = scan(moto, live_env, "--all-regions", "--format", "json", "--select", "SES301")
    assert run.code == 1, run.stderr
    assert [(f["region"], f["set"]) for f in run.json()["findings"]] == [("ap-south-1", "far-away")]
    regions = boto3.Session().get_available_regions("sesv2")
    assert moto.injector.count("ListConfigurationSets") == len(regions) > 10
