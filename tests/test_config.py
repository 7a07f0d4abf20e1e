"""Configuration (SPEC §6, the config part): where it is found, what it changes, how its errors look."""

from __future__ import annotations

from pathlib import Path

import pytest

from sesguard.linter.config import Settings, find_config, load_settings, rule_table_findings
from sesguard.linter.discovery import DEFAULT_EXCLUDE, DEFAULT_INCLUDE
from sesguard.linter.plugins import load_plugins

RULES = load_plugins(entry_points=False).rules

MIXED = """\
ConfigurationSets:
  - Name: mixed
    DeliveryOptions: {TlsPolicy: OPTIONAL}
    ReputationOptions: {ReputationMetricsEnabled: false}
    SendingOptions: {SendingEnabled: false}
"""
SES301 = "DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [mixed]"
SES303 = "ReputationOptions.ReputationMetricsEnabled is false; set it to true [mixed]"
SES305 = "SendingOptions.SendingEnabled is false: SES rejects mail sent with this set [mixed]"

# SNS gets BOUNCE only; Firehose archives everything.
BOUNCE_ONLY = """\
ConfigurationSets:
  - Name: routed
    Region: eu-west-1
    Account: "123456789012"
    EventDestinations:
      - Name: alerts
        Enabled: true
        MatchingEventTypes: [BOUNCE]
        SnsDestination: {TopicArn: "arn:aws:sns:eu-west-1:123456789012:alerts"}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- finding the configuration ---------------------------------------------------------------------


def test_pyproject_with_tool_sesguard_is_found_from_a_subdirectory(tmp_path):
    config = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.sesguard]\nselect = ["SES3"]\n')
    (tmp_path / "a" / "b").mkdir(parents=True)

    assert find_config(tmp_path / "a" / "b") == config


def test_pyproject_without_tool_sesguard_is_passed_over(tmp_path):
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n')
    dotfile = write(tmp_path / ".sesguard.toml", 'select = ["SES3"]\n')

    assert find_config(tmp_path / "sub") == dotfile


def test_pyproject_with_only_a_rules_subtable_counts(tmp_path):
    config = write(tmp_path / "pyproject.toml", '[tool.sesguard.rules.SES301]\nlevel = "error"\n')

    assert find_config(tmp_path) == config


def test_pyproject_wins_over_sesguard_toml_in_the_same_directory(tmp_path):
    config = write(tmp_path / "pyproject.toml", '[tool.sesguard]\nfail-on = "error"\n')
    write(tmp_path / ".sesguard.toml", 'fail-on = "note"\n')

    assert find_config(tmp_path) == config
    settings, findings = load_settings(None, tmp_path)
    assert (findings, settings.fail_on) == ([], "error")


def test_no_configuration_means_defaults(tmp_path):
    settings, findings = load_settings(None, tmp_path)

    assert findings == []
    assert settings == Settings()
    assert (settings.fail_on, settings.format, settings.select, settings.ignore) == ("warning", "text", (), ())
    assert (settings.include, settings.exclude) == (DEFAULT_INCLUDE, DEFAULT_EXCLUDE)


def test_sesguard_toml_values_are_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / ".sesguard.toml",
        """\
select = ["SES1", "SES301"]
ignore = ["SES104"]
fail-on = "note"
format = "json"
include = ["*.spec.yaml"]
exclude = ["legacy"]

[rules.SES201]
events = ["BOUNCE"]

[rules.SES301]
level = "error"
""",
    )

    settings, findings = load_settings(None, tmp_path)

    assert findings == []
    assert settings.path == ".sesguard.toml"
    assert (settings.select, settings.ignore, settings.fail_on, settings.format) == (
        ("SES1", "SES301"),
        ("SES104",),
        "note",
        "json",
    )
    assert (settings.include, settings.exclude) == (("*.spec.yaml",), ("legacy",))
    assert settings.rule_params(RULES["SES201"]) == {"events": ["BOUNCE"], "target": "sns"}
    assert settings.rule_level(RULES["SES301"]) == "error"
    assert settings.rule_level(RULES["SES303"]) == "warning"
    assert [rule_id for rule_id in ("SES101", "SES104", "SES301", "SES303") if settings.selects(rule_id)] == [
        "SES101",
        "SES301",
    ]
    assert rule_table_findings(settings, RULES) == []


# -- errors in the configuration -------------------------------------------------------------------


def locations(findings):
    return [(f.rule_id, f.location.file, f.location.line, f.location.column, f.message) for f in findings]


def test_unknown_key_is_sg002_at_its_line_not_at_a_same_named_key_elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.sesguard]\nselect = ["SES3"]\nname = "y"\n')

    settings, findings = load_settings(None, tmp_path)

    assert locations(findings) == [("SG002", "pyproject.toml", 6, 1, "unknown field 'name'")]
    assert findings[0].location.logical_path == "tool.sesguard.name"
    assert settings.path == "pyproject.toml"


def test_schema_errors_in_config_each_at_their_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / ".sesguard.toml",
        """\
fail-on = "sometimes"
select = ["ses3"]

[rules.SES301]
level = "fatal"
""",
    )

    _, findings = load_settings(None, tmp_path)

    assert locations(findings) == [
        ("SG002", ".sesguard.toml", 1, 1, "fail-on is 'sometimes'; expected one of error, warning, note, never"),
        ("SG002", ".sesguard.toml", 5, 1, "rules.SES301.level is 'fatal'; expected one of error, warning, note"),
        ("SG002", ".sesguard.toml", 2, 1, "select[0] is 'ses3', which does not match ^[A-Z][A-Z0-9]*$"),
    ]


def test_invalid_toml_is_sg001_with_its_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".sesguard.toml", 'fail-on = "error"\nselect = ["SES3"\nignore = []\n')

    _, findings = load_settings(None, tmp_path)

    assert [(f.rule_id, f.location.file, f.location.line) for f in findings] == [("SG001", ".sesguard.toml", 3)]
    assert findings[0].message.startswith("invalid TOML: ")
    assert "line" not in findings[0].message  # the position is in the location, not repeated in the message


def test_missing_config_file_is_sg001(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    _, findings = load_settings("nope.toml", tmp_path)

    assert locations(findings) == [("SG001", "nope.toml", 1, 1, "cannot read config: No such file or directory")]


def test_rule_tables_with_unknown_rules_or_bad_parameters_are_sg002(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / "pyproject.toml",
        """\
[tool.sesguard]
select = ["SES30"]

[tool.sesguard.rules.SES201]
events = ["BOUNCES"]
target = "sqs"

[tool.sesguard.rules.SES999]
x = 1

[tool.sesguard.rules.SES303]
level = "note"
foo = 1
""",
    )
    settings, findings = load_settings(None, tmp_path)
    assert findings == []

    problems = rule_table_findings(settings, RULES)

    assert locations(problems) == [
        (
            "SG002",
            "pyproject.toml",
            5,
            1,
            "rules.SES201: events[0] is 'BOUNCES'; expected one of SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, "
            "CLICK, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION",
        ),
        (
            "SG002",
            "pyproject.toml",
            6,
            1,
            "rules.SES201: target is 'sqs'; expected one of sns, firehose, cloudwatch, eventbridge, pinpoint",
        ),
        ("SG002", "pyproject.toml", 13, 1, "rules.SES303: unknown field 'foo'"),
        ("SG002", "pyproject.toml", 8, 1, "[rules.SES999] names no known rule"),
    ]
    fingerprints = {f.fingerprint for f in problems}
    assert len(fingerprints) == len(problems)  # distinct problems stay distinct alerts


# -- end to end ------------------------------------------------------------------------------------


def test_pyproject_in_a_parent_directory_applies_when_run_from_a_subdirectory(sesguard, tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.sesguard]\nselect = ["SES3"]\nignore = ["SES303"]\nfail-on = "error"\n')
    write(tmp_path / "specs" / "prod" / "mixed.yaml", MIXED)

    run = sesguard("check", "prod", cwd=tmp_path / "specs")

    assert run.code == 0  # warnings and notes only, and fail-on is error
    assert run.stdout == (
        f"prod/mixed.yaml:3:23: SES301 warning {SES301}\n"
        f"prod/mixed.yaml:5:22: SES305 note {SES305}\n"
        "\n"
        "2 findings (0 errors, 1 warning, 1 note) in 1 file, 0 skipped\n"
    )


def test_command_line_options_override_the_configuration(cli, tmp_path):
    write(tmp_path / ".sesguard.toml", 'select = ["SES3"]\nignore = ["SES303"]\nfail-on = "error"\nformat = "json"\n')
    write(tmp_path / "mixed.yaml", MIXED)

    options = ("--select", "SES303,SES305", "--ignore", "SES305", "--fail-on", "warning", "--format", "text")

    code, out, _ = cli("check", "mixed.yaml", *options, cwd=tmp_path)

    assert code == 1
    assert (
        out == f"mixed.yaml:4:25: SES303 warning {SES303}\n\n"
        "1 finding (0 errors, 1 warning, 0 notes) in 1 file, 0 skipped\n"
    )


def test_format_from_the_configuration(cli, tmp_path):
    write(tmp_path / ".sesguard.toml", 'select = ["SES301"]\nformat = "github"\n')
    write(tmp_path / "mixed.yaml", MIXED)

    code, out, _ = cli("check", "mixed.yaml", cwd=tmp_path)

    assert code == 1
    assert out == f"::warning file=mixed.yaml,line=3,col=23,title=SES301::{SES301}\n"


def test_explicit_config_file_wins_over_the_nearest_one(cli, tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.sesguard]\nselect = ["SES303"]\n')
    write(tmp_path / "conf" / "strict.toml", 'select = ["SES305"]\nfail-on = "note"\n')
    write(tmp_path / "mixed.yaml", MIXED)

    code, out, _ = cli("check", "mixed.yaml", "--config", "conf/strict.toml", cwd=tmp_path)

    assert code == 1
    assert (
        out
        == f"mixed.yaml:5:22: SES305 note {SES305}\n\n1 finding (0 errors, 0 warnings, 1 note) in 1 file, 0 skipped\n"
    )


def test_unknown_config_key_stops_the_run_with_exit_2(sesguard, tmp_path):
    write(tmp_path / ".sesguard.toml", 'select = ["SES3"]\n\ncolour = "blue"\n')
    write(tmp_path / "mixed.yaml", MIXED)

    run = sesguard("check", "mixed.yaml", cwd=tmp_path)

    assert run.code == 2
    assert run.stdout == (
        ".sesguard.toml:3:1: SG002 error unknown field 'colour'\n"
        "\n"
        "1 finding (1 error, 0 warnings, 0 notes) in 0 files, 0 skipped\n"
    )
    assert "Traceback" not in run.stderr


def test_invalid_toml_in_config_is_sg001_with_exit_2(cli, tmp_path):
    write(tmp_path / ".sesguard.toml", 'select = ["SES3"\n')
    write(tmp_path / "mixed.yaml", MIXED)

    code, out, _ = cli("check", "mixed.yaml", cwd=tmp_path)

    assert code == 2
    assert out.splitlines()[0] == ".sesguard.toml:2:1: SG001 error invalid TOML: Unclosed array"  # at the end: unclosed


def test_invalid_rule_parameters_are_reported_sorted_by_line_with_exit_2(cli, tmp_path):
    write(tmp_path / ".sesguard.toml", '[rules.SES999]\nx = 1\n\n[rules.SES201]\ntarget = "sqs"\n')
    write(tmp_path / "mixed.yaml", MIXED)

    code, out, _ = cli("check", "mixed.yaml", cwd=tmp_path)

    assert code == 2
    assert out.splitlines() == [
        ".sesguard.toml:1:1: SG002 error [rules.SES999] names no known rule",
        ".sesguard.toml:5:1: SG002 error rules.SES201: target is 'sqs'; expected one of sns, firehose, cloudwatch, "
        "eventbridge, pinpoint",
        "",
        "2 findings (2 errors, 0 warnings, 0 notes) in 0 files, 0 skipped",
    ]


def test_select_ignore_and_mandatory_entries_must_match_a_rule(cli, tmp_path):
    write(
        tmp_path / ".sesguard.toml", 'select = ["SES3", "SESS"]\nignore = ["SG1"]\nmandatory = [\n  "DR",\n  "XX",\n]\n'
    )
    write(tmp_path / "mixed.yaml", MIXED)

    code, out, _ = cli("check", "mixed.yaml", "--quiet", cwd=tmp_path)

    assert (code, out.splitlines()) == (
        2,
        [
            ".sesguard.toml:1:1: SG002 error select: SESS matches no rule (`sesguard rules` lists them)",
            ".sesguard.toml:3:1: SG002 error mandatory: XX matches no rule (`sesguard rules` lists them)",
        ],
    )


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("", ["COMPLAINT reaches no enabled SNS destination [routed]"]),
        ('[rules.SES201]\nevents = ["BOUNCE"]\n', []),
        ('[rules.SES201]\nevents = ["DELIVERY", "BOUNCE"]\n', ["DELIVERY reaches no enabled SNS destination [routed]"]),
    ],
)
def test_rule_parameters_change_the_rule(cli, tmp_path, config, expected):
    write(tmp_path / ".sesguard.toml", 'select = ["SES201"]\n' + config)
    write(tmp_path / "routed.yaml", BOUNCE_ONLY)

    code, out, _ = cli("check", "routed.yaml", "--quiet", cwd=tmp_path)

    assert out.splitlines() == [f"routed.yaml:2:5: SES201 error {message}" for message in expected]
    assert code == (1 if expected else 0)


def test_rule_level_from_the_configuration(cli, tmp_path):
    write(tmp_path / "mixed.yaml", MIXED)
    assert cli("check", "mixed.yaml", "--select", "SES301", "--fail-on", "error", "-q", cwd=tmp_path) == (
        0,
        f"mixed.yaml:3:23: SES301 warning {SES301}\n",
        "",
    )

    write(tmp_path / ".sesguard.toml", '[rules.SES301]\nlevel = "error"\n')

    assert cli("check", "mixed.yaml", "--select", "SES301", "--fail-on", "error", cwd=tmp_path) == (
        1,
        f"mixed.yaml:3:23: SES301 error {SES301}\n\n1 finding (1 error, 0 warnings, 0 notes) in 1 file, 0 skipped\n",
        "",
    )
