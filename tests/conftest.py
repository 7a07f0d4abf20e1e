"""Shared test helpers: run the CLI as a user does, and validate SARIF with the official schema."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SARIF_VALIDATOR = SHARED / "sarif" / "validate.py"


class Run(NamedTuple):
    code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


def run_sesguard(*args, cwd=None, env=None, input=None) -> Run:
    """`sesguard ARGS` in a fresh interpreter, exactly as a user (or pre-commit, or CI) runs it."""
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    environment.update(env or {})
    completed = subprocess.run(
        [sys.executable, "-m", "sesguard", *map(str, args)],
        cwd=cwd,
        env=environment,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Run(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def sesguard():
    return run_sesguard


@pytest.fixture
def cli(monkeypatch, capsys):
    """`sesguard ARGS` in this process, with `cwd` as the working directory: (code, stdout, stderr).

    Faster than `sesguard` (no new interpreter) where starting one proves nothing.
    """
    from sesguard.cli import main

    monkeypatch.delenv("NO_COLOR", raising=False)

    def run(*args, cwd):
        monkeypatch.chdir(cwd)
        code = main([str(arg) for arg in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def write(directory: Path, name: str, content) -> Path:
    """Write `content` (text or bytes) to `directory/name`, creating parent directories."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def shared_or_skip(path: Path) -> Path:
    """`../shared` holds the SARIF schema and validator. Absent in a clone elsewhere: skip; in CI: fail."""
    if path.exists():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{path} is missing, but CI must run the SARIF schema checks")
    pytest.skip(f"{path} not found: the SARIF schema checks need ../shared beside the repository")


@pytest.fixture
def validate_sarif():
    """Validate a SARIF file against the OASIS schema and GitHub's ingestion rules; fail with the output."""
    validator = shared_or_skip(SARIF_VALIDATOR)

    def validate(path) -> None:
        completed = subprocess.run(
            [sys.executable, str(validator), str(path), "--github"], capture_output=True, text=True, timeout=120
        )
        assert completed.returncode == 0, f"SARIF invalid:\n{completed.stdout}\n{completed.stderr}"

    return validate


EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)$")


def marked_lines(path: Path) -> list:
    """(rule id, line) for every `# expect: ID[, ID]` comment in a fixture: where findings must be."""
    expected = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            expected.extend((rule_id.strip(), number) for rule_id in match.group(1).split(",") if rule_id.strip())
    return sorted(expected)
