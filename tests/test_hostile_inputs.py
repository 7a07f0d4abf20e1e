"""Every hostile input and every injected live fault, each with its expected outcome (issue 7; SPEC §3, §8, §10).

The one place to read what sesguard does when things go wrong:

1. `INPUTS`: hostile local files, one row each, run as `python -m sesguard check . --select SES301`
   in a directory that also holds GOOD (one known SES301 finding). Each row asserts the exit code (2
   for an input that cannot be read or parsed, 0/1 where the input is valid), the hostile file's
   SG001/SG002 line with its position, no traceback, a wall-time and peak-memory bound, and that the
   good file's finding is still reported.
2. `FAULTS`: faults a live scan meets, injected by `moto_server.Fault` (a WSGI layer in front of moto
   on 127.0.0.1: nothing reaches AWS): throttling, access denied, regions not enabled, 5xx storms,
   timeouts, malformed bodies, expired credentials, sets that vanish mid-scan, endpoints that are
   down, roles that cannot be assumed, --deep lookups that fail. Each row gives the CLI arguments, the
   exit code, the exact SG900 gaps as (region, set, message substring), the sets still judged by the
   rules, and a wall-time bound (no hang). Whatever cannot be read is an SG900 for exactly that
   part; the rest of the scan completes and is judged as if nothing had happened.
3. Output: byte-identical across PYTHONHASHSEED values (local and live), no credentials in any output
   of a live scan, and a run killed while writing `--output` leaves the old report whole.

Configured limits (a `[limits]` table) are in tests/test_limits.py; generated and mutated specs in
tests/test_properties.py.

Live seed (`live_support.seed_problems`): us-east-1 has `transactional` (clean) and `marketing`,
eu-west-1 has `eu-mail`; rule findings fall on `marketing` and `eu-mail` only. The CLI runs with
AWS_MAX_ATTEMPTS=3 (two retries), or 2 where a row waits for timeouts; timeout rows pass
`--timeout 1` and the fault answers after 3 s.
"""

from __future__ import annotations

import codecs
import dataclasses
import json
import os
import re
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

import pytest
from conftest import run_sesguard, write
from live_support import ACCOUNT, FAKE_CREDENTIALS, live_env, moto, moto_module, seed_problems, seed_targets  # noqa: F401
from moto_server import Fault

# == hostile local inputs ==========================================================================

GOOD = """\
ConfigurationSets:
  - Name: weak
    DeliveryOptions: {TlsPolicy: OPTIONAL}
    ReputationOptions: {ReputationMetricsEnabled: true}
"""
GOOD_LINE = "good.yaml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [weak]"
TIME_LIMIT = 30  # seconds per run: generous on a slow CI machine; a hang or a quadratic path blows it
MEMORY_LIMIT_MB = 1536  # peak RSS of one run (the 20 MB spec takes about 700 MB: PyYAML's node tree)
DEPTH = 100_000


def files(**contents) -> Callable[[Path], None]:
    """A builder writing each `name=content` (dots in names given as `__`)."""

    def build(directory: Path) -> None:
        for name, content in contents.items():
            write(directory, name.replace("__", "."), content)

    return build


def _symlink(name: str, target: str) -> Callable[[Path], None]:
    def build(directory: Path) -> None:
        os.symlink(target, directory / name)

    return build


def _symlink_loop(directory: Path) -> None:
    os.symlink("loop_b.yaml", directory / "loop_a.yaml")
    os.symlink("loop_a.yaml", directory / "loop_b.yaml")
    (directory / "sub").mkdir()
    os.symlink("..", directory / "sub" / "up")  # a directory loop: the walk must not follow it


def _fifo(directory: Path) -> None:
    os.mkfifo(directory / "pipe.yaml")  # reading it would block forever: no writer ever comes


def _unreadable(directory: Path) -> None:
    path = write(directory, "secret.yaml", GOOD)
    path.chmod(0)


def _many_unrelated(directory: Path) -> None:
    for index in range(3000):
        sub = directory / f"d{index // 100:02d}" / f"e{index // 10 % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        suffix = (".yaml", ".json", ".yml", ".txt", ".md")[index % 5]
        (sub / f"f{index:04d}{suffix}").write_text(f"key: {index}\nother: [1, 2, 3]\n", encoding="utf-8")


def _large_irrelevant(directory: Path) -> None:
    # 20 MB of valid YAML that mentions the marker (so it is read) but is no SES spec.
    line = "  - {id: 123456, name: 'an irrelevant row of data', tags: [a, b, c], ok: true}\n"
    body = "# lists ConfigurationSets nowhere; just data\nrows:\n" + line * (20_000_000 // len(line))
    write(directory, "big_data.yaml", body)


def _large_spec(directory: Path) -> None:
    # 20 MB of a valid native spec: one set with a huge (irrelevant) Tags list and a TLS finding.
    tag = "      - {Key: team-with-a-longish-name, Value: some-value-of-moderate-length}\n"
    head = "ConfigurationSets:\n  - Name: big\n    DeliveryOptions: {TlsPolicy: OPTIONAL}\n    Tags:\n"
    write(directory, "big_spec.yaml", head + tag * (20_000_000 // len(tag)))


def _over_the_size_limit(marker: bool) -> Callable[[Path], None]:
    # Just over the default max-file-size (64 MiB): refused before parsing, or skipped when unrelated.
    def build(directory: Path) -> None:
        with open(directory / "huge.json", "wb") as huge:
            huge.write(b'{"ConfigurationSets": [], "padding": "' if marker else b'{"rows": "')
            huge.write(b"x" * (64 * 1024 * 1024))
            huge.write(b'"}')

    return build


ALIAS_BOMB = "ConfigurationSets: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"l{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n"
    for i in range(1, 10)
)

DEEP_BLOCK = (
    "ConfigurationSets:\n" + "".join(f"{'  ' * level}k{level}:\n" for level in range(1, 300)) + "  " * 300 + "x\n"
)


class Input(NamedTuple):
    id: str
    build: Callable[[Path], None]
    code: int
    lines: tuple  # exact lines (or prefixes ending in '…') expected in the output besides GOOD_LINE
    skipped: int | None = None  # files counted as skipped, when the row is about skipping
    skip: str | None = None  # reason to skip the row here
    paths: tuple = (".",)  # what to check


INPUTS = [
    Input("empty-markerless-name", files(notes__yaml=""), 1, (), skipped=1),
    Input("empty-spec-name", files(ses_configuration_sets__yaml=""), 1, (), skipped=1),
    Input("whitespace-only-spec-name", files(configuration__json=" \n\t\n"), 1, (), skipped=1),
    Input(
        "utf8-bom",
        files(bom__yaml=codecs.BOM_UTF8 + GOOD.replace("weak", "bom").encode()),
        1,
        ("bom.yaml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [bom]",),
    ),
    Input(
        "utf16-le-bom",
        files(le__yaml=codecs.BOM_UTF16_LE + GOOD.replace("weak", "le").encode("utf-16-le")),
        1,
        ("le.yaml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [le]",),
    ),
    Input(
        "utf16-be-bom",
        files(be__yaml=codecs.BOM_UTF16_BE + GOOD.replace("weak", "be").encode("utf-16-be")),
        1,
        ("be.yaml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [be]",),
    ),
    Input(
        "utf16-json-bom",
        files(le__json=codecs.BOM_UTF16_LE + '{"ConfigurationSets": [{"Name": 5}]}'.encode("utf-16-le")),
        2,
        ("le.json:1:25: SG002 error ConfigurationSets[0].Name must be a string, not integer",),
    ),
    Input(
        "unicode-line-separators-in-strings",  # YAML counts them as line breaks, editors and GitHub do not
        files(
            sep__yaml="ConfigurationSets:\n  - Name: sep\n"
            '    Tags: [{Key: "line\u2028separator", Value: "next\x85line"}]\n'
            "    DeliveryOptions: {TlsPolicy: OPTIONAL}\n"
        ),
        1,
        ("sep.yaml:4:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [sep]",),
    ),
    Input(
        "latin1",
        files(latin1__yaml="ConfigurationSets:\n  - Name: café\n".encode("latin-1")),
        2,
        ("latin1.yaml:2:14: SG001 error not valid UTF-8: byte 0xe9 cannot be decoded",),
    ),
    Input(
        "binary-junk-with-nul",
        files(junk__yaml=bytes(range(256)) * 4 + b"ConfigurationSets" + bytes(range(256))),
        2,
        ("junk.yaml:1:1: SG001 error binary file (contains NUL bytes)",),
    ),
    Input(
        "binary-junk-without-nul",
        files(junk__json=b"\x80\xfe\xfdConfigurationSets\x80\x81" + bytes(range(1, 256))),
        2,
        ("junk.json:1:1: SG001 error not valid UTF-8: byte 0x80 cannot be decoded",),
    ),
    Input(
        "truncated-yaml",
        files(trunc__yaml=GOOD[: GOOD.index("OPTIONAL") + 4]),
        2,
        ("trunc.yaml:4:1: SG001 error invalid YAML: did not find expected ',' or '}'",),
    ),
    Input(
        "truncated-json",
        files(trunc__json='{"ConfigurationSets": [{"Name": "t", "DeliveryOptions": {"TlsPolicy": "OPT'),
        2,
        ("trunc.json:1:… SG001 error invalid JSON: …",),
    ),
    Input(
        "duplicate-keys-yaml",
        files(
            dup__yaml="ConfigurationSets:\n  - Name: one\n    DeliveryOptions: {TlsPolicy: REQUIRE}\n    Name: two\n"
        ),
        2,
        ("dup.yaml:4:5: SG001 error duplicate key 'Name' (first defined at line 2)",),
    ),
    Input(
        "duplicate-keys-json",
        files(dup__json='{\n  "ConfigurationSets": [\n    {"Name": "one", "Name": "two"}\n  ]\n}\n'),
        2,
        ("dup.json:3:21: SG001 error duplicate key 'Name'",),
    ),
    Input(
        "yaml-alias-bomb",
        files(bomb__yaml=ALIAS_BOMB),
        2,
        ("bomb.yaml:… SG001 error aliases expand to more than 1,000,000 values, an alias bomb? …",),
    ),
    Input(
        "yaml-flow-nesting-100k",
        files(deep__yaml="ConfigurationSets: " + "[" * DEPTH + "]" * DEPTH + "\n"),
        2,
        ("deep.yaml:1:119: SG001 error nesting deeper than 100 levels (raise [limits] max-depth to allow more)",),
    ),
    Input(
        "json-flow-nesting-100k",
        files(deep__json='{"ConfigurationSets": ' + "[" * DEPTH + "]" * DEPTH + "}"),
        2,
        ("deep.json:1:… SG001 error nesting deeper than 100 levels (raise [limits] max-depth to allow more)",),
    ),
    Input(
        "yaml-block-nesting",
        files(block__yaml=DEEP_BLOCK),
        2,
        ("block.yaml:… SG001 error nesting deeper than 100 levels (raise [limits] max-depth to allow more)",),
    ),
    Input("large-irrelevant-yaml", _large_irrelevant, 1, (), skipped=1),
    Input(
        "large-spec-yaml",
        _large_spec,
        1,
        ("big_spec.yaml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [big]",),
    ),
    Input(
        "file-over-the-size-limit",
        _over_the_size_limit(marker=True),
        2,
        (
            "huge.json:1:1: SG001 error file is 67,108,904 bytes, more than 67,108,864 "
            "(raise [limits] max-file-size to read it)",
        ),
    ),
    Input("unrelated-file-over-the-size-limit", _over_the_size_limit(marker=False), 1, (), skipped=1),
    Input("top-level-list-json", files(list__json='[{"ConfigurationSets": []}]'), 2, ("list.json:1:1: SG002 error …",)),
    Input(
        "top-level-scalar-yaml",
        files(scalar__yaml="ConfigurationSets\n"),
        1,
        (),
        skipped=1,
    ),
    Input(
        "configuration-sets-string",
        files(str__yaml="ConfigurationSets: marketing\n"),
        2,
        ("str.yaml:1:… SG002 error …",),
    ),
    Input(
        "set-is-a-number",
        files(num__yaml="ConfigurationSets:\n  - 42\n  - Name: fine\n    DeliveryOptions: {TlsPolicy: OPTIONAL}\n"),
        2,
        (
            "num.yaml:2:5: SG002 error …",
            "num.yaml:4:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [fine]",
        ),
    ),
    Input(
        "event-destinations-mapping",
        files(map__yaml="ConfigurationSets:\n  - Name: m\n    EventDestinations: {Name: d, Enabled: true}\n"),
        2,
        ("map.yaml:3:… SG002 error …",),
    ),
    Input(
        "enabled-is-a-string",
        files(
            en__yaml="ConfigurationSets:\n  - Name: e\n    EventDestinations:\n      - Name: d\n"
            "        Enabled: 'yes'\n        MatchingEventTypes: [BOUNCE]\n"
            "        SnsDestination: {TopicArn: 'arn:aws:sns:us-east-1:123456789012:t'}\n"
        ),
        2,
        ("en.yaml:5:… SG002 error …",),
    ),
    Input(
        "matching-event-types-number",
        files(
            met__yaml="ConfigurationSets:\n  - Name: e\n    EventDestinations:\n      - Name: d\n"
            "        Enabled: true\n        MatchingEventTypes: 7\n"
            "        SnsDestination: {TopicArn: 'arn:aws:sns:us-east-1:123456789012:t'}\n"
        ),
        2,
        ("met.yaml:6:… SG002 error …",),
    ),
    Input(
        "name-is-a-list-json",
        files(name__json='{"ConfigurationSets": [{"Name": ["a"], "EventDestinations": [{"Name": {}}]}]}'),
        2,
        (
            "name.json:1:25: SG002 error ConfigurationSets[0].Name must be a string, not array",
            "name.json:1:63: SG002 error ConfigurationSets[0].EventDestinations[0].Name must be a string, not object",
        ),
    ),
    Input(
        "tf-json-truncated",
        files(cut__tf__json='{"resource": {"aws_sesv2_configuration_set": {"a": {"configuration_set_name": '),
        2,
        ("cut.tf.json:1:79: SG001 error invalid JSON: Expecting value",),
    ),
    Input(
        "tf-json-deep",
        files(
            deep__tf__json='{"resource": {"aws_sesv2_configuration_set": {"a": {"tags": '
            + "[" * 500
            + "]" * 500
            + "}}}}"
        ),
        2,
        ("deep.tf.json:1:157: SG001 error nesting deeper than 100 levels (raise [limits] max-depth to allow more)",),
    ),
    Input(
        "tf-json-wrong-shape",
        files(shape__tf__json='{"resource": {"aws_sesv2_configuration_set": ["main"]}}'),
        2,
        (
            "shape.tf.json:1:47: SG001 error invalid Terraform JSON: resource.aws_sesv2_configuration_set must be an "
            "object or a list of objects",
        ),
    ),
    Input(
        "tf-json-duplicate-key",
        files(dup__tf__json='{"resource": {"aws_sesv2_configuration_set": {"a": {}, "a": {}}}}'),
        2,
        ("dup.tf.json:1:56: SG001 error duplicate key 'a'",),
    ),
    Input(
        "yaml-alias-inside-itself",
        files(loop__yaml="ConfigurationSets:\n  - Name: a\n    Tags: &x [*x]\n"),
        2,
        ("loop.yaml:3:11: SG001 error invalid YAML: an alias inside the value it refers to",),
    ),
    Input(
        "yaml-nan",
        files(nan__yaml="ConfigurationSets:\n  - Name: a\n    DeliveryOptions: {MaxDeliverySeconds: .nan}\n"),
        2,
        ("nan.yaml:3:23: SG001 error invalid YAML: nan is not a finite number",),
    ),
    Input(
        "json-nan-literal",
        files(nan__json='{"ConfigurationSets": [{"Name": "c", "Tags": [{"Key": "k", "Value": NaN}]}]}'),
        2,
        ("nan.json:1:60: SG001 error invalid JSON: nan is not a finite number",),
    ),
    Input(
        "json-number-overflowing-to-infinity",
        files(inf__json='{"ConfigurationSets": [{"Name": "b", "DeliveryOptions": {"MaxDeliverySeconds": 1e400}}]}'),
        2,
        ("inf.json:1:58: SG001 error invalid JSON: inf is not a finite number",),
    ),
    Input(
        "yaml-integer-of-5000-digits",
        files(long__yaml="ConfigurationSets:\n  - Name: d\n    Tags: [{Key: k, Value: " + "1" * 5000 + "}]\n"),
        2,
        ("long.yaml:3:28: SG001 error invalid YAML: a number with more than 4,300 digits",),
    ),
    Input(
        "json-integer-of-5000-digits",
        files(long__json='{"ConfigurationSets": [{"Name": "e", "X": ' + "1" * 5000 + "}]}"),
        2,
        ("long.json:1:43: SG001 error invalid JSON: a number with more than 4,300 digits",),
    ),
    Input(
        "json-lone-surrogate-in-a-value",
        files(half__json='{"ConfigurationSets": [{"Name": "ok",\n  "Tags": [{"Key": "k\\udefd", "Value": "v"}]}]}'),
        2,
        ("half.json:2:13: SG001 error invalid JSON: \\udefd is half of a UTF-16 surrogate pair",),
    ),
    Input(
        "json-lone-surrogate-in-a-key",
        files(key__json='{"ConfigurationSets": [{"\\ud800": 1}]}'),
        2,
        ("key.json:1:25: SG001 error invalid JSON: \\ud800 is half of a UTF-16 surrogate pair",),
    ),
    Input(
        "hcl-lone-surrogate",
        files(half__tf='resource "aws_sesv2_configuration_set" "a" {\n  configuration_set_name = "a\\ud800"\n}\n'),
        2,
        ("half.tf:2:28: SG001 error invalid HCL: \\ud800 is half of a UTF-16 surrogate pair",),
    ),
    Input(
        "json-surrogate-pair-is-a-character",
        files(pair__json='{"ConfigurationSets": [{"Name": "ok\\ud83d\\ude00"}]}'),
        1,
        ("pair.json:1:24: SES301 warning …",),
    ),
    Input("top-level-list-yaml", files(list__yaml="- ConfigurationSets: []\n"), 1, (), skipped=1),
    Input("configuration-sets-null", files(null__yaml="ConfigurationSets:\n"), 2, ("null.yaml:1:… SG002 error …",)),
    Input(
        "option-block-is-a-list",
        files(opt__yaml="ConfigurationSets:\n  - Name: o\n    DeliveryOptions: [REQUIRE]\n"),
        2,
        ("opt.yaml:3:… SG002 error …",),
    ),
    Input(
        "tags-are-strings",
        files(tags__yaml="ConfigurationSets:\n  - Name: t\n    Tags: [team, owner]\n"),
        2,
        ("tags.yaml:3:… SG002 error …", "tags.yaml:3:… SG002 error …"),
    ),
    Input(
        "multi-document-yaml",
        files(multi__yaml="ConfigurationSets: []\n---\nConfigurationSets: []\n"),
        2,
        ("multi.yaml:2:1: SG001 error invalid YAML: …",),
    ),
    Input(
        "target-is-a-string",
        files(
            tgt__yaml="ConfigurationSets:\n  - Name: t\n    EventDestinations:\n      - Name: d\n"
            "        Enabled: true\n        MatchingEventTypes: [BOUNCE]\n"
            "        SnsDestination: 'arn:aws:sns:us-east-1:123456789012:t'\n"
        ),
        2,
        ("tgt.yaml:7:… SG002 error …",),
    ),
    Input(
        "suppress-is-a-number",
        files(sup__yaml="ConfigurationSets:\n  - Name: s\n    Suppress: 3\n"),
        2,
        ("sup.yaml:3:… SG002 error …",),
    ),
    Input(
        "python-object-tag",
        files(tag__yaml="ConfigurationSets:\n  - Name: !!python/object/apply:os.system ['touch pwned']\n"),
        2,
        ("tag.yaml:2:11: SG001 error invalid YAML: …",),
    ),
    Input(
        "cfn-ref-tag-in-native-spec",
        files(ref__yaml="ConfigurationSets:\n  - Name: !Ref SetName\n"),
        2,
        ("ref.yaml:2:11: SG001 error invalid YAML: …",),
    ),
    Input(
        "unreadable-chmod-000",
        _unreadable,
        2,
        ("secret.yaml:1:1: SG001 error cannot read file: Permission denied",),
        skip="root reads a chmod 000 file anyway" if hasattr(os, "geteuid") and os.geteuid() == 0 else None,
    ),
    Input("fifo", _fifo, 2, ("pipe.yaml:1:1: SG001 error not a regular file (a FIFO)",)),
    Input(
        "endless-device-named-explicitly",
        files(),
        2,
        ("/dev/zero:1:1: SG001 error not a regular file (a character device)",),
        paths=(".", "/dev/zero"),
    ),
    Input("dangling-symlink", _symlink("gone.yaml", "nowhere.yaml"), 2, ("gone.yaml:1:1: SG001 error no such file",)),
    Input(
        "symlink-loop",
        _symlink_loop,
        2,
        (
            "loop_a.yaml:1:1: SG001 error cannot read file: Too many levels of symbolic links",
            "loop_b.yaml:1:1: SG001 error cannot read file: Too many levels of symbolic links",
        ),
    ),
    Input("thousands-of-unrelated-files", _many_unrelated, 1, (), skipped=1800),
]


def _matches(expected: str, line: str) -> bool:
    """The whole line, with '…' standing for any text."""
    return re.fullmatch(".*".join(map(re.escape, expected.split("…"))), line) is not None


def _children_peak_mb() -> float:
    """Largest peak RSS of any finished child process, in MB (Linux counts KiB, macOS bytes)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks, FIFOs and permissions are POSIX")
@pytest.mark.parametrize("row", [pytest.param(r, id=r.id) for r in INPUTS])
def test_hostile_input(tmp_path, row):
    if row.skip:
        pytest.skip(row.skip)
    write(tmp_path, "good.yaml", GOOD)
    row.build(tmp_path)

    peak_before = _children_peak_mb()
    started = time.monotonic()
    run = run_sesguard("check", *row.paths, "--select", "SES301", cwd=tmp_path)
    elapsed = time.monotonic() - started

    report = f"exit {run.code}\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"
    assert "Traceback" not in run.stderr, report
    assert run.code == row.code, report
    assert elapsed < TIME_LIMIT, report
    if peak_before < MEMORY_LIMIT_MB:  # the peak over all children so far: only this run can have raised it
        assert _children_peak_mb() < MEMORY_LIMIT_MB, report
    lines = run.stdout.splitlines()
    assert GOOD_LINE in lines, report
    for expected in row.lines:
        assert any(_matches(expected, line) for line in lines), f"{expected!r} not in:\n{report}"
    findings = [line for line in lines[:-1] if line]
    assert len(findings) == 1 + len(row.lines), report  # nothing else, each input reported once
    if row.skipped is not None:
        assert lines[-1].endswith(f", {row.skipped} skipped"), report


# == injected live faults ===========================================================================

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
class FaultRow:
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
    FaultRow(
        "throttling-recovers",
        (Fault(operation="GetConfigurationSet", set_name="marketing", times=2),),
        code=1,
        gaps=(),
        judged=ALL_SETS,
        calls=(("GetConfigurationSet", {"set": "marketing"}, 3),),
        why="two throttled answers, then moto's: retried, not a failure",
    ),
    FaultRow(
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
    FaultRow(
        "access-denied-one-region",
        (Fault("AccessDeniedException", 403, region="eu-west-1", operation="ListConfigurationSets"),),
        code=2,
        gaps=(("eu-west-1", None, f"configuration sets (ListConfigurationSets) {WHERE_EU}: AccessDeniedException"),),
        judged=frozenset({"marketing"}),
        calls=(("ListConfigurationSets", {"region": "eu-west-1"}, 1),),
        why="AccessDenied is not retried",
    ),
    FaultRow(
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
    FaultRow(
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
    FaultRow(
        "expired-credentials-one-region",
        (Fault("ExpiredTokenException", 403, region="eu-west-1"),),
        code=2,
        gaps=(("eu-west-1", None, "ExpiredTokenException: injected ExpiredTokenException (credentials expired"),),
        judged=frozenset({"marketing"}),
        calls=(("ListConfigurationSets", {"region": "eu-west-1"}, 1),),
    ),
    FaultRow(
        "503-one-region",
        (Fault("ServiceUnavailable", 503, region="eu-west-1"),),
        code=2,
        gaps=(("eu-west-1", None, f"{WHERE_EU}: ServiceUnavailable: injected ServiceUnavailable (after 2 retries)"),),
        judged=frozenset({"marketing"}),
        calls=(("ListConfigurationSets", {"region": "eu-west-1"}, 3),),
    ),
    FaultRow(
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
    FaultRow(
        "5xx-storm-on-all-calls",
        (Fault("InternalFailure", 500),),
        code=2,
        gaps=((None, None, "the caller's account (sts:GetCallerIdentity): InternalFailure"),),
        judged=frozenset(),
        seconds=10,
        calls=(("GetCallerIdentity", {}, 3), ("ListConfigurationSets", {}, 0)),
        why="the account itself cannot be identified: one SG900 for everything, nothing else is tried",
    ),
    FaultRow(
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
    FaultRow(
        "read-timeout-whole-region",
        (Fault(None, delay=3, region="eu-west-1"),),
        code=2,
        gaps=(("eu-west-1", None, f"(ListConfigurationSets) {WHERE_EU}: timed out: no answer within 1 s"),),
        judged=frozenset({"marketing"}),
        args=TIMEOUT_1S,
        env=QUICK,
        why="a hung region costs --timeout per attempt and does not hold up the other region's sets",
    ),
    FaultRow(
        "connect-timeout-endpoint-accepts-nothing",
        (),
        code=2,
        gaps=((None, None, "(sts:GetCallerIdentity): timed out: no connection within 1 s (connect timeout)"),),
        judged=frozenset(),
        args=TIMEOUT_1S,
        env=QUICK,
        endpoint="silent",
    ),
    FaultRow(
        "endpoint-down",
        (),
        code=2,
        gaps=((None, None, "(sts:GetCallerIdentity): endpoint unreachable: http://127.0.0.1:"),),
        judged=frozenset(),
        endpoint="closed",
    ),
    FaultRow(
        "malformed-200-html-list-one-region",
        (Fault(status=200, body=HTML_502, region="eu-west-1", operation="ListConfigurationSets"),),
        code=2,
        gaps=(("eu-west-1", None, "malformed response to ListConfigurationSets (HTTP 200: not JSON)"),),
        judged=frozenset({"marketing"}),
        why="botocore alone parses this as a page without sets: the region would pass silently",
    ),
    FaultRow(
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
    FaultRow(
        "malformed-200-json-lone-surrogate-one-set",
        (
            Fault(
                status=200,
                body=b'{"EventDestinations": [{"Name": "op\\udc00s", "Enabled": true, "MatchingEventTypes": []}]}',
                operation="GetConfigurationSetEventDestinations",
                set_name="marketing",
            ),
        ),  # fmt: skip
        code=2,
        gaps=(
            (
                "us-east-1",
                "marketing",
                "malformed response to GetConfigurationSetEventDestinations (HTTP 200: JSON with half of a UTF-16 "
                "surrogate pair in a string)",
            ),
        ),
        judged=frozenset({"eu-mail"}),
        why="a name no report can print: the run must say so, not die writing it",
    ),
    FaultRow(
        "malformed-200-json-without-fields-one-set",
        (Fault(status=200, body=b"{}", operation="GetConfigurationSet", set_name="marketing"),),
        code=2,
        gaps=(
            ("us-east-1", "marketing", "(GetConfigurationSet) in account 123456789012, region us-east-1: malformed"),
        ),
        judged=frozenset({"eu-mail"}),
    ),
    FaultRow(
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
    FaultRow(
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
    FaultRow(
        "role-not-assumable",
        (Fault("AccessDenied", 403, operation="AssumeRole"),),
        code=2,
        gaps=(
            (None, None, f"the role arn:aws:iam::{ACCOUNT}:role/audit (sts:AssumeRole) in account {ACCOUNT}: Access"),
        ),
        judged=frozenset(),
        args=("--role-arn", "arn:aws:iam::{account}:role/audit", "--account", ACCOUNT),
    ),
    FaultRow(
        "deep-lookup-denied",
        (Fault("AuthorizationError", 403, operation="GetTopicAttributes"),),
        code=2,
        gaps=(("us-east-1", None, f"SNS topic {TOPIC} (--deep lookup) {WHERE_US}: AuthorizationError"),),
        judged=ALL_SETS,
        args=("--deep",),
        calls=(("GetTopicAttributes", {}, 1),),
        why="the topic is left without state (no SES401 guessed); the sets themselves are still judged",
    ),
    FaultRow(
        "deep-lookup-timeout",
        (Fault(None, delay=3, operation="DescribeDeliveryStream"),),
        code=2,
        gaps=(("us-east-1", None, f"Firehose delivery stream {STREAM} (--deep lookup) {WHERE_US}: timed out"),),
        judged=ALL_SETS,
        args=("--deep", *TIMEOUT_1S),
        env=QUICK,
    ),
    FaultRow(
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
def test_fault(row: FaultRow, moto, live_env):  # noqa: F811
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


# == output ========================================================================================

# -- deterministic output whatever PYTHONHASHSEED (issue 7 item 5) --------------------------------

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_output_of_the_examples_is_byte_identical_across_hash_seeds(output_format):
    runs = [
        run_sesguard("check", "examples/", "--format", output_format, cwd=REPO, env={"PYTHONHASHSEED": seed})
        for seed in ("1", "4242")
    ]
    assert runs[0].code == runs[1].code == 1, runs[0].stderr
    assert runs[0].stdout, "no output to compare"
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].stderr == runs[1].stderr == ""


def test_output_of_a_live_scan_is_byte_identical_across_hash_seeds(moto, live_env):  # noqa: F811
    """Sets are read in parallel and answered in any order: the report must not show it."""
    seed_problems(moto)
    base = ("scan", "--endpoint-url", moto.url, "--region", "us-east-1", "--region", "eu-west-1", "--deep")
    for output_format in ("sarif", "text"):
        runs = [
            run_sesguard(*base, "--format", output_format, env={**live_env, "PYTHONHASHSEED": seed})
            for seed in ("1", "4242", "random")
        ]
        assert runs[0].code == 1 and runs[0].stdout, runs[0].stderr
        assert runs[0].stdout == runs[1].stdout == runs[2].stdout


# -- no credentials in any output of a live scan (SPEC §10) ---------------------------------------

SECRETS = {
    "AWS_ACCESS_KEY_ID": "AKIAFAKEKEYNEVERSHOWN",
    "AWS_SECRET_ACCESS_KEY": "fake/secret+never-printed-0123456789",
    "AWS_SESSION_TOKEN": "FakeSessionTokenNeverPrinted==",
}


def test_no_credentials_in_any_output_of_a_live_scan(moto, live_env, tmp_path):  # noqa: F811
    """Every format, verbose and debug, a complete scan and one with a denied region and an expired token."""
    seed_problems(moto)
    env = {**live_env, **SECRETS}
    base = ("scan", "--endpoint-url", moto.url, "--region", "us-east-1", "--region", "eu-west-1")
    outputs = []
    for faults in (
        (),
        (
            Fault("AccessDeniedException", 403, region="eu-west-1"),
            Fault("ExpiredTokenException", 403, region="us-east-1", operation="GetConfigurationSet"),
        ),
    ):
        moto.injector.reset()
        moto.injector.faults.extend(faults)
        for output_format in ("text", "json", "sarif", "github"):
            run = run_sesguard(*base, "--format", output_format, "--verbose", "--debug", env=env)
            assert run.code in (1, 2) and "Traceback" not in run.stderr, run.stderr
            outputs.append(run.stdout + run.stderr)
        snapshot = tmp_path / "snapshot.yaml"
        run = run_sesguard("snapshot", "--endpoint-url", moto.url, "--region", "us-east-1", "-o", snapshot, env=env)
        outputs.append(run.stdout + run.stderr + (snapshot.read_text() if snapshot.exists() else ""))
    assert any("SG900" in output for output in outputs)  # the faults were really hit
    for output in outputs:
        for name, secret in SECRETS.items():
            assert secret not in output, f"{name} printed:\n{output}"


# -- an interrupted run never leaves a half-written --output (SPEC §10) ----------------------------

# Runs the CLI with fsync of the temporary report held open until the test kills the process: the
# report is fully written to the temporary file but not yet renamed over the old one.
_PAUSED_BEFORE_RENAME = """\
import os, sys, time
from sesguard.linter import output

def paused(descriptor):
    open(sys.argv[1], "w").close()  # tell the test the temporary file is written
    time.sleep(60)

output.os = type("os", (), {**vars(os), "fsync": staticmethod(paused)})
from sesguard.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM", "SIGKILL"])
def test_a_run_killed_while_writing_output_leaves_the_old_report_whole(tmp_path, signal_name):
    import signal
    import subprocess

    write(tmp_path, "good.yaml", GOOD)
    report = tmp_path / "report.sarif"
    previous = run_sesguard("check", "good.yaml", "--format", "sarif", "-o", report, cwd=tmp_path)
    assert previous.code == 1, previous.stderr
    old = report.read_bytes()
    write(tmp_path, "good.yaml", GOOD.replace("weak", "renamed"))  # the next report would differ
    written = tmp_path / "written"
    child = subprocess.Popen(
        [sys.executable, "-c", _PAUSED_BEFORE_RENAME, written, "check", "good.yaml", "--format", "sarif", "-o", report],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not written.exists():
            assert child.poll() is None and time.monotonic() < deadline, child.stderr.read()
            time.sleep(0.02)
        [temporary] = tmp_path.glob(".report.sarif.*.tmp")
        assert b"renamed" in temporary.read_bytes()  # the new report was on its way
        child.send_signal(getattr(signal, signal_name))
        child.wait(timeout=30)
    finally:
        child.kill()
    assert report.read_bytes() == old  # never half a file: the old report, whole
    leftovers = list(tmp_path.glob(".report.sarif.*.tmp"))
    if signal_name == "SIGKILL":  # nothing can clean up after SIGKILL; the stray is a hidden .tmp
        assert len(leftovers) == 1
    else:
        assert leftovers == []
        assert (child.returncode, child.stderr.read()) == (2, "sesguard: error: interrupted\n")
