"""Baselines end to end (SPEC §6): --write-baseline, --baseline, config `baseline`, SARIF baselineState."""

from __future__ import annotations

import json

SPEC = """\
ConfigurationSets:
  - Name: relay
    DeliveryOptions: {TlsPolicy: OPTIONAL}
    ReputationOptions: {ReputationMetricsEnabled: false}
"""
SELECT = ("--select", "SES3")


def lines(stdout: str) -> list:
    return [line for line in stdout.splitlines() if line and not line[0].isdigit()]


def test_write_baseline_records_findings_and_accepts_them(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC)

    code, out, err = cli("check", "spec.yaml", *SELECT, "--write-baseline", "baseline.json", cwd=tmp_path)

    assert (code, err, lines(out)) == (0, "", [])
    document = json.loads((tmp_path / "baseline.json").read_text())
    assert document["version"] == 1
    assert [(e["rule"], e["file"], e["set"]) for e in document["findings"]] == [
        ("SES301", "spec.yaml", "relay"),
        ("SES303", "spec.yaml", "relay"),
    ]
    assert all(len(e["fingerprint"]) == 32 for e in document["findings"])


def test_the_baseline_file_is_stable(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC)
    cli("check", "spec.yaml", *SELECT, "--write-baseline", "a.json", cwd=tmp_path)
    cli("check", "spec.yaml", *SELECT, "--write-baseline", "b.json", cwd=tmp_path)

    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_a_baseline_survives_lines_inserted_above_its_findings(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC)
    cli("check", "spec.yaml", *SELECT, "--write-baseline", "baseline.json", cwd=tmp_path)
    moved = "# a header\n# that moves every line\n" + SPEC.replace(
        "ConfigurationSets:\n",
        "ConfigurationSets:\n  - Name: first\n    DeliveryOptions: {TlsPolicy: REQUIRE}\n"
        "    ReputationOptions: {ReputationMetricsEnabled: true}\n",
    )
    (tmp_path / "spec.yaml").write_text(moved)

    code, out, _ = cli("check", "spec.yaml", *SELECT, "--baseline", "baseline.json", cwd=tmp_path)

    assert (code, lines(out)) == (0, [])
    assert out.splitlines()[-1].endswith("; 2 in baseline")


def test_only_new_findings_count(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC)
    cli("check", "spec.yaml", *SELECT, "--write-baseline", "baseline.json", cwd=tmp_path)
    (tmp_path / "spec.yaml").write_text(SPEC + "    SendingOptions: {SendingEnabled: false}\n")

    code, out, _ = cli("check", "spec.yaml", *SELECT, "--baseline", "baseline.json", cwd=tmp_path)

    assert code == 0  # SES305 is a note, below the default --fail-on warning
    assert lines(out) == [
        "spec.yaml:5:22: SES305 note SendingOptions.SendingEnabled is false:"
        " SES rejects mail sent with this set [relay]"
    ]
    code, _, _ = cli("check", "spec.yaml", *SELECT, "--baseline", "baseline.json", "--fail-on", "note", cwd=tmp_path)
    assert code == 1


def test_github_annotates_only_new_findings(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC)
    cli("check", "spec.yaml", *SELECT, "--write-baseline", "baseline.json", cwd=tmp_path)
    (tmp_path / "spec.yaml").write_text(SPEC + "    SendingOptions: {SendingEnabled: false}\n")

    code, out, _ = cli("check", "spec.yaml", *SELECT, "--baseline", "baseline.json", "--format", "github", cwd=tmp_path)

    assert (code, out) == (
        0,
        "::notice file=spec.yaml,line=5,col=22,title=SES305::SendingOptions.SendingEnabled is false:"
        " SES rejects mail sent with this set [relay]\n",
    )
    (tmp_path / "spec.yaml").write_text("ConfigurationSets: []\n")  # everything fixed: absent, not annotated
    code, out, _ = cli("check", "spec.yaml", *SELECT, "--baseline", "baseline.json", "--format", "github", cwd=tmp_path)
    assert (code, out) == (0, "")


def test_show_suppressed_also_shows_baseline_findings(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC)
    cli("check", "spec.yaml", *SELECT, "--write-baseline", "baseline.json", cwd=tmp_path)

    _, out, _ = cli("check", "spec.yaml", *SELECT, "--baseline", "baseline.json", "--show-suppressed", cwd=tmp_path)

    assert [line.rsplit(" ", 1)[1] for line in lines(out)] == ["(baseline)", "(baseline)"]


def test_sarif_carries_baseline_state_new_unchanged_absent(cli, tmp_path, validate_sarif):
    (tmp_path / "spec.yaml").write_text(SPEC)
    cli("check", "spec.yaml", *SELECT, "--write-baseline", "baseline.json", cwd=tmp_path)
    fixed_tls_new_note = SPEC.replace("TlsPolicy: OPTIONAL", "TlsPolicy: REQUIRE") + (
        "    SendingOptions: {SendingEnabled: false}\n"
    )
    (tmp_path / "spec.yaml").write_text(fixed_tls_new_note)

    code, _, _ = cli(
        "check",
        "spec.yaml",
        *SELECT,
        "--baseline",
        "baseline.json",
        "--format",
        "sarif",
        "-o",
        "out.sarif",
        cwd=tmp_path,
    )

    assert code == 0
    validate_sarif(tmp_path / "out.sarif")
    results = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
    assert sorted((r["ruleId"], r["baselineState"]) for r in results) == [
        ("SES301", "absent"),
        ("SES303", "unchanged"),
        ("SES305", "new"),
    ]


def test_baseline_from_config_is_relative_to_the_config_file(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC)
    (tmp_path / "ci").mkdir()
    cli("check", "spec.yaml", *SELECT, "--write-baseline", "ci/baseline.json", cwd=tmp_path)
    (tmp_path / "ci" / "sesguard.toml").write_text('baseline = "baseline.json"\nselect = ["SES3"]\n')

    code, out, _ = cli("check", "spec.yaml", "--config", "ci/sesguard.toml", cwd=tmp_path)

    assert (code, lines(out)) == (0, [])


def test_a_missing_or_foreign_baseline_is_a_usage_error(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC)
    (tmp_path / "other.json").write_text('{"version": 7}')

    missing = cli("check", "spec.yaml", "--baseline", "nope.json", cwd=tmp_path)
    foreign = cli("check", "spec.yaml", "--baseline", "other.json", cwd=tmp_path)

    assert missing[0] == foreign[0] == 2
    assert missing[2].startswith("sesguard: error: cannot read baseline nope.json")
    assert foreign[2] == "sesguard: error: baseline other.json is not a sesguard baseline (version 1)\n"


def test_parse_errors_never_enter_a_baseline(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text("ConfigurationSets: [\n")

    code, _, _ = cli("check", "spec.yaml", "--write-baseline", "baseline.json", cwd=tmp_path)

    assert code == 2
    assert json.loads((tmp_path / "baseline.json").read_text())["findings"] == []


def test_baseline_in_a_fresh_process(sesguard, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC)
    written = sesguard("check", "spec.yaml", "--write-baseline", "baseline.json", cwd=tmp_path)
    (tmp_path / "spec.yaml").write_text("\n\n\n" + SPEC)
    again = sesguard("check", "spec.yaml", "--baseline", "baseline.json", "--format", "json", cwd=tmp_path)

    assert (written.code, again.code) == (0, 0)
    assert {f["baseline_state"] for f in again.json()["findings"]} == {"unchanged"}
