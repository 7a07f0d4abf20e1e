"""Generated documentation stays in step with the code: CI fails when docs/rules.md is stale."""

from __future__ import annotations

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
