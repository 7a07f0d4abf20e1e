"""The command line end to end (SPEC §3, §7 text, §10): exit codes, messages, options, bad inputs.

Scenarios a user runs are run as the user runs them (`python -m sesguard` in a subprocess, through
the `sesguard` fixture); the option matrix goes through `sesguard.cli.main` in-process, where a new
interpreter per case would add time and nothing else.
"""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write

from sesguard.linter.plugins import load_plugins

REPO = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[")
REGISTRY = load_plugins(entry_points=False)

# Findings of MIXED with --select SES101,SES30 (one of each level); lines and columns below.
MIXED = """\
ConfigurationSets:
  - Name: mixed
    DeliveryOptions: {TlsPolicy: OPTIONAL}
    ReputationOptions: {ReputationMetricsEnabled: false}
    SendingOptions: {SendingEnabled: false}
    EventDestinations:
      - Name: alerts
        Enabled: true
        MatchingEventTypes: [BOUNCE, COMPLAINT, BOUNCES]
        SnsDestination: {TopicArn: "arn:aws:sns:us-east-1:123456789012:alerts"}
"""
MIXED_LINES = {
    "SES301": "mixed.yaml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [mixed]",
    "SES303": "mixed.yaml:4:25: SES303 warning ReputationOptions.ReputationMetricsEnabled is false; set it to true "
    "[mixed]",
    "SES305": "mixed.yaml:5:22: SES305 note SendingOptions.SendingEnabled is false: SES rejects mail sent with this "
    "set [mixed]",
    "SES101": "mixed.yaml:9:49: SES101 error unknown event type 'BOUNCES' [mixed/alerts]",
}
# One warning (SES301) with --select SES301.
WEAK = """\
ConfigurationSets:
  - Name: weak
    DeliveryOptions: {TlsPolicy: OPTIONAL}
    ReputationOptions: {ReputationMetricsEnabled: true}
"""


# -- the examples ------------------------------------------------------------------------------


def test_check_examples_reports_the_bad_example_and_exits_1(sesguard):
    run = sesguard("check", "examples/", cwd=REPO)

    assert run.code == 1
    assert run.stderr == ""
    lines = run.stdout.splitlines()
    assert "examples/bad.yaml:15:38: SES101 error unknown event type 'BOUNCES' [marketing.eu/bounces]" in lines
    assert (
        "examples/bad.yaml:15:47: SES101 error event type BOUNCE is listed more than once [marketing.eu/bounces]"
        in lines
    )
    assert (
        "examples/bad.yaml:7:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [marketing.eu]"
        in lines
    )
    assert (
        "examples/bad.yaml:34:5: SES104 error 11 event destinations; SES allows at most 10 per configuration set "
        "[too-many-destinations]"
    ) in lines
    assert lines[-1] == "19 findings (12 errors, 4 warnings, 3 notes) in 2 files, 0 skipped"
    assert lines[-2] == ""
    findings = lines[:-2]
    assert all(line.startswith("examples/bad.yaml:") for line in findings)  # clean.yaml has nothing to say
    levels = [line.split()[2] for line in findings]
    assert (len(findings), levels.count("error"), levels.count("warning"), levels.count("note")) == (19, 12, 4, 3)
    positions = [tuple(map(int, line.split(":")[1:3])) for line in findings]
    assert positions == sorted(positions)


def test_check_clean_example_exits_0(sesguard):
    run = sesguard("check", "examples/clean.yaml", cwd=REPO)

    assert (run.code, run.stdout, run.stderr) == (
        0,
        "0 findings (0 errors, 0 warnings, 0 notes) in 1 file, 0 skipped\n",
        "",
    )


def test_the_command_exits_with_the_code_of_main_and_freezes_the_heap_first(monkeypatch, capsys):
    """`sesguard` (console_main) spares shutdown its sweep of the heap; the exit code must survive that."""
    from sesguard.cli import console_main

    monkeypatch.setattr(sys, "argv", ["sesguard", "check", "--quiet", str(REPO / "examples" / "bad.yaml")])
    try:
        with pytest.raises(SystemExit) as exit_info:
            console_main()
        frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()  # back to normal collection for the rest of the test session

    assert (exit_info.value.code, frozen > 0) == (1, True)
    assert "SES101" in capsys.readouterr().out


def test_check_defaults_to_the_working_directory(sesguard, tmp_path):
    write(tmp_path, "specs/weak.yaml", WEAK)

    run = sesguard("check", "--select", "SES301", cwd=tmp_path)

    assert run.code == 1
    assert run.stdout == (
        "specs/weak.yaml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [weak]\n"
        "\n"
        "1 finding (0 errors, 1 warning, 0 notes) in 1 file, 0 skipped\n"
    )


# -- bad input never crashes nor hides other files (SPEC §10) -------------------------------------


def test_unreadable_files_are_sg001_and_the_other_files_are_still_reported(sesguard, tmp_path):
    write(tmp_path, "a_good.yaml", WEAK)
    write(
        tmp_path,
        "broken.yaml",
        "ConfigurationSets:\n  - Name: broken\n    DeliveryOptions: {TlsPolicy: REQUIRE\n"
        "    ReputationOptions: {ReputationMetricsEnabled: true}\n",
    )
    write(
        tmp_path,
        "dup.yaml",
        "ConfigurationSets:\n  - Name: one\n    DeliveryOptions: {TlsPolicy: REQUIRE}\n    Name: two\n",
    )
    write(tmp_path, "dup.json", '{\n  "ConfigurationSets": [\n    {"Name": "one", "Name": "two"}\n  ]\n}\n')
    write(tmp_path, "latin1.yaml", "ConfigurationSets:\n  - Name: café\n".encode("latin-1"))
    write(tmp_path, "binary.yaml", b"ConfigurationSets:\n  - Name: x\x00y\n")
    write(tmp_path, "z_good.yml", WEAK)

    run = sesguard("check", ".", "missing.yaml", "--select", "SES301", cwd=tmp_path)

    assert run.code == 2
    assert "Traceback" not in run.stderr
    assert run.stderr == ""
    lines = run.stdout.splitlines()
    broken = [line for line in lines if line.startswith("broken.yaml:")]
    assert len(broken) == 1 and broken[0].startswith(
        "broken.yaml:4:22: SG001 error invalid YAML: "
    )  # C or Python parser
    assert [line for line in lines if line and not line.startswith("broken.yaml:")] == [
        "a_good.yaml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [weak]",
        "binary.yaml:2:12: SG001 error binary file (contains NUL bytes)",
        "dup.json:3:21: SG001 error duplicate key 'Name'",
        "dup.yaml:4:5: SG001 error duplicate key 'Name' (first defined at line 2)",
        "latin1.yaml:2:14: SG001 error not valid UTF-8: byte 0xe9 cannot be decoded",
        "missing.yaml:1:1: SG001 error no such file",
        "z_good.yml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [weak]",
        "8 findings (6 errors, 2 warnings, 0 notes) in 8 files, 0 skipped",
    ]


def test_sg001_is_not_suppressible_by_ignore_or_select(cli, tmp_path):
    write(tmp_path, "dup.yaml", "ConfigurationSets:\n  - Name: one\n    Name: two\n")

    for options in (("--ignore", "SG"), ("--select", "SES301"), ("--fail-on", "never")):
        code, out, _ = cli("check", "dup.yaml", *options, cwd=tmp_path)
        assert code == 2, options
        assert out.splitlines()[0] == "dup.yaml:3:5: SG001 error duplicate key 'Name' (first defined at line 2)"


def test_schema_violations_are_reported_each_at_its_line_and_other_sets_still_linted(sesguard, tmp_path):
    write(
        tmp_path,
        "spec.yaml",
        """\
ConfigurationSets:
  - Name: first
    DeliveryOptions: {TlsPolicy: MAYBE}
    ReputationOptions: {ReputationMetricsEnabled: "yes"}
    Colour: blue
  - Name: second
    DeliveryOptions: {TlsPolicy: OPTIONAL}
    ReputationOptions: {ReputationMetricsEnabled: true}
""",
    )

    run = sesguard("check", "spec.yaml", "--select", "SG,SES301", cwd=tmp_path)

    assert run.code == 2
    assert run.stdout == (
        "spec.yaml:3:23: SG002 error ConfigurationSets[0].DeliveryOptions.TlsPolicy is 'MAYBE'; "
        "expected one of REQUIRE, OPTIONAL\n"
        "spec.yaml:4:25: SG002 error ConfigurationSets[0].ReputationOptions.ReputationMetricsEnabled must be a "
        "boolean, not string\n"
        "spec.yaml:5:5: SG002 error unknown field 'Colour' in ConfigurationSets[0]\n"
        "spec.yaml:7:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [second]\n"
        "\n"
        "4 findings (3 errors, 1 warning, 0 notes) in 1 file, 0 skipped\n"
    )
    assert "Traceback" not in run.stderr


def test_schema_violation_in_a_json_spec(cli, tmp_path):
    write(
        tmp_path,
        "spec.json",
        '{"ConfigurationSets": [\n  {"Name": 1},\n'
        '  {"Name": "ok", "EventDestinations": [{"Name": "d", "Enabled": "yes"}]}\n]}\n',
    )

    code, out, _ = cli("check", "spec.json", "--select", "SG", cwd=tmp_path)

    assert code == 2
    assert out.splitlines()[:2] == [
        "spec.json:2:4: SG002 error ConfigurationSets[0].Name must be a string, not integer",
        "spec.json:3:54: SG002 error ConfigurationSets[1].EventDestinations[0].Enabled must be a boolean, not string",
    ]


def test_select_does_not_hide_a_schema_violation(cli, tmp_path):
    write(tmp_path, "spec.yaml", "ConfigurationSets:\n  - Name: first\n    DeliveryOptions: {TlsPolicy: MAYBE}\n")

    code, out, _ = cli("check", "spec.yaml", "--select", "SES301", cwd=tmp_path)

    assert code == 2
    assert out.splitlines()[0].startswith("spec.yaml:3:23: SG002 error ")


# -- --select, --ignore, --fail-on, --quiet ------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "rule_ids", "code"),
    [
        (("--select", "SES101,SES30"), ["SES301", "SES303", "SES305", "SES101"], 1),
        (("--select", "SES3"), ["SES301", "SES303", "SES305"], 1),
        (("--select", "ses101"), ["SES101"], 1),  # ids are case-insensitive on the command line
        (("--select", "SES30", "--ignore", "SES301,SES303"), ["SES305"], 0),  # a note: below the default warning
        (("--select", "SES1,SES30", "--ignore", "SES1"), ["SES301", "SES303", "SES305"], 1),
        (("--select", "SES305", "--fail-on", "note"), ["SES305"], 1),
        (("--select", "SES305", "--fail-on", "warning"), ["SES305"], 0),
        (("--select", "SES30", "--fail-on", "warning"), ["SES301", "SES303", "SES305"], 1),
        (("--select", "SES30", "--fail-on", "error"), ["SES301", "SES303", "SES305"], 0),
        (("--select", "SES101,SES30", "--fail-on", "error"), ["SES301", "SES303", "SES305", "SES101"], 1),
        (("--select", "SES101", "--fail-on", "never"), ["SES101"], 0),
    ],
)
def test_select_ignore_and_fail_on(cli, tmp_path, options, rule_ids, code):
    write(tmp_path, "mixed.yaml", MIXED)

    exit_code, out, err = cli("check", "mixed.yaml", *options, cwd=tmp_path)

    assert exit_code == code
    assert err == ""
    lines = out.splitlines()
    assert lines[:-2] == [MIXED_LINES[rule_id] for rule_id in rule_ids]
    levels = [MIXED_LINES[rule_id].split()[2] for rule_id in rule_ids]
    counts = [levels.count(level) for level in ("error", "warning", "note")]
    plural = {True: "", False: "s"}
    assert lines[-1] == (
        f"{len(rule_ids)} finding{plural[len(rule_ids) == 1]} ({counts[0]} error{plural[counts[0] == 1]}, "
        f"{counts[1]} warning{plural[counts[1] == 1]}, {counts[2]} note{plural[counts[2] == 1]}) in 1 file, 0 skipped"
    )


def test_quiet_prints_findings_only(cli, tmp_path):
    write(tmp_path, "mixed.yaml", MIXED)
    write(tmp_path, "clean.yaml", (REPO / "examples" / "clean.yaml").read_text(encoding="utf-8"))

    assert cli("check", "mixed.yaml", "--select", "SES301", "--quiet", cwd=tmp_path) == (
        1,
        MIXED_LINES["SES301"] + "\n",
        "",
    )
    assert cli("check", "clean.yaml", "-q", cwd=tmp_path) == (0, "", "")


def test_verbose_says_what_is_checked_and_skipped_on_stderr(cli, tmp_path):
    write(tmp_path, "mixed.yaml", MIXED)
    write(tmp_path, "workflow.yml", "on: push\n")

    code, out, err = cli("check", ".", "--select", "SES301", "--verbose", cwd=tmp_path)

    assert code == 1
    assert out.splitlines()[-1] == "1 finding (0 errors, 1 warning, 0 notes) in 1 file, 1 skipped"
    assert err.splitlines() == [
        "checked mixed.yaml as native spec: 1 configuration sets",
        "skipped workflow.yml: no SES configuration in a format sesguard reads",
    ]


# -- usage errors ------------------------------------------------------------------------------


def test_unknown_format_is_a_usage_error(sesguard, tmp_path):
    write(tmp_path, "mixed.yaml", MIXED)

    run = sesguard("check", "mixed.yaml", "--format", "xml", cwd=tmp_path)

    assert (run.code, run.stdout) == (2, "")
    assert run.stderr == "sesguard: error: unknown format 'xml' (known: github, json, sarif, text)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "--fail-on", "sometimes"), "sesguard: error: argument --fail-on: invalid choice: 'sometimes'"),
        (("check", "--select", ","), "sesguard: error: argument --select: expected rule ids or prefixes"),
        (("frobnicate",), "sesguard: error: argument COMMAND: invalid choice: 'frobnicate'"),
        (("check", "--select", "SES3,SESS"), "sesguard: error: --select SESS matches no rule (`sesguard rules` lists"),
        (("scan", "--ignore", "XX9", "--region", "eu-west-1"), "sesguard: error: --ignore XX9 matches no rule"),
    ],
)
def test_argument_errors_print_one_line(sesguard, tmp_path, args, message):
    run = sesguard(*args, cwd=tmp_path)

    assert (run.code, run.stdout) == (2, "")
    assert len(run.stderr.splitlines()) == 1
    assert run.stderr.startswith(message)


def test_output_to_a_missing_directory_is_a_clear_error(cli, tmp_path):
    write(tmp_path, "mixed.yaml", MIXED)

    code, out, err = cli("check", "mixed.yaml", "--output", "nowhere/report.txt", cwd=tmp_path)

    assert (code, out) == (2, "")
    assert err == "sesguard: error: cannot write nowhere/report.txt: No such file or directory\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mixed.yaml"]


def test_a_crashing_plugin_rule_is_reported_and_the_other_rules_still_run(sesguard, tmp_path):
    write(
        tmp_path,
        "crashy_plugin.py",
        '''\
from sesguard.linter.hookspecs import hookimpl
from sesguard.linter.rule import Rule


class Crashy(Rule):
    """Always crashes.

    A rule with a bug, for the tests.
    """

    id = "ORG901"
    name = "crashy"
    level = "error"

    def check(self, config_set, params):
        raise RuntimeError("boom")


@hookimpl
def sesguard_rules():
    return [Crashy]
''',
    )
    write(tmp_path, "mixed.yaml", MIXED)

    run = sesguard(
        "check",
        "mixed.yaml",
        "--plugin",
        "crashy_plugin",
        "--select",
        "ORG,SES301",
        cwd=tmp_path,
        env={"PYTHONPATH": "."},
    )

    assert run.code == 2
    assert run.stdout.splitlines()[0] == MIXED_LINES["SES301"]
    assert run.stderr == "sesguard: error: rule ORG901 failed on set 'mixed': RuntimeError('boom')\n"


def test_unknown_plugin_module_is_a_usage_error(cli, tmp_path):
    code, out, err = cli("check", "--plugin", "no_such_sesguard_plugin", cwd=tmp_path)

    assert (code, out) == (2, "")
    assert (
        err == "sesguard: error: cannot import plugin module 'no_such_sesguard_plugin': "
        "No module named 'no_such_sesguard_plugin'\n"
    )


# -- --output and colour ---------------------------------------------------------------------------


def test_output_writes_the_file_and_nothing_on_stdout(sesguard, tmp_path):
    write(tmp_path, "mixed.yaml", MIXED)
    (tmp_path / "report.json").write_text("stale", encoding="utf-8")

    to_stdout = sesguard("check", "mixed.yaml", "--format", "json", cwd=tmp_path)
    to_file = sesguard("check", "mixed.yaml", "--format", "json", "--output", "report.json", cwd=tmp_path)

    assert (to_file.code, to_file.stdout, to_file.stderr) == (1, "", "")
    assert to_stdout.code == 1
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == to_stdout.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mixed.yaml", "report.json"]  # no temporary left behind


def _run_on_a_tty(args, cwd, env):
    """Run sesguard with stdout on a pseudo-terminal: (exit code, bytes written to the terminal)."""
    import pty

    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    environment.update(env)
    primary, secondary = pty.openpty()
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "sesguard", *args],
            cwd=cwd,
            env=environment,
            stdout=secondary,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    finally:
        os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the terminal's other end is closed and drained
            break
        if not chunk:
            break
        output += chunk
    os.close(primary)
    return completed.returncode, output.decode()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize(
    ("options", "env", "colored"),
    [
        ((), {}, True),
        (("--no-color",), {}, False),
        ((), {"NO_COLOR": "1"}, False),
        ((), {"NO_COLOR": ""}, True),  # no-color.org: an empty NO_COLOR does not count
    ],
)
def test_colour_only_on_a_terminal_and_not_when_disabled(tmp_path, options, env, colored):
    write(tmp_path, "mixed.yaml", MIXED)

    code, output = _run_on_a_tty(["check", "mixed.yaml", "--select", "SES301", *options], tmp_path, env)

    assert code == 1
    assert bool(ANSI.search(output)) is colored
    if colored:
        assert output.splitlines()[0] == (
            "\x1b[1mmixed.yaml\x1b[0m:3:23: \x1b[1mSES301\x1b[0m \x1b[33mwarning\x1b[0m "
            "DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [mixed]"
        )
    else:
        assert output.splitlines()[0] == MIXED_LINES["SES301"]


def test_piped_output_has_no_colour(sesguard, tmp_path):
    write(tmp_path, "mixed.yaml", MIXED)

    run = sesguard("check", "mixed.yaml", cwd=tmp_path)

    assert run.code == 1
    assert MIXED_LINES["SES101"] in run.stdout.splitlines()
    assert not ANSI.search(run.stdout + run.stderr)


# -- rules and rule --------------------------------------------------------------------------------

BUILTIN_IDS = {
    "SG001", "SG002",
    "SES101", "SES102", "SES103", "SES104", "SES105", "SES106", "SES107",
    "SES201", "SES202", "SES203", "SES204", "SES205", "SES206",
    "SES301", "SES302", "SES303", "SES304", "SES305",
}  # fmt: skip


def test_rules_lists_every_rule_in_text_json_and_markdown(sesguard):
    text = sesguard("rules")
    as_json = sesguard("rules", "--format", "json")
    markdown = sesguard("rules", "--format", "markdown")

    assert (text.code, as_json.code, markdown.code) == (0, 0, 0)
    rules = sorted(REGISTRY.rules.values(), key=lambda rule: rule.id)
    assert len(BUILTIN_IDS) == 20 and BUILTIN_IDS <= {rule.id for rule in rules}

    rows = text.stdout.splitlines()
    assert [row.split()[:3] for row in rows] == [[rule.id, rule.name, rule.level] for rule in rules]
    assert all(row.endswith(rule.summary()) for row, rule in zip(rows, rules))

    entries = json.loads(as_json.stdout)
    assert [entry["id"] for entry in entries] == [rule.id for rule in rules]
    ses201 = next(entry for entry in entries if entry["id"] == "SES201")
    assert ses201["name"] == "bounce-complaint-to-sns"
    assert ses201["level"] == "error"
    assert ses201["parameters"] == {"events": ["BOUNCE", "COMPLAINT"], "target": "sns"}
    assert (
        ses201["help_uri"]
        == "https://github.com/sesguard/sesguard/blob/main/docs/rules.md#ses201-bounce-complaint-to-sns"
    )
    assert ses201["summary"] == "BOUNCE and COMPLAINT events must reach an enabled SNS destination."

    headings = [line for line in markdown.stdout.splitlines() if line.startswith("## ")]
    assert headings == [f"## {rule.id} {rule.name}" for rule in rules]
    assert markdown.stdout.count("\n| [") == len(rules)  # one table row per rule


def test_rule_prints_the_rule_documentation(sesguard):
    run = sesguard("rule", "ses201")
    rule = REGISTRY.rules["SES201"]

    assert (run.code, run.stderr) == (0, "")
    assert run.stdout.startswith(
        "SES201 bounce-complaint-to-sns (error)\n"
        "======================================\n"
        "\n"
        "BOUNCE and COMPLAINT events must reach an enabled SNS destination.\n"
    )
    assert rule.docs() in run.stdout
    assert "Fix: add BOUNCE and COMPLAINT to an enabled SnsDestination's MatchingEventTypes." in run.stdout
    assert run.stdout.endswith(
        "Parameters (set them in [rules.SES201]):\n"
        '  events = ["BOUNCE", "COMPLAINT"]\n'
        '  target = "sns"\n'
        "More: https://github.com/sesguard/sesguard/blob/main/docs/rules.md#ses201-bounce-complaint-to-sns\n"
    )


def test_rule_with_an_unknown_id_exits_2(cli, tmp_path):
    assert cli("rule", "SES999", cwd=tmp_path) == (
        2,
        "",
        "sesguard: error: no rule 'SES999'; `sesguard rules` lists them\n",
    )
