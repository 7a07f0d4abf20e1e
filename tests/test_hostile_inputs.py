"""Hostile local inputs through the CLI, as a user runs it (issue 7 item 1; SPEC §3 exit codes, §10).

One row per input. Each runs `python -m sesguard check . --select SES301` in a directory that also
holds GOOD (one known SES301 finding) and asserts: the exit code (2 for an input that cannot be
read or parsed, 0/1 where the input is valid), the hostile file's SG001/SG002 line with its
position, no traceback, a wall-time and peak-memory bound, and that the good file's finding is
still reported. Then: output byte-identical across PYTHONHASHSEED values, and no credentials in
any output of a live scan (moto over HTTP, fake keys, with and without injected faults); and a
run killed while writing `--output` leaves the old report whole. Injected live faults are
enumerated in tests/test_live_faults.py; configured limits in tests/test_limits.py.
"""

from __future__ import annotations

import codecs
import os
import re
import sys
import time
from pathlib import Path
from typing import Callable, NamedTuple

import pytest
from conftest import run_sesguard, write
from live_support import live_env, moto, moto_module  # noqa: F401

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


class Row(NamedTuple):
    id: str
    build: Callable[[Path], None]
    code: int
    lines: tuple  # exact lines (or prefixes ending in '…') expected in the output besides GOOD_LINE
    skipped: int | None = None  # files counted as skipped, when the row is about skipping
    skip: str | None = None  # reason to skip the row here
    paths: tuple = (".",)  # what to check


ROWS = [
    Row("empty-markerless-name", files(notes__yaml=""), 1, (), skipped=1),
    Row("empty-spec-name", files(ses_configuration_sets__yaml=""), 1, (), skipped=1),
    Row("whitespace-only-spec-name", files(configuration__json=" \n\t\n"), 1, (), skipped=1),
    Row(
        "utf8-bom",
        files(bom__yaml=codecs.BOM_UTF8 + GOOD.replace("weak", "bom").encode()),
        1,
        ("bom.yaml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [bom]",),
    ),
    Row(
        "utf16-le-bom",
        files(le__yaml=codecs.BOM_UTF16_LE + GOOD.replace("weak", "le").encode("utf-16-le")),
        1,
        ("le.yaml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [le]",),
    ),
    Row(
        "utf16-be-bom",
        files(be__yaml=codecs.BOM_UTF16_BE + GOOD.replace("weak", "be").encode("utf-16-be")),
        1,
        ("be.yaml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [be]",),
    ),
    Row(
        "utf16-json-bom",
        files(le__json=codecs.BOM_UTF16_LE + '{"ConfigurationSets": [{"Name": 5}]}'.encode("utf-16-le")),
        2,
        ("le.json:1:25: SG002 error ConfigurationSets[0].Name must be a string, not integer",),
    ),
    Row(
        "latin1",
        files(latin1__yaml="ConfigurationSets:\n  - Name: café\n".encode("latin-1")),
        2,
        ("latin1.yaml:2:14: SG001 error not valid UTF-8: byte 0xe9 cannot be decoded",),
    ),
    Row(
        "binary-junk-with-nul",
        files(junk__yaml=bytes(range(256)) * 4 + b"ConfigurationSets" + bytes(range(256))),
        2,
        ("junk.yaml:1:1: SG001 error binary file (contains NUL bytes)",),
    ),
    Row(
        "binary-junk-without-nul",
        files(junk__json=b"\x80\xfe\xfdConfigurationSets\x80\x81" + bytes(range(1, 256))),
        2,
        ("junk.json:1:1: SG001 error not valid UTF-8: byte 0x80 cannot be decoded",),
    ),
    Row(
        "truncated-yaml",
        files(trunc__yaml=GOOD[: GOOD.index("OPTIONAL") + 4]),
        2,
        ("trunc.yaml:4:1: SG001 error invalid YAML: did not find expected ',' or '}'",),
    ),
    Row(
        "truncated-json",
        files(trunc__json='{"ConfigurationSets": [{"Name": "t", "DeliveryOptions": {"TlsPolicy": "OPT'),
        2,
        ("trunc.json:1:… SG001 error invalid JSON: …",),
    ),
    Row(
        "duplicate-keys-yaml",
        files(
            dup__yaml="ConfigurationSets:\n  - Name: one\n    DeliveryOptions: {TlsPolicy: REQUIRE}\n    Name: two\n"
        ),
        2,
        ("dup.yaml:4:5: SG001 error duplicate key 'Name' (first defined at line 2)",),
    ),
    Row(
        "duplicate-keys-json",
        files(dup__json='{\n  "ConfigurationSets": [\n    {"Name": "one", "Name": "two"}\n  ]\n}\n'),
        2,
        ("dup.json:3:21: SG001 error duplicate key 'Name'",),
    ),
    Row(
        "yaml-alias-bomb",
        files(bomb__yaml=ALIAS_BOMB),
        2,
        ("bomb.yaml:… SG001 error aliases expand to more than 1,000,000 values, an alias bomb? …",),
    ),
    Row(
        "yaml-flow-nesting-100k",
        files(deep__yaml="ConfigurationSets: " + "[" * DEPTH + "]" * DEPTH + "\n"),
        2,
        ("deep.yaml:1:119: SG001 error nesting deeper than 100 levels (raise [limits] max-depth to allow more)",),
    ),
    Row(
        "json-flow-nesting-100k",
        files(deep__json='{"ConfigurationSets": ' + "[" * DEPTH + "]" * DEPTH + "}"),
        2,
        ("deep.json:1:… SG001 error nesting deeper than 100 levels (raise [limits] max-depth to allow more)",),
    ),
    Row(
        "yaml-block-nesting",
        files(block__yaml=DEEP_BLOCK),
        2,
        ("block.yaml:… SG001 error nesting deeper than 100 levels (raise [limits] max-depth to allow more)",),
    ),
    Row("large-irrelevant-yaml", _large_irrelevant, 1, (), skipped=1),
    Row(
        "large-spec-yaml",
        _large_spec,
        1,
        ("big_spec.yaml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [big]",),
    ),
    Row(
        "file-over-the-size-limit",
        _over_the_size_limit(marker=True),
        2,
        (
            "huge.json:1:1: SG001 error file is 67,108,904 bytes, more than 67,108,864 "
            "(raise [limits] max-file-size to read it)",
        ),
    ),
    Row("unrelated-file-over-the-size-limit", _over_the_size_limit(marker=False), 1, (), skipped=1),
    Row("top-level-list-json", files(list__json='[{"ConfigurationSets": []}]'), 2, ("list.json:1:1: SG002 error …",)),
    Row(
        "top-level-scalar-yaml",
        files(scalar__yaml="ConfigurationSets\n"),
        1,
        (),
        skipped=1,
    ),
    Row(
        "configuration-sets-string",
        files(str__yaml="ConfigurationSets: marketing\n"),
        2,
        ("str.yaml:1:… SG002 error …",),
    ),
    Row(
        "set-is-a-number",
        files(num__yaml="ConfigurationSets:\n  - 42\n  - Name: fine\n    DeliveryOptions: {TlsPolicy: OPTIONAL}\n"),
        2,
        (
            "num.yaml:2:5: SG002 error …",
            "num.yaml:4:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [fine]",
        ),
    ),
    Row(
        "event-destinations-mapping",
        files(map__yaml="ConfigurationSets:\n  - Name: m\n    EventDestinations: {Name: d, Enabled: true}\n"),
        2,
        ("map.yaml:3:… SG002 error …",),
    ),
    Row(
        "enabled-is-a-string",
        files(
            en__yaml="ConfigurationSets:\n  - Name: e\n    EventDestinations:\n      - Name: d\n"
            "        Enabled: 'yes'\n        MatchingEventTypes: [BOUNCE]\n"
            "        SnsDestination: {TopicArn: 'arn:aws:sns:us-east-1:123456789012:t'}\n"
        ),
        2,
        ("en.yaml:5:… SG002 error …",),
    ),
    Row(
        "matching-event-types-number",
        files(
            met__yaml="ConfigurationSets:\n  - Name: e\n    EventDestinations:\n      - Name: d\n"
            "        Enabled: true\n        MatchingEventTypes: 7\n"
            "        SnsDestination: {TopicArn: 'arn:aws:sns:us-east-1:123456789012:t'}\n"
        ),
        2,
        ("met.yaml:6:… SG002 error …",),
    ),
    Row(
        "name-is-a-list-json",
        files(name__json='{"ConfigurationSets": [{"Name": ["a"], "EventDestinations": [{"Name": {}}]}]}'),
        2,
        (
            "name.json:1:25: SG002 error ConfigurationSets[0].Name must be a string, not array",
            "name.json:1:63: SG002 error ConfigurationSets[0].EventDestinations[0].Name must be a string, not object",
        ),
    ),
    Row("top-level-list-yaml", files(list__yaml="- ConfigurationSets: []\n"), 1, (), skipped=1),
    Row("configuration-sets-null", files(null__yaml="ConfigurationSets:\n"), 2, ("null.yaml:1:… SG002 error …",)),
    Row(
        "option-block-is-a-list",
        files(opt__yaml="ConfigurationSets:\n  - Name: o\n    DeliveryOptions: [REQUIRE]\n"),
        2,
        ("opt.yaml:3:… SG002 error …",),
    ),
    Row(
        "tags-are-strings",
        files(tags__yaml="ConfigurationSets:\n  - Name: t\n    Tags: [team, owner]\n"),
        2,
        ("tags.yaml:3:… SG002 error …", "tags.yaml:3:… SG002 error …"),
    ),
    Row(
        "multi-document-yaml",
        files(multi__yaml="ConfigurationSets: []\n---\nConfigurationSets: []\n"),
        2,
        ("multi.yaml:2:1: SG001 error invalid YAML: …",),
    ),
    Row(
        "target-is-a-string",
        files(
            tgt__yaml="ConfigurationSets:\n  - Name: t\n    EventDestinations:\n      - Name: d\n"
            "        Enabled: true\n        MatchingEventTypes: [BOUNCE]\n"
            "        SnsDestination: 'arn:aws:sns:us-east-1:123456789012:t'\n"
        ),
        2,
        ("tgt.yaml:7:… SG002 error …",),
    ),
    Row(
        "suppress-is-a-number",
        files(sup__yaml="ConfigurationSets:\n  - Name: s\n    Suppress: 3\n"),
        2,
        ("sup.yaml:3:… SG002 error …",),
    ),
    Row(
        "python-object-tag",
        files(tag__yaml="ConfigurationSets:\n  - Name: !!python/object/apply:os.system ['touch pwned']\n"),
        2,
        ("tag.yaml:2:11: SG001 error invalid YAML: …",),
    ),
    Row(
        "cfn-ref-tag-in-native-spec",
        files(ref__yaml="ConfigurationSets:\n  - Name: !Ref SetName\n"),
        2,
        ("ref.yaml:2:11: SG001 error invalid YAML: …",),
    ),
    Row(
        "unreadable-chmod-000",
        _unreadable,
        2,
        ("secret.yaml:1:1: SG001 error cannot read file: Permission denied",),
        skip="root reads a chmod 000 file anyway" if hasattr(os, "geteuid") and os.geteuid() == 0 else None,
    ),
    Row("fifo", _fifo, 2, ("pipe.yaml:1:1: SG001 error not a regular file (a FIFO)",)),
    Row(
        "endless-device-named-explicitly",
        files(),
        2,
        ("/dev/zero:1:1: SG001 error not a regular file (a character device)",),
        paths=(".", "/dev/zero"),
    ),
    Row("dangling-symlink", _symlink("gone.yaml", "nowhere.yaml"), 2, ("gone.yaml:1:1: SG001 error no such file",)),
    Row(
        "symlink-loop",
        _symlink_loop,
        2,
        (
            "loop_a.yaml:1:1: SG001 error cannot read file: Too many levels of symbolic links",
            "loop_b.yaml:1:1: SG001 error cannot read file: Too many levels of symbolic links",
        ),
    ),
    Row("thousands-of-unrelated-files", _many_unrelated, 1, (), skipped=1800),
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
@pytest.mark.parametrize("row", [pytest.param(r, id=r.id) for r in ROWS])
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
    from live_support import seed_problems

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
    from live_support import seed_problems
    from moto_server import Fault

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
