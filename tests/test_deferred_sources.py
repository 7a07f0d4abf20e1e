"""The deferred IaC sources: same name, kind and claims as the sources they stand for, loaded lazily."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sesguard.linter.sources.deferred import sesguard_sources

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
DEFERRED = sesguard_sources()


@pytest.mark.parametrize("deferred", DEFERRED, ids=lambda source: source.name)
def test_name_and_kind_are_the_real_sources(deferred):
    real = deferred.source
    assert (deferred.name, deferred.kind) == (real.name, real.kind)


@pytest.mark.parametrize("fixture", sorted(p for p in FORMATS.rglob("*") if p.is_file()), ids=lambda p: p.name)
@pytest.mark.parametrize("deferred", DEFERRED, ids=lambda source: source.name)
def test_claims_exactly_what_the_real_source_claims(deferred, fixture):
    """The cheap pre-check may only ever say no where the real source says no as well."""
    text = fixture.read_text(encoding="utf-8", errors="replace")
    assert deferred.claims(str(fixture), text) == deferred.source.claims(str(fixture), text)


def test_some_fixture_is_claimed_by_each_source():
    texts = [(str(p), p.read_text(encoding="utf-8", errors="replace")) for p in FORMATS.rglob("*") if p.is_file()]
    for deferred in DEFERRED:
        assert any(deferred.claims(path, text) for path, text in texts), deferred.name


def test_a_native_check_imports_no_iac_reader():
    code = (
        "import sys; from sesguard.cli import main; main(['check', '-q', 'examples/clean.yaml']); "
        "print(sorted(m for m in sys.modules if m.startswith('sesguard.linter.sources.')))"
    )
    repo = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == str(["sesguard.linter.sources.deferred", "sesguard.linter.sources.native"])
