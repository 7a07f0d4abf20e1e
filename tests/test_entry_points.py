"""Our entry-point reader finds exactly what importlib.metadata finds."""

from __future__ import annotations

import importlib.metadata

import pytest

from sesguard.linter.entry_points import entry_points


def _reference(group: str) -> list:
    return sorted((ep.name, ep.value) for ep in importlib.metadata.entry_points(group=group))


@pytest.mark.parametrize("group", ["console_scripts", "pytest11", "sesguard"])
def test_same_entry_points_as_importlib_metadata(group):
    assert sorted((ep.name, ep.value) for ep in entry_points(group)) == _reference(group)


def test_console_scripts_are_not_empty_here():
    """The comparison above must compare something: pytest itself installs console scripts."""
    assert any(ep.name == "pytest" for ep in entry_points("console_scripts"))


def test_reads_sections_values_and_loads(tmp_path):
    dist = tmp_path / "my_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "entry_points.txt").write_text(
        "[console_scripts]\ntool = x:main\n\n[sesguard]\n# a comment\nmine = json\nattr = json:dumps\n"
    )
    later = tmp_path / "later" / "My.Plugin-2.0.dist-info"  # the same distribution, later on the path: ignored
    later.mkdir(parents=True)
    (later / "entry_points.txt").write_text("[sesguard]\nother = os\n")
    found = entry_points("sesguard", path=[str(tmp_path), str(tmp_path / "later")])
    assert [(ep.name, ep.value, ep.distribution) for ep in found] == [
        ("mine", "json", "my-plugin"),
        ("attr", "json:dumps", "my-plugin"),
    ]
    import json

    assert found[0].load() is json and found[1].load() is json.dumps
