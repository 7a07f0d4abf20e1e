"""Reporters: each renders a finished Report in one output format (text, json, github, sarif)."""

from __future__ import annotations

from dataclasses import dataclass

from sesguard.linter.hookspecs import hookimpl


@dataclass(frozen=True)
class ReportOptions:
    color: bool = False
    quiet: bool = False
    show_suppressed: bool = False


def finding_path(finding) -> str:
    """The file a finding is reported against; live findings get a stable pseudo-path (SPEC §7)."""
    if finding.location.file is not None:
        return finding.location.file
    # An SG900 about a whole account or region has no set (or region): its path stops at what it is about.
    parts = ("sesv2", finding.account or "unknown", finding.region, finding.region and finding.set_name)
    return "/".join(part for part in parts if part)


@hookimpl
def sesguard_reporters():
    from sesguard.linter.reporters import github, json, sarif, text

    return {"text": text.render, "json": json.render, "github": github.render, "sarif": sarif.render}
