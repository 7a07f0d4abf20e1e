"""Reporters: each renders a finished Report in one output format (text, json, github, sarif)."""

from __future__ import annotations

from importlib import import_module
from typing import NamedTuple

from sesguard.linter.hookspecs import hookimpl


class ReportOptions(NamedTuple):
    color: bool = False
    quiet: bool = False
    show_suppressed: bool = False


def finding_path(finding) -> str:
    """The file a finding is reported against, as text (a byte of the name that is not UTF-8 shows as U+FFFD);
    live findings get a stable pseudo-path (SPEC §7)."""
    if finding.location.file is not None:
        return printable_path(finding.location.file)
    # An SG900 about a whole account or region has no set (or region): its path stops at what it is about.
    parts = ("sesv2", finding.account or "unknown", finding.region, finding.region and finding.set_name)
    return "/".join(part for part in parts if part)


def printable_path(path: str) -> str:
    """`path` without the lone surrogates that stand for its undecodable bytes: no UTF-8 report can hold those."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@hookimpl
def sesguard_reporters():
    return {name: _deferred(name) for name in ("text", "json", "github", "sarif")}


def _deferred(format_name: str):
    """The reporter of `format_name`, its module imported only when a report is rendered in it."""

    def render(report, options) -> str:
        return import_module(f"sesguard.linter.reporters.{format_name}").render(report, options)

    render.__qualname__ = render.__name__ = f"render_{format_name}"
    return render
