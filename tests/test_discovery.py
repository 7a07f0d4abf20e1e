"""Which files are checked (SPEC §3): directory walking, include/exclude, SES markers, reading bytes safely."""

from __future__ import annotations

import codecs
import json
import os
import sys
from pathlib import Path

import pytest

from sesguard.linter.discovery import Candidate, discover, read_candidate
from sesguard.linter.errors import LoadError

SPEC = "ConfigurationSets:\n  - Name: weak\n    DeliveryOptions: {TlsPolicy: OPTIONAL}\n"
SES301 = "SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [weak]"


def write(path: Path, content) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A repository-like tree; the working directory is its root (reported paths are relative to it)."""
    for name in (
        "a.yaml",
        "b.yml",
        "c.json",
        "main.tf",
        "README.md",
        "notes.txt",
        "specs/prod.yaml",
        "specs/legacy/old.yaml",
        ".git/config.yaml",
        "node_modules/pkg/spec.yaml",
        ".terraform/modules/ses.tf",
        ".venv/lib/site.yaml",
        "deep/er/est.json",
    ):
        write(tmp_path / name, SPEC)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def paths(candidates):
    return [candidate.path for candidate in candidates]


# -- walking -------------------------------------------------------------------------------------


def test_default_include_and_exclude(tree):
    assert list(discover(["."])) == [
        Candidate("a.yaml", False),
        Candidate("b.yml", False),
        Candidate("c.json", False),
        Candidate("main.tf", False),
        Candidate("deep/er/est.json", False),
        Candidate("specs/prod.yaml", False),
        Candidate("specs/legacy/old.yaml", False),
    ]


def test_custom_include_and_exclude_globs(tree):
    assert paths(discover(["."], include=("*.yaml",), exclude=("legacy", "node_modules"))) == [
        "a.yaml",
        ".git/config.yaml",  # a custom exclude replaces the defaults
        ".venv/lib/site.yaml",
        "specs/prod.yaml",
    ]
    assert paths(discover(["."], include=("specs/*.yaml",), exclude=())) == ["specs/prod.yaml", "specs/legacy/old.yaml"]
    assert paths(discover(["specs"], exclude=("legacy/*",))) == ["specs/prod.yaml"]


def test_explicit_files_are_always_candidates(tree):
    explicit = ["node_modules/pkg/spec.yaml", "notes.txt", "specs/legacy/old.yaml", "missing.yaml"]

    assert list(discover(explicit, include=("*.json",), exclude=("node_modules", "legacy"))) == [
        Candidate(path, True) for path in explicit
    ]


def test_paths_are_relative_to_the_working_directory_and_each_file_comes_once(tree):
    assert paths(discover(["./specs", "specs/prod.yaml", str(tree / "a.yaml"), "a.yaml"])) == [
        "specs/prod.yaml",
        "specs/legacy/old.yaml",
        "a.yaml",
    ]


def test_paths_outside_the_working_directory_are_absolute(tree, monkeypatch):
    monkeypatch.chdir(tree / "specs")

    assert paths(discover([str(tree / "a.yaml"), "prod.yaml"])) == [(tree / "a.yaml").as_posix(), "prod.yaml"]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_directory_symlink_loops_are_not_followed(tree):
    os.symlink(tree / "specs", tree / "specs" / "loop")

    assert paths(discover(["specs"])) == ["specs/prod.yaml", "specs/legacy/old.yaml"]


# -- reading -------------------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["ConfigurationSets", "AWS::SES::", "aws_sesv2_", "aws_ses_"])
def test_a_file_with_a_marker_is_read(tmp_path, marker):
    path = write(tmp_path / "x.yaml", f"# {marker}\nkey: value\n")

    assert read_candidate(str(path)) == f"# {marker}\nkey: value\n"


def test_a_file_without_a_marker_is_not_parsed(tmp_path):
    path = write(tmp_path / "x.yaml", b"key: [unclosed\n\xff\xfe\x00 binary and broken, but no marker\n")

    assert read_candidate(str(path)) is None


def test_utf8_bom_is_dropped_and_utf16_is_decoded(tmp_path):
    bom8 = write(tmp_path / "bom8.yaml", codecs.BOM_UTF8 + SPEC.encode())
    bom16 = write(tmp_path / "bom16.yaml", codecs.BOM_UTF16_LE + SPEC.encode("utf-16-le"))
    bom16_no_marker = write(tmp_path / "other16.yaml", codecs.BOM_UTF16_BE + "key: value\n".encode("utf-16-be"))

    assert read_candidate(str(bom8)) == SPEC
    assert read_candidate(str(bom16)) == SPEC
    assert read_candidate(str(bom16_no_marker)) is None


@pytest.mark.parametrize(
    ("content", "message", "line", "column"),
    [
        (b"ConfigurationSets:\n  - Name: caf\xe9\n", "not valid UTF-8: byte 0xe9 cannot be decoded", 2, 14),
        (b"ConfigurationSets:\n  - Name: a\x00b\n", "binary file (contains NUL bytes)", 2, 12),
        (b"\x00\x01ConfigurationSets", "binary file (contains NUL bytes)", 1, 1),
        # Columns count characters, as editors do, not the bytes of the multi-byte ones before.
        ("ConfigurationSets:\n  - Name: ÉÇ".encode() + b"\xc3", "not valid UTF-8: byte 0xc3 cannot be decoded", 2, 13),
        ("ConfigurationSets:\n  - Name: ÉÇ\0".encode(), "binary file (contains NUL bytes)", 2, 13),
    ],
)
def test_undecodable_files_with_a_marker_raise_a_located_load_error(tmp_path, content, message, line, column):
    path = write(tmp_path / "x.yaml", content)

    with pytest.raises(LoadError) as error:
        read_candidate(str(path))

    assert (error.value.message, error.value.line, error.value.column) == (message, line, column)


def test_missing_file_raises_load_error(tmp_path):
    with pytest.raises(LoadError) as error:
        read_candidate(str(tmp_path / "missing.yaml"))

    assert (error.value.message, error.value.line, error.value.column) == ("no such file", 1, 1)


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_symlink_loop_file_raises_load_error(tmp_path):
    os.symlink(tmp_path / "loop.yaml", tmp_path / "loop.yaml")

    with pytest.raises(LoadError) as error:
        read_candidate(str(tmp_path / "loop.yaml"))

    assert error.value.message == "cannot read file: Too many levels of symbolic links"


# -- end to end ----------------------------------------------------------------------------------


def test_walk_skips_unmarked_files_and_default_excluded_directories(sesguard, tmp_path):
    write(tmp_path / "spec.yaml", SPEC)
    write(tmp_path / ".github" / "workflows" / "ci.yml", "on: [push\n")  # broken YAML, but no marker: never parsed
    write(tmp_path / "package.json", '{"name": "x"}\n')
    write(tmp_path / "notes.txt", SPEC)  # not included
    for excluded in (".git", "node_modules", ".terraform", ".venv"):
        write(tmp_path / excluded / "spec.yaml", "ConfigurationSets: [unclosed\n")  # would be SG001 if read

    run = sesguard("check", "--select", "SES301", cwd=tmp_path)

    assert run.code == 1
    assert run.stdout == f"spec.yaml:3:23: {SES301}\n\n1 finding (0 errors, 1 warning, 0 notes) in 1 file, 2 skipped\n"


def test_include_and_exclude_from_config_and_explicit_paths(cli, tmp_path):
    write(tmp_path / ".sesguard.toml", 'include = ["*.ses.yaml"]\nexclude = ["legacy"]\n')
    write(tmp_path / "mail.ses.yaml", SPEC)
    write(tmp_path / "other.yaml", SPEC)  # not included by the config
    write(tmp_path / "legacy" / "old.ses.yaml", SPEC)

    walked = cli("check", ".", "--select", "SES301", cwd=tmp_path)
    explicit = cli("check", "other.yaml", "legacy/old.ses.yaml", "--select", "SES301", cwd=tmp_path)

    assert walked == (
        1,
        f"mail.ses.yaml:3:23: {SES301}\n\n1 finding (0 errors, 1 warning, 0 notes) in 1 file, 0 skipped\n",
        "",
    )
    assert explicit == (
        1,
        f"legacy/old.ses.yaml:3:23: {SES301}\n\nother.yaml:3:23: {SES301}\n\n"
        "2 findings (0 errors, 2 warnings, 0 notes) in 2 files, 0 skipped\n",
        "",
    )


@pytest.mark.parametrize(
    ("config", "checked"),
    [
        ('extend-exclude = ["legacy"]\n', ["spec.yaml"]),  # the defaults stay: node_modules is not walked
        ('exclude = ["legacy"]\n', ["node_modules/dep/spec.yaml", "spec.yaml"]),  # replaced, as documented
    ],
)
def test_extend_exclude_adds_to_the_defaults_and_exclude_replaces_them(cli, tmp_path, config, checked):
    write(tmp_path / ".sesguard.toml", config)
    for path in ("spec.yaml", "legacy/spec.yaml", "node_modules/dep/spec.yaml"):
        write(tmp_path / path, SPEC)

    code, out, _ = cli("check", "--select", "SES301", "--format", "json", cwd=tmp_path)

    assert (code, sorted({f["file"] for f in json.loads(out)["findings"]})) == (1, checked)


def test_force_exclude_applies_exclude_to_explicit_paths(tree):
    explicit = ["node_modules/pkg/spec.yaml", "specs/legacy/old.yaml", "specs/prod.yaml"]

    assert paths(discover(explicit, exclude=("node_modules", "legacy"), force_exclude=True)) == ["specs/prod.yaml"]


def test_force_exclude_from_the_command_line_and_from_config(cli, tmp_path):
    write(tmp_path / ".sesguard.toml", 'exclude = ["legacy"]\n')
    write(tmp_path / "legacy" / "old.yaml", SPEC)
    write(tmp_path / "new.yaml", SPEC)

    flag = cli("check", "legacy/old.yaml", "new.yaml", "--force-exclude", "--select", "SES301", cwd=tmp_path)
    write(tmp_path / ".sesguard.toml", 'exclude = ["legacy"]\nforce-exclude = true\n')
    config = cli("check", "legacy/old.yaml", "new.yaml", "--select", "SES301", cwd=tmp_path)

    expected = f"new.yaml:3:23: {SES301}\n\n1 finding (0 errors, 1 warning, 0 notes) in 1 file, 0 skipped\n"
    assert flag == (1, expected, "")
    assert config == (1, expected, "")


def test_explicit_unmarked_file_is_skipped_not_an_error(cli, tmp_path):
    write(tmp_path / "workflow.yml", "on: [push\n")

    assert cli("check", "workflow.yml", cwd=tmp_path) == (
        0,
        "0 findings (0 errors, 0 warnings, 0 notes) in 0 files, 1 skipped\n",
        "",
    )


def test_a_file_named_twice_is_checked_once(cli, tmp_path):
    write(tmp_path / "spec.yaml", SPEC)

    code, out, _ = cli("check", ".", "spec.yaml", "./spec.yaml", "--select", "SES301", cwd=tmp_path)

    assert (code, out) == (
        1,
        f"spec.yaml:3:23: {SES301}\n\n1 finding (0 errors, 1 warning, 0 notes) in 1 file, 0 skipped\n",
    )
