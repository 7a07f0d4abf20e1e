"""Generated documentation stays in step with the code: CI fails when docs/rules.md is stale."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_docs_rules_md_is_generated_from_the_rules(cli, tmp_path):
    # From an empty directory: no config, so no [[policies]] of this repository's own are listed.
    code, generated, _ = cli("rules", "--format", "markdown", cwd=tmp_path)

    assert code == 0
    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == generated, (
        "docs/rules.md is stale: run `sesguard rules --format markdown > docs/rules.md` and commit it"
    )


def test_docs_policies_md_documents_every_mechanism():
    text = (REPO / "docs" / "policies.md").read_text(encoding="utf-8")
    for needle in (
        "[[tool.sesguard.policies]]",
        "# sesguard: ignore[",
        "--write-baseline",
        "mandatory",
        "SG100",
        "SG101",
    ):
        assert needle in text


def test_every_toml_example_in_the_readme_is_a_valid_configuration(cli, tmp_path):
    blocks = re.findall(r"```toml\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 2
    for block in blocks:
        (tmp_path / "pyproject.toml").write_text(block, encoding="utf-8")
        code, out, _ = cli("check", ".", cwd=tmp_path)
        assert code == 0, f"{out}\nin README block:\n{block}"


def test_the_readme_states_the_default_limits():
    from sesguard.linter.limits import Limits

    text = (REPO / "README.md").read_text(encoding="utf-8")
    defaults = Limits()
    for key, value in (
        ("max-file-size", f"{defaults.max_file_size:_}"),
        ("max-depth", defaults.max_depth),
        ("max-alias-nodes", f"{defaults.max_alias_nodes:_}"),
        ("timeout", int(defaults.timeout)),
    ):
        assert re.search(rf"^{key} = {value} ", text, re.M), key
