"""The terminal view of `sesguard drift --format text`, in the spirit of `terraform plan`.

Per configuration set, what applying the spec would change: `+` in the spec but missing live,
`-` live but not in the spec, `~` a field that differs (`spec=… live=…`). Each line ends with the
spec position and rule id (`# spec.yaml:12:9 DR003`). Other findings (SG001, SG002, SG900) follow
as in the text format, then the usual summary line. Built from the findings alone.
"""

from __future__ import annotations

from sesguard.linter.findings import is_active
from sesguard.linter.reporters import finding_path, text

DRIFT_RULES = ("DR001", "DR002", "DR003")
_SIGN = {"DR001": "+", "DR002": "-", "DR003": "~"}
_COLOR = {"+": "\033[32m", "-": "\033[31m", "~": "\033[33m"}
_RESET = "\033[0m"
LEGEND = "+ in the spec, missing live   - live, not in the spec   ~ differs (spec -> live)"


def render(report, options) -> str:
    shown = [f for f in report.findings if is_active(f) or options.show_suppressed]
    drift = [f for f in shown if f.rule_id in DRIFT_RULES]
    others = [f for f in shown if f.rule_id not in DRIFT_RULES]
    lines = []
    if drift:
        lines += [LEGEND, ""]
        for key in sorted({_set_key(f) for f in drift}):
            lines += _set_lines([f for f in drift if _set_key(f) == key], options.color)
            lines.append("")
    elif not report.incomplete and not options.quiet:
        lines += ["No drift.", ""]
    if others:
        other_report = type(report)(findings=others, rules=report.rules)
        lines += text.render(other_report, type(options)(color=options.color, quiet=True)).splitlines()
        lines.append("")
    if not options.quiet:
        lines.append(text.summary(report))
    return "\n".join(lines).rstrip("\n") + "\n" if lines else ""


def _set_key(finding) -> tuple:
    return (finding.account or "", finding.region or "", finding.set_name or "")


def _set_lines(findings, color: bool) -> list:
    account, region, name = _set_key(findings[0])
    where = " ".join(part for part in (account, region) if part)
    title = f"configuration set {name}" + (f" ({where})" if where else "")
    whole = next((f for f in findings if f.destination_name is None and f.rule_id in ("DR001", "DR002")), None)
    if whole is not None:
        return [_line(_SIGN[whole.rule_id], f"{title}: {_change(whole)}", whole, color, indent="")]
    lines = [_paint("~", f"~ {title}", color)]
    for finding in findings:
        diff = finding.diff or {}
        if finding.rule_id == "DR003":
            body = finding.message
        else:
            body = f"{diff.get('field') or finding.destination_name}: {_change(finding)}"
        lines.append(_line(_SIGN[finding.rule_id], body, finding, color, indent="    "))
    return lines


def _change(finding) -> str:
    return "missing live" if finding.rule_id == "DR001" else "live, not in the spec"


def _line(sign: str, body: str, finding, color: bool, indent: str) -> str:
    loc = finding.location
    suppressed = " (suppressed)" if finding.suppressions else ""
    where = f"{finding_path(finding)}:{loc.line}:{loc.column} {finding.rule_id}"
    return f"{indent}{_paint(sign, f'{sign} {body}', color)}{suppressed}  # {where}"


def _paint(sign: str, body: str, color: bool) -> str:
    return f"{_COLOR[sign]}{body}{_RESET}" if color else body
