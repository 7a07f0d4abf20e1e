"""The text, json and github reporters (SPEC §7) and atomic `--output` (SPEC §10), through the Python API.

Reports are built by hand here, so each reporter is tested on exactly the findings it gets: file and
live findings, every level, suppressed findings, incomplete runs. A few end-to-end runs check that
the CLI hands the same report to each format.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import run_sesguard

from sesguard import __version__
from sesguard.linter import output
from sesguard.linter.engine import Report
from sesguard.linter.findings import Finding, Suppression
from sesguard.linter.model import Location
from sesguard.linter.plugins import load_plugins
from sesguard.linter.reporters import ReportOptions, github, text
from sesguard.linter.reporters import json as json_reporter

REPO = Path(__file__).resolve().parent.parent
REGISTRY = load_plugins(entry_points=False)


def finding(rule_id, level, message, file="specs/mail.yaml", line=1, column=1, **extra) -> Finding:
    logical_path = extra.pop("logical_path", "ConfigurationSets[0]")
    arn = extra.pop("arn", None)
    extra.setdefault("source_kind", "spec")
    return Finding(rule_id, level, message, Location(file, line, column, logical_path, arn), **extra)


def sample_report() -> Report:
    """Two files and a live set: an error, a warning, a note, a suppressed warning."""
    findings = [
        finding(
            "SES101",
            "error",
            "unknown event type 'BOUNCES'",
            line=9,
            column=49,
            logical_path="ConfigurationSets[0].EventDestinations[0].MatchingEventTypes[2]",
            set_name="prod",
            destination_name="alerts",
            field=("MatchingEventTypes", 2),
            account="123456789012",
            region="eu-west-1",
        ),
        finding(
            "SES301",
            "warning",
            "DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE",
            line=3,
            column=23,
            set_name="prod",
            field=("DeliveryOptions", "TlsPolicy"),
            suppressions=(Suppression("inSource", "legacy relay"),),
        ),
        finding(
            "SES305", "note", "SendingOptions.SendingEnabled is false", file="z.yaml", line=5, column=22, set_name="z"
        ),
        finding(
            "SES303",
            "warning",
            "ReputationOptions.ReputationMetricsEnabled is false; set it to true",
            file=None,
            logical_path="prod",
            arn="arn:aws:ses:eu-west-1:123456789012:configuration-set/prod",
            source_kind="live",
            set_name="prod",
            account="123456789012",
            region="eu-west-1",
        ),
    ]
    findings.sort(key=Finding.sort_key)
    rules = {rule_id: REGISTRY.rules[rule_id] for rule_id in ("SG001", "SES101", "SES301", "SES303", "SES305")}
    return Report(findings=findings, rules=rules, files_checked=2, files_skipped=3)


# -- text ----------------------------------------------------------------------------------------


def test_text_lines_grouped_by_file_then_the_summary():
    assert text.render(sample_report(), ReportOptions()) == (
        "sesv2/123456789012/eu-west-1/prod:1:1: SES303 warning ReputationOptions.ReputationMetricsEnabled is false; "
        "set it to true [prod]\n"
        "\n"
        "specs/mail.yaml:9:49: SES101 error unknown event type 'BOUNCES' [prod/alerts]\n"
        "\n"
        "z.yaml:5:22: SES305 note SendingOptions.SendingEnabled is false [z]\n"
        "\n"
        "3 findings (1 error, 1 warning, 1 note) in 2 files, 3 skipped; 1 suppressed\n"
    )


def test_text_shows_suppressed_findings_when_asked():
    lines = text.render(sample_report(), ReportOptions(show_suppressed=True)).splitlines()

    assert lines[2:5] == [
        "specs/mail.yaml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [prod] "
        "(suppressed)",
        "specs/mail.yaml:9:49: SES101 error unknown event type 'BOUNCES' [prod/alerts]",
        "",
    ]


def test_text_quiet_has_no_summary_and_nothing_for_a_clean_run():
    quiet = text.render(sample_report(), ReportOptions(quiet=True))

    assert quiet.splitlines()[-1] == "z.yaml:5:22: SES305 note SendingOptions.SendingEnabled is false [z]"
    assert quiet.endswith("[z]\n")
    assert text.render(Report(files_checked=1), ReportOptions(quiet=True)) == ""


def test_text_summary_singular_and_plural():
    one = Report(findings=[finding("SG001", "error", "no such file", file="x.yaml")], files_checked=1)

    assert text.summary(one) == "1 finding (1 error, 0 warnings, 0 notes) in 1 file, 0 skipped"
    assert text.summary(Report()) == "0 findings (0 errors, 0 warnings, 0 notes) in 0 files, 0 skipped"


def test_a_live_scan_counts_sets_not_files():
    assert (
        text.summary(Report(live_sets=1))
        == "0 findings (0 errors, 0 warnings, 0 notes) in 1 configuration set read live"
    )
    assert text.summary(Report(live_sets=0)).endswith(" in 0 configuration sets read live")
    assert json.loads(json_reporter.render(Report(live_sets=12), ReportOptions()))["summary"]["live_sets"] == 12
    assert json.loads(json_reporter.render(Report(files_checked=2), ReportOptions()))["summary"]["live_sets"] is None


def test_text_colour():
    report = Report(findings=[finding("SES305", "note", "paused", file="a.yaml", line=2, column=3, set_name="s")])

    assert text.render(report, ReportOptions(color=True, quiet=True)) == (
        "\x1b[1ma.yaml\x1b[0m:2:3: \x1b[1mSES305\x1b[0m \x1b[36mnote\x1b[0m paused [s]\n"
    )
    assert "\x1b" not in text.render(report, ReportOptions(color=False))


# -- json ----------------------------------------------------------------------------------------


def test_json_document():
    report = sample_report()

    document = json.loads(json_reporter.render(report, ReportOptions()))

    assert document["version"] == 1
    assert document["tool"] == {"name": "sesguard", "version": __version__}
    assert document["summary"] == {
        "findings": 3,
        "errors": 1,
        "warnings": 1,
        "notes": 1,
        "suppressed": 1,
        "in_baseline": 0,
        "files_checked": 2,
        "files_skipped": 3,
        "live_sets": None,
        "complete": True,
        "errors_during_run": [],
    }
    assert [f["rule_id"] for f in document["findings"]] == ["SES303", "SES301", "SES101", "SES305"]
    assert document["findings"][2] == {
        "rule_id": "SES101",
        "level": "error",
        "message": "unknown event type 'BOUNCES'",
        "file": "specs/mail.yaml",
        "line": 9,
        "column": 49,
        "logical_path": "ConfigurationSets[0].EventDestinations[0].MatchingEventTypes[2]",
        "arn": None,
        "set": "prod",
        "destination": "alerts",
        "field": "MatchingEventTypes.2",
        "source_kind": "spec",
        "account": "123456789012",
        "region": "eu-west-1",
        "fingerprint": report.findings[2].fingerprint,
        "suppressions": [],
        "baseline_state": None,
        "diff": None,  # drift findings only
    }
    live, suppressed = document["findings"][0], document["findings"][1]
    assert (live["file"], live["arn"], live["source_kind"]) == (
        "sesv2/123456789012/eu-west-1/prod",
        "arn:aws:ses:eu-west-1:123456789012:configuration-set/prod",
        "live",
    )
    assert suppressed["suppressions"] == [{"kind": "inSource", "justification": "legacy relay"}]


def test_json_incomplete_run():
    report = Report(
        findings=[finding("SG001", "error", "no such file", file="gone.yaml", logical_path="")],
        files_checked=1,
        errors=["rule ORG901 failed on set 'x': RuntimeError('boom')"],
    )

    summary = json.loads(json_reporter.render(report, ReportOptions()))["summary"]

    assert (summary["complete"], summary["errors"], summary["errors_during_run"]) == (
        False,
        1,
        ["rule ORG901 failed on set 'x': RuntimeError('boom')"],
    )


def test_json_end_to_end_matches_the_text_summary(sesguard):
    as_json = sesguard("check", "examples/", "--format", "json", cwd=REPO)

    assert (as_json.code, as_json.stderr) == (1, "")
    document = as_json.json()
    summary = document["summary"]
    assert (summary["findings"], summary["errors"], summary["warnings"], summary["notes"]) == (19, 12, 4, 3)
    assert (summary["files_checked"], summary["files_skipped"], summary["complete"]) == (2, 0, True)
    assert {f["file"] for f in document["findings"]} == {"examples/bad.yaml"}
    unknown = next(f for f in document["findings"] if f["message"] == "unknown event type 'BOUNCES'")
    assert (unknown["rule_id"], unknown["line"], unknown["column"], unknown["set"], unknown["destination"]) == (
        "SES101",
        15,
        38,
        "marketing.eu",
        "bounces",
    )
    assert unknown["logical_path"] == "ConfigurationSets[0].EventDestinations[0].MatchingEventTypes[1]"


# -- github --------------------------------------------------------------------------------------


def test_github_workflow_commands():
    assert github.render(sample_report(), ReportOptions()) == (
        "::warning file=sesv2/123456789012/eu-west-1/prod,line=1,col=1,title=SES303::"
        "ReputationOptions.ReputationMetricsEnabled is false; set it to true [prod]\n"
        "::error file=specs/mail.yaml,line=9,col=49,title=SES101::unknown event type 'BOUNCES' [prod/alerts]\n"
        "::notice file=z.yaml,line=5,col=22,title=SES305::SendingOptions.SendingEnabled is false [z]\n"
    )


def test_github_escapes_properties_and_data():
    report = Report(
        findings=[
            finding(
                "SES105",
                "error",
                "name '50%off,now:x' is\r\ninvalid",
                file="we,ird:100%.yaml",
                line=2,
                column=5,
                set_name="50%off,now:x",
            )
        ]
    )

    assert github.render(report, ReportOptions()) == (
        "::error file=we%2Cird%3A100%25.yaml,line=2,col=5,title=SES105::"
        "name '50%25off,now:x' is%0D%0Ainvalid [50%25off,now:x]\n"
    )


def test_github_end_to_end_with_an_awkward_file_name(sesguard, tmp_path):
    (tmp_path / "we,ird:name.yaml").write_text(
        'ConfigurationSets:\n  - Name: "50%off"\n    DeliveryOptions: {TlsPolicy: OPTIONAL}\n', encoding="utf-8"
    )

    run = sesguard("check", ".", "--format", "github", "--select", "SES105,SES301", cwd=tmp_path)

    assert run.code == 1
    assert run.stdout == (
        "::error file=we%2Cird%3Aname.yaml,line=2,col=5,title=SES105::"
        "configuration set name '50%25off' may only contain letters, digits, '_' and '-' [50%25off]\n"
        "::warning file=we%2Cird%3Aname.yaml,line=3,col=23,title=SES301::"
        "DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [50%25off]\n"
    )


# -- --output ------------------------------------------------------------------------------------


def test_write_atomically_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "report.sarif"
    target.write_text("old", encoding="utf-8")

    output.write_atomically(str(target), "new\ncontent\n")

    assert target.read_bytes() == b"new\ncontent\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.sarif"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # what a plain open() would have made


def test_write_atomically_keeps_the_old_file_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / "report.sarif"
    target.write_text("old", encoding="utf-8")

    def interrupted(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomically(str(target), "half a report")

    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.sarif"]


def test_write_atomically_relative_path_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    output.write_atomically("out.json", "{}\n")

    assert (tmp_path / "out.json").read_text(encoding="utf-8") == "{}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


@pytest.mark.parametrize("format_name", ["text", "json", "github", "sarif"])
def test_output_file_holds_exactly_what_stdout_would(tmp_path, monkeypatch, capsys, format_name):
    from sesguard.cli import main

    (tmp_path / "spec.yaml").write_text((REPO / "examples" / "bad.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    printed_code = main(["check", "spec.yaml", "--format", format_name])
    printed = capsys.readouterr()
    written_code = main(["check", "spec.yaml", "--format", format_name, "-o", "report"])
    written = capsys.readouterr()

    assert (printed_code, written_code, written.out, written.err) == (1, 1, "", "")
    assert printed.out.count("\n") > 10
    assert (tmp_path / "report").read_text(encoding="utf-8") == printed.out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report", "spec.yaml"]


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif"])
def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(tmp_path, output_format, validate_sarif):
    """A Latin-1 name on a Linux disk: no report can carry its raw byte, so it shows as U+FFFD (the SARIF URI
    keeps the byte, percent-encoded); the run reports, it does not crash."""
    try:
        (tmp_path / os.fsdecode(b"caf\xe9.yaml")).write_text("ConfigurationSets: [\n", encoding="utf-8")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system takes only UTF-8 file names")
    completed = run_sesguard("check", ".", "--format", output_format, "-o", "report.out", cwd=tmp_path)
    assert (completed.code, completed.stderr) == (2, "")
    written = (tmp_path / "report.out").read_text(encoding="utf-8")
    if output_format == "json":
        assert [(f["file"], f["rule_id"]) for f in json.loads(written)["findings"]] == [("caf\ufffd.yaml", "SG001")]
    assert ("caf\ufffd.yaml" in written or output_format == "json") and "SG001" in written
    if output_format == "sarif":
        validate_sarif(tmp_path / "report.out")
        uris = {location["physicalLocation"]["artifactLocation"]["uri"] for location in _sarif_locations(written)}
        assert uris == {"caf%E9.yaml"}


def _sarif_locations(written: str) -> list:
    return [location for result in json.loads(written)["runs"][0]["results"] for location in result["locations"]]
