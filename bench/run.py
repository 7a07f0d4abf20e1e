"""sesguard's benchmark: the budgets of SPEC §9 as ratios measured in one run, on this machine.

    python bench/run.py            # full: 1,000 and 10,000 sets (several minutes)
    python bench/run.py --quick    # small sizes, one repetition: proves the script works (CI)

Every measurement is a fresh process (what a user or pre-commit pays), timed from outside, and
the median over repetitions. Peak memory is the child's max RSS. Inputs are generated into a
temporary directory. Ratios compare sesguard with the cheapest thing that could be done instead:
importing the parser, or merely parsing the file. The generated sets are clean, and the largest
size is measured again with a warning in every set, since each finding is located in the text.
Only the standard library and the project,
except two optional rows: cfn-lint's time when it is installed, and the API calls of a live scan
counted against moto's server on loopback when the test extra (moto) is installed.
"""

from __future__ import annotations

import argparse
import compileall
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sesguard.linter.vocabulary import EVENT_TYPES

REPO = Path(__file__).resolve().parent.parent


def configuration_set(index: int, tls_policy: str = "REQUIRE") -> dict:
    """A realistic set: five destinations, every option set right (clean unless `tls_policy` is OPTIONAL)."""
    region, account = "eu-west-1", "123456789012"
    arn = f"arn:aws:{{}}:{region}:{account}:{{}}"
    return {
        "Name": f"set-{index:05d}",
        "DeliveryOptions": {"TlsPolicy": tls_policy, "MaxDeliverySeconds": 600},
        "ReputationOptions": {"ReputationMetricsEnabled": True},
        "SendingOptions": {"SendingEnabled": True},
        "SuppressionOptions": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
        "TrackingOptions": {"CustomRedirectDomain": f"click{index}.example.com", "HttpsPolicy": "REQUIRE"},
        "Tags": [{"Key": "team", "Value": f"team-{index % 17}"}],
        "EventDestinations": [
            {
                "Name": "bounces",
                "Enabled": True,
                "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
                "SnsDestination": {"TopicArn": arn.format("sns", f"bounces-{index}")},
            },
            {
                "Name": "archive",
                "Enabled": True,
                "MatchingEventTypes": list(EVENT_TYPES),  # every event archived
                "KinesisFirehoseDestination": {
                    "IamRoleArn": f"arn:aws:iam::{account}:role/ses-firehose-{index}",
                    "DeliveryStreamArn": arn.format("firehose", f"deliverystream/archive-{index}"),
                },
            },
            {
                "Name": "dashboard",
                "Enabled": True,
                "MatchingEventTypes": ["SEND", "DELIVERY", "OPEN", "CLICK"],
                "CloudWatchDestination": {
                    "DimensionConfigurations": [
                        {
                            "DimensionName": "campaign",
                            "DimensionValueSource": "MESSAGE_TAG",
                            "DefaultDimensionValue": "none",
                        }
                    ]
                },
            },
            {
                "Name": "bus",
                "Enabled": True,
                "MatchingEventTypes": ["REJECT", "RENDERING_FAILURE", "DELIVERY_DELAY"],
                "EventBridgeDestination": {"EventBusArn": arn.format("events", "event-bus/default")},
            },
            {
                "Name": "subscriptions",
                "Enabled": True,
                "MatchingEventTypes": ["SUBSCRIPTION"],
                "SnsDestination": {"TopicArn": arn.format("sns", f"subscriptions-{index}")},
            },
        ],
    }


def write_specs(directory: Path, sets: int, tls_policy: str = "REQUIRE") -> dict:
    document = {
        "Account": "123456789012",
        "Region": "eu-west-1",
        "ConfigurationSets": [configuration_set(i, tls_policy) for i in range(sets)],
    }
    name = f"spec-{sets}-{tls_policy.lower()}"
    yaml_path, json_path = directory / f"{name}.yaml", directory / f"{name}.json"
    json_path.write_text(json.dumps(document, indent=1))
    yaml_path.write_text(_to_yaml(document))
    return {"yaml": yaml_path, "json": json_path}


def _to_yaml(document: dict) -> str:
    """Block-style YAML as people write it, without needing PyYAML's slow pure-Python emitter."""
    lines = ['Account: "123456789012"', "Region: eu-west-1", "ConfigurationSets:"]
    for config_set in document["ConfigurationSets"]:
        first = True
        for key, value in config_set.items():
            prefix = "  - " if first else "    "
            first = False
            if key == "EventDestinations":
                lines.append(f"{prefix}EventDestinations:")
                for destination in value:
                    lines.append(
                        "      - " + "\n        ".join(f"{k}: {json.dumps(v)}" for k, v in destination.items())
                    )
            else:
                lines.append(f"{prefix}{key}: {json.dumps(value)}")
    return "\n".join(lines) + "\n"


def measure(command: list, repetitions: int, env=None) -> tuple:
    """(median wall seconds, peak RSS in MiB of the last run) of a fresh process, as the kernel counts them."""
    times, peak = [], 0.0
    for _ in range(repetitions):
        with tempfile.TemporaryFile() as stderr:
            start = time.perf_counter()
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, env=env)
            _, status, usage = os.wait4(process.pid, 0)  # the child's own rusage, not a sum of all children
            times.append(time.perf_counter() - start)
            process.returncode = os.waitstatus_to_exitcode(status)
            if process.returncode not in (0, 1):
                stderr.seek(0)
                failure = stderr.read().decode(errors="replace")[-2000:]
                raise SystemExit(f"benchmark command failed ({process.returncode}): {command}\n{failure}")
        peak = usage.ru_maxrss / 1024  # KiB on Linux
    return statistics.median(times), peak


def python(code: str) -> list:
    return [sys.executable, "-c", code]


def sesguard(*args) -> list:
    """The installed `sesguard` command, as pre-commit and CI run it; `python -m sesguard` without one."""
    command = beside_python("sesguard")
    return [command, *args] if command else [sys.executable, "-m", "sesguard", *args]


def parse_only(path: Path, kind: str) -> list:
    if kind == "yaml":
        code = f"import yaml; yaml.load(open({str(path)!r}, encoding='utf-8'), Loader=yaml.CSafeLoader)"
    else:
        code = f"import json; json.load(open({str(path)!r}, encoding='utf-8'))"
    return python(code)


def beside_python(name: str) -> str | None:
    """The console script `name` installed with this interpreter, if there is one.

    Not the one on PATH: a version manager's shim there (pyenv, asdf) adds most of a second of its own
    to every run, which would time the shim instead of the tool.
    """
    script = Path(sys.executable).parent / name
    return str(script) if script.is_file() else None


def cfn_lint() -> str | None:
    """cfn-lint of this environment, else the one on PATH."""
    return beside_python("cfn-lint") or shutil.which("cfn-lint")


def boto3_imported_on_the_local_path(spec: Path) -> bool:
    code = (
        "import sys; from sesguard.cli import main; main(['check', '--quiet', sys.argv[1]]); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'hcl2')))"
    )
    completed = subprocess.run([sys.executable, "-c", code, str(spec)], capture_output=True, text=True)
    return completed.stdout.strip().splitlines()[-1] != "[]"


def live_call_counts(sets_per_region: int) -> list:
    """Rows of API call counts for `scan` and `scan --deep` against moto's server on loopback.

    Needs the test extra (moto); the server and its request log are the test suite's own
    (tests/moto_server.py). Sets are seeded straight into moto's backend; only the scan is counted.
    """
    try:
        sys.path.insert(0, str(REPO / "tests"))
        import moto_server  # the test suite's moto on 127.0.0.1, with a request log
        from moto.sesv2.models import sesv2_backends
    except ImportError:
        return []
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log in the table
    regions = ("us-east-1", "eu-west-1")
    account = "123456789012"  # moto's default account
    server = moto_server.start()
    try:
        targets = set()
        for region in regions:
            backend = sesv2_backends[account][region]
            for index in range(sets_per_region):
                name = f"set-{index:04d}"
                backend.create_configuration_set(name, None, {"TlsPolicy": "REQUIRE"}, None, None, None, None, None)
                topic = f"arn:aws:sns:{region}:{account}:bounces"
                stream = f"arn:aws:firehose:{region}:{account}:deliverystream/archive-{index // 10}"
                role = f"arn:aws:iam::{account}:role/ses-firehose"
                targets.update((topic, stream, role))
                backend.create_configuration_set_event_destination(
                    name,
                    "bounces",
                    {"Enabled": True, "MatchingEventTypes": ["BOUNCE"], "SnsDestination": {"TopicArn": topic}},
                )
                backend.create_configuration_set_event_destination(
                    name,
                    "archive",
                    {"Enabled": True, "MatchingEventTypes": ["SEND"],
                     "KinesisFirehoseDestination": {"IamRoleArn": role, "DeliveryStreamArn": stream}},
                )  # fmt: skip
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        scan = ["scan", "--quiet", "--endpoint-url", server.url, *(a for r in regions for a in ("--region", r))]
        sets = sets_per_region * len(regions)
        pages = len(regions) * -(-sets_per_region // 100)  # moto answers 100 sets per page
        requests = server.injector.requests
        rows = []
        for deep in (False, True):
            requests.clear()
            measure(sesguard(*scan, *(["--deep"] if deep else [])), 1, env)
            sesv2 = [r for r in requests if r["service"] == "ses"]
            lookups = [r for r in requests if r["operation"] in _TARGET_LOOKUPS]
            if not deep:
                rows.append((f"live scan of {sets:,} sets in 2 regions: sesv2 calls vs {pages} pages + 2 per set",
                             len(sesv2), pages + 2 * sets))  # fmt: skip
            else:
                rows.append((f"live scan --deep: target lookups vs {len(targets)} distinct targets",
                             len(lookups), len(targets)))  # fmt: skip
        return rows
    finally:
        server.stop()


_COMPARISONS = {"<=": float.__le__, ">=": float.__ge__, "==": float.__eq__}
_TARGET_LOOKUPS = ("GetTopicAttributes", "DescribeDeliveryStream", "GetRole", "DescribeEventBus", "GetApp")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, one repetition, no budgets checked")
    args = parser.parse_args()
    sizes = (20, 200) if args.quick else (1_000, 10_000)
    repetitions = 1 if args.quick else 21  # start-up times are short and noisy: many runs, the median
    big_repetitions = 1 if args.quick else 3
    rows = []
    budgets_met = True

    def row(name, value, base, budget=None, compare="<="):
        nonlocal budgets_met
        ratio = value / base if base else float("inf")
        ok = "" if budget is None else ("yes" if _COMPARISONS[compare](ratio, budget) else "NO")
        if ok == "NO":
            budgets_met = False
        rows.append((name, value, base, ratio, "" if budget is None else f"{compare} {budget}", ok))

    # Installed tools run from bytecode (pip compiles at install); an editable checkout may not have
    # it yet (or never, under PYTHONDONTWRITEBYTECODE), which would time the compiler instead.
    compileall.compile_dir(REPO / "sesguard", quiet=1)
    with tempfile.TemporaryDirectory(prefix="sesguard-bench-") as tmp:
        directory = Path(tmp)
        small = directory / "small.yaml"
        shutil.copy(REPO / "examples" / "clean.yaml", small)

        base, _ = measure(python("import yaml, json"), repetitions)
        cold, _ = measure(sesguard("check", "--quiet", str(small)), repetitions)
        row("cold `sesguard check` of one small spec (s) vs `python -c 'import yaml, json'`", cold, base, 3)

        template = directory / "small-template.yaml"
        template.write_text(_CLOUDFORMATION)
        cfn_lint_program = cfn_lint()
        if cfn_lint_program:
            cfn_lint_time, _ = measure([cfn_lint_program, str(template)], min(repetitions, 7))
            row("cfn-lint on the equivalent template (s) vs cold `sesguard check`", cfn_lint_time, cold, 10, ">=")

        timings = {}
        for sets in sizes:
            specs = write_specs(directory, sets)
            for kind, path in specs.items():
                parse_time, parse_peak = measure(parse_only(path, kind), big_repetitions)
                check_time, check_peak = measure(sesguard("check", "--quiet", str(path)), big_repetitions)
                timings[(kind, sets)] = check_time
                size = path.stat().st_size / 1e6
                budget = 2 if kind == "yaml" else 10
                row(
                    f"{kind.upper()} {sets:,} sets ({size:.1f} MB): check vs parse alone (s)",
                    check_time,
                    parse_time,
                    budget,
                )
                row(f"{kind.upper()} {sets:,} sets: peak memory vs parse alone (MiB)", check_peak, parse_peak, 3)
        small_size, large_size = sizes
        # Every finding is located in the text: a warning (SES301) in each set must not cost more than the parse.
        for kind, path in write_specs(directory, large_size, "OPTIONAL").items():
            parse_time, _ = measure(parse_only(path, kind), big_repetitions)
            check_time, _ = measure(sesguard("check", "--quiet", str(path)), big_repetitions)
            row(
                f"{kind.upper()} {large_size:,} sets, a finding in each: check vs parse alone (s)",
                check_time,
                parse_time,
                2 if kind == "yaml" else 10,
            )
        for kind in ("yaml", "json"):
            row(
                f"{kind.upper()} scaling: {large_size:,} vs {small_size:,} sets (s)",
                timings[(kind, large_size)],
                timings[(kind, small_size)],
                None if args.quick else 12,
            )
        boto3 = boto3_imported_on_the_local_path(small)
        # Last: moto in this process would raise the peak memory its children inherit (ru_maxrss).
        for name, calls, expected in live_call_counts(10 if args.quick else 500):
            row(name, calls, expected, 1, "==")  # exact in every mode: counts do not depend on size

    print(
        f"sesguard benchmark on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f"{' (quick mode: sizes too small for budgets)' if args.quick else ''}\n"
    )
    print("| measurement | sesguard | baseline | ratio | budget | met |")
    print("|---|---:|---:|---:|---|---|")
    for name, value, base, ratio, budget, ok in rows:
        shown = [f"{number:,}" if isinstance(number, int) else f"{number:.3f}" for number in (value, base)]
        print(f"| {name} | {shown[0]} | {shown[1]} | {ratio:.2f} | {budget} | {ok if not args.quick else ''} |")
    print(f"\nboto3/botocore/hcl2 imported by a local check: {'YES (budget broken)' if boto3 else 'no'}")
    if boto3:
        budgets_met = False
    if args.quick:
        return 0
    return 0 if budgets_met else 1


_CLOUDFORMATION = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Transactional:
    Type: AWS::SES::ConfigurationSet
    Properties:
      Name: transactional
      DeliveryOptions: {TlsPolicy: REQUIRE}
      ReputationOptions: {ReputationMetricsEnabled: true}
      SendingOptions: {SendingEnabled: true}
      SuppressionOptions: {SuppressedReasons: [BOUNCE, COMPLAINT]}
      TrackingOptions: {CustomRedirectDomain: click.example.com}
  Bounces:
    Type: AWS::SES::ConfigurationSetEventDestination
    Properties:
      ConfigurationSetName: !Ref Transactional
      EventDestination:
        Name: bounces
        Enabled: true
        MatchingEventTypes: [bounce, complaint]
        SnsDestination: {TopicARN: "arn:aws:sns:eu-west-1:123456789012:ses-bounces"}
  Archive:
    Type: AWS::SES::ConfigurationSetEventDestination
    Properties:
      ConfigurationSetName: !Ref Transactional
      EventDestination:
        Name: archive
        Enabled: true
        MatchingEventTypes:
          [send, reject, bounce, complaint, delivery, open, click, renderingFailure, deliveryDelay, subscription]
        KinesisFirehoseDestination:
          IAMRoleARN: "arn:aws:iam::123456789012:role/ses-firehose"
          DeliveryStreamARN: "arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses-archive"
"""


if __name__ == "__main__":
    sys.exit(main())
