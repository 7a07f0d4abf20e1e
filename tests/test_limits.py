"""Limits on what a run reads (file size, nesting depth, alias expansion) and how long it waits for AWS.

Each limit is exercised through the CLI with a `[limits]` table in `.sesguard.toml`: what is over
it is an SG001 at the file that names the key to raise, what is under it is read, and the other
files' findings stay intact. Defaults are covered by tests/test_hostile_inputs.py.
"""

from __future__ import annotations

import pytest
from conftest import write

GOOD = "ConfigurationSets:\n  - Name: weak\n    DeliveryOptions: {TlsPolicy: OPTIONAL}\n"
GOOD_LINE = "good.yaml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [weak]"


def check(cli, directory, limits: str):
    write(directory, ".sesguard.toml", f"select = ['SES301']\n[limits]\n{limits}\n")
    write(directory, "good.yaml", GOOD)
    code, out, err = cli("check", ".", cwd=directory)
    assert "Traceback" not in err
    assert GOOD_LINE in out.splitlines(), out
    return code, out


def test_a_file_over_max_file_size_is_sg001_and_is_not_parsed(cli, tmp_path):
    write(tmp_path, "big.yaml", "ConfigurationSets: []\n# " + "x" * 2000 + "\n")
    code, out = check(cli, tmp_path, "max-file-size = 1_000")
    assert code == 2
    assert (
        "big.yaml:1:1: SG001 error file is 2,025 bytes, more than 1,000 (raise [limits] max-file-size to read it)"
        in (out.splitlines())
    )


def test_a_large_file_without_an_ses_marker_is_skipped_not_refused(cli, tmp_path):
    write(tmp_path, "data.json", '{"rows": [' + ", ".join(["1"] * 2000) + "]}")
    code, out = check(cli, tmp_path, "max-file-size = 1_000")
    assert code == 1
    assert out.splitlines()[-1].endswith("in 1 file, 1 skipped"), out


def test_a_marker_past_the_first_chunk_of_a_large_file_is_found(cli, tmp_path):
    write(tmp_path, "late.yaml", "# padding\n" * 300 + "ConfigurationSets: []\n")
    code, out = check(cli, tmp_path, "max-file-size = 1_000")
    assert code == 2
    assert "late.yaml:1:1: SG001 error file is 3,022 bytes, more than 1,000" in out


@pytest.mark.parametrize("name", ["deep.yaml", "deep.json"])
def test_max_depth_is_configurable(cli, tmp_path, name):
    body = '{"ConfigurationSets": [{"Name": "d", "Tags": [{"Key": "k", "Value": "v"}]}]}'  # five levels
    write(tmp_path, name, body)
    code, out = check(cli, tmp_path, "max-depth = 4")  # good.yaml has four
    assert code == 2
    assert f"{name}:1:47: SG001 error nesting deeper than 4 levels (raise [limits] max-depth to allow more)" in out
    code, out = check(cli, tmp_path, "max-depth = 5")
    assert code == 1 and "SG001" not in out, out


def test_max_alias_nodes_is_configurable(cli, tmp_path):
    write(
        tmp_path,
        "aliases.yaml",
        "ConfigurationSets:\n  - {Name: a, Tags: &t [{Key: a, Value: b}, {Key: c, Value: d}]}\n"
        "  - {Name: b, Tags: *t}\n  - {Name: c, Tags: *t}\n",
    )
    code, out = check(cli, tmp_path, "max-alias-nodes = 10")
    assert code == 2
    assert (
        "aliases.yaml:2:3: SG001 error aliases expand to more than 10 values, an alias bomb? "
        "(raise [limits] max-alias-nodes to allow it)"
    ) in out
    code, out = check(cli, tmp_path, "max-alias-nodes = 1000")
    assert code == 1 and "SG001" not in out, out


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ("max-depth = 0", "limits.max-depth: 0 is less than the minimum of 1"),
        ("max-depth = 5000", "limits.max-depth: 5000 is greater than the maximum of 1000"),
        ("max-file-size = '10 MB'", "limits.max-file-size must be an integer, not string"),
        ("timeout = 0", "limits.timeout: 0 is less than or equal to the minimum of 0"),
        ("max-files = 3", "unknown field 'max-files' in limits"),
    ],
)
def test_invalid_limits_are_sg002_at_their_line(cli, tmp_path, limits, message):
    write(tmp_path, ".sesguard.toml", f"[limits]\n{limits}\n")
    code, out, err = cli("check", ".", cwd=tmp_path)
    assert code == 2
    assert f".sesguard.toml:2:1: SG002 error {message}" in out.splitlines(), out


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf", "nan"])
def test_timeout_on_the_command_line_must_be_a_positive_number(sesguard, tmp_path, value):
    code, out, err = sesguard("scan", "--timeout", value, "--region", "us-east-1", cwd=tmp_path)
    assert code == 2 and "Traceback" not in err
    assert f"expected a positive number of seconds, got '{value}'" in err


def test_a_file_of_exactly_max_file_size_is_read_and_one_byte_more_is_not(cli, tmp_path):
    spec = "ConfigurationSets: []\n# "
    write(tmp_path, "edge.yaml", spec + "x" * (1000 - len(spec) - 1) + "\n")  # 1,000 bytes
    code, out = check(cli, tmp_path, "max-file-size = 1_000")
    assert code == 1 and "SG001" not in out, out
    write(tmp_path, "edge.yaml", spec + "x" * (1000 - len(spec)) + "\n")  # 1,001 bytes
    code, out = check(cli, tmp_path, "max-file-size = 1_000")
    assert code == 2
    assert "edge.yaml:1:1: SG001 error file is 1,001 bytes, more than 1,000" in out
