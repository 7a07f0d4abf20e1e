"""The command line (SPEC §3). Turns errors-as-values into messages and exit codes; nothing else does.

Exit codes: 0 nothing unsuppressed at or above --fail-on; 1 findings at or above it; 2 usage
error, unreadable or invalid input, incomplete run, or internal error.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import threading
from pathlib import Path

from sesguard import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser(argv).parse_args(argv)
    # A short-lived run: the cyclic GC would only rescan the growing heap of a large spec over and over
    # (super-linear load times, SPEC §9), and the few cycles we make die with the run.
    collecting = gc.isenabled()
    gc.disable()
    # A stopped CI job or pre-commit sends SIGTERM: end as on Ctrl-C, so no temporary file is left behind.
    terminating = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if terminating else None
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_ERROR
    except Exception as error:  # the last line of defence: one clear line, the trace only with --debug
        from sesguard.linter.errors import UsageError

        if getattr(args, "debug", False):
            raise
        if isinstance(error, UsageError):
            _error(str(error))
        else:
            _error(f"internal error: {error!r} (run with --debug for the traceback)")
        return EXIT_ERROR
    finally:
        if collecting:  # callers in the same process (tests, tools) get their collector back
            gc.enable()
        if terminating:
            signal.signal(signal.SIGTERM, previous)


def console_main():
    """The `sesguard` command and `python -m sesguard`: main() in a process that ends right after it."""
    code = main()
    # Interpreter shutdown sweeps every object of every imported module for cycles: about 20 ms of a
    # 0.17 s pre-commit run, to free memory the process hands back anyway. Frozen objects are skipped;
    # everything else (atexit, flushing, joining threads) still happens.
    gc.freeze()
    sys.exit(code)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, but usage errors are one `sesguard: error: ...` line like every other error (SPEC §3)."""

    _width = 80  # until help or usage is printed (then: the terminal's)

    def error(self, message):
        self.exit(EXIT_ERROR, f"sesguard: error: {message} (see `{self.prog} --help`)\n")

    # argparse makes a formatter for every argument it adds, and its default width imports shutil (with
    # bz2 and lzma): only printed help and usage need the terminal's width.
    def _get_formatter(self):
        return self.formatter_class(prog=self.prog, width=self._width)

    def format_help(self):
        self._use_terminal_width()
        return super().format_help()

    def format_usage(self):
        self._use_terminal_width()
        return super().format_usage()

    def _use_terminal_width(self):
        import shutil

        self._width = shutil.get_terminal_size().columns - 2


def _parser(argv) -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="sesguard",
        description="Policy-as-code linter and drift checker for Amazon SES v2 configuration sets.",
    )
    parser.add_argument("--version", action="version", version=f"sesguard {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    # Only the command being run is built: building every command costs a pre-commit run milliseconds
    # for nothing. Without a known command, all are listed (help, or the error naming the choices).
    chosen = next((argument for argument in argv if not argument.startswith("-")), None)
    for name, summary, define in _COMMANDS:
        if chosen in (name, None) or chosen not in _COMMAND_NAMES:
            command = commands.add_parser(name, help=summary)
            if name == chosen:
                define(command)
    return parser


def _define_check(check) -> None:
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    _add_common_options(check)
    check.set_defaults(handler=_check)


def _define_scan(scan) -> None:
    _add_live_options(scan)
    _add_common_options(scan)
    scan.set_defaults(handler=_scan)


def _define_drift(drift) -> None:
    drift.add_argument("specs", nargs="+", metavar="SPEC", help="the desired state: files or directories")
    drift.add_argument(
        "--against", nargs="+", metavar="OTHER", help="compare with these specs offline instead of live state"
    )
    drift.add_argument(
        "--only-named-sets", action="store_true", help="DR002: only unmanaged destinations of sets the spec names"
    )
    _add_live_options(drift)
    _add_common_options(drift)
    drift.set_defaults(handler=_drift)


def _define_snapshot(snapshot) -> None:
    _add_live_options(snapshot)
    snapshot.add_argument("--output", "-o", metavar="FILE", help="write the spec to FILE (atomically; default stdout)")
    snapshot.add_argument("--config", metavar="FILE", help="configuration file (for `regions`)")
    snapshot.add_argument("--quiet", "-q", action="store_true", help="no summary on stderr")
    snapshot.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    snapshot.set_defaults(handler=_snapshot)


def _define_rules(rules) -> None:
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    rules.add_argument(
        "--plugin", action="append", default=[], metavar="MODULE", help="load an unpackaged plugin module"
    )
    rules.add_argument("--config", metavar="FILE", help="configuration file whose [[policies]] are listed too")
    rules.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    rules.set_defaults(handler=_rules)


def _define_rule(rule) -> None:
    rule.add_argument("rule_id", metavar="ID")
    rule.add_argument(
        "--plugin", action="append", default=[], metavar="MODULE", help="load an unpackaged plugin module"
    )
    rule.add_argument("--config", metavar="FILE", help="configuration file whose [[policies]] are known too")
    rule.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    rule.set_defaults(handler=_rule)


_COMMANDS = (
    ("check", "lint local files and directories (default: .)", _define_check),
    ("scan", "run the rules against live sesv2 state", _define_scan),
    ("drift", "compare specs with live state (or with other specs: --against)", _define_drift),
    ("snapshot", "write live state as a native spec", _define_snapshot),
    ("rules", "list every rule (built-in and plugins)", _define_rules),
    ("rule", "show one rule's documentation", _define_rule),
)
_COMMAND_NAMES = tuple(name for name, _, _ in _COMMANDS)


def _add_common_options(command) -> None:
    command.add_argument("--format", help="text (default), json, github or sarif")
    command.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (atomically)")
    command.add_argument(
        "--select", type=_id_list, metavar="IDS", help="only these rule ids or prefixes (comma-separated)"
    )
    command.add_argument(
        "--ignore", type=_id_list, metavar="IDS", help="skip these rule ids or prefixes (comma-separated)"
    )
    command.add_argument(
        "--fail-on",
        choices=("error", "warning", "note", "never"),
        help="lowest level that makes the exit code 1 (default: warning)",
    )
    command.add_argument(
        "--config", metavar="FILE", help="configuration file (default: nearest pyproject.toml or .sesguard.toml)"
    )
    command.add_argument(
        "--plugin", action="append", default=[], metavar="MODULE", help="load an unpackaged plugin module"
    )
    command.add_argument(
        "--force-exclude", action="store_true", help="apply exclude globs to files named on the command line too"
    )
    command.add_argument("--baseline", metavar="FILE", help="report only findings not in this baseline (exit code too)")
    command.add_argument(
        "--write-baseline", metavar="FILE", help="record the current findings as the baseline FILE (then exit 0)"
    )
    command.add_argument(
        "--show-suppressed", action="store_true", help="text: also show suppressed and baseline findings"
    )
    command.add_argument("--quiet", "-q", action="store_true", help="print findings only, no summary")
    command.add_argument("--verbose", "-v", action="store_true", help="say what is checked and skipped, on stderr")
    command.add_argument("--no-color", action="store_true", help="no colour (also when NO_COLOR is set)")
    command.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def _add_live_options(command) -> None:
    live = command.add_argument_group("live options")
    live.add_argument("--region", action="append", default=[], metavar="R", help="region to scan (repeatable)")
    live.add_argument("--all-regions", action="store_true", help="every region botocore knows for sesv2")
    live.add_argument("--profile", metavar="P", help="AWS profile (standard boto3 credential resolution otherwise)")
    live.add_argument("--endpoint-url", metavar="URL", help="endpoint for every AWS call (e.g. a local emulator)")
    live.add_argument("--role-arn", metavar="ARN", help="role to assume in each account; may contain {account}")
    live.add_argument("--account", action="append", default=[], metavar="ID", help="account to scan (repeatable)")
    live.add_argument("--organization", action="store_true", help="every active account of the organization")
    live.add_argument("--deep", action="store_true", help="also look up each SNS topic, Firehose stream and IAM role")
    live.add_argument("--concurrency", type=_positive_int, metavar="N", help="parallel requests (default: 8)")
    live.add_argument(
        "--timeout", type=_positive_number, metavar="SECONDS", help="longest wait for one AWS answer (default: 30)"
    )


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}")
    return number


def _positive_number(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {value!r}")
    return number


def _id_list(value: str) -> tuple:
    ids = tuple(part.strip().upper() for part in value.split(",") if part.strip())
    if not ids:
        raise argparse.ArgumentTypeError("expected rule ids or prefixes, e.g. SES2,SG001")
    return ids


def _check(args) -> int:
    from sesguard.linter.engine import check_files

    settings, registry, config_report = _configure(args)
    if config_report is not None:
        return _finish(config_report, registry, settings, args)
    verbose = (lambda message: print(message, file=sys.stderr)) if args.verbose else None
    report = check_files(args.paths, registry, settings, verbose)
    return _finish(report, registry, settings, args)


def _scan(args) -> int:
    from sesguard.linter.engine import check_sets

    settings, registry, config_report = _configure(args)
    if config_report is not None:
        return _finish(config_report, registry, settings, args)
    state = _read_live(args, settings)
    from sesguard.linter.sources.live import gap_finding

    report = check_sets(state.sets, registry, settings, [gap_finding(gap) for gap in state.gaps])
    return _finish(report, registry, settings, args)


def _drift(args) -> int:
    """Specs against live state, or against other specs (`--against`): DR001-DR003 at the spec's lines."""
    import copy

    from sesguard.linter.drift import Unread, compare
    from sesguard.linter.engine import INCOMPLETE_RULES, Report, read_files
    from sesguard.linter.findings import Finding
    from sesguard.linter.reporters import drift as drift_view
    from sesguard.linter.suppressions import apply_suppressions

    settings, registry, config_report = _configure(args)
    if config_report is not None:
        return _finish(config_report, registry, settings, args)
    verbose = (lambda message: print(message, file=sys.stderr)) if args.verbose else None
    spec_sets, declarations, report = read_files(args.specs, registry, settings, verbose)
    if not report.files_checked:  # comparing nothing with live state would be a silent pass
        from sesguard.linter.errors import UsageError

        raise UsageError(f"no SES configuration found in {' '.join(args.specs)}: nothing to compare")
    # Part of the spec unread (SG001/SG002): it may declare any set, so none is called unmanaged.
    spec_complete = not report.findings
    if args.against:
        other_sets, _, other = read_files(args.against, registry, settings, verbose)  # drift is at the spec's lines
        report.findings += other.findings
        report.files_checked += other.files_checked
        report.files_skipped += other.files_skipped
        # A file of the other side that could not be read may hold any set: none is "missing".
        unread = [Unread()] if other.findings else []
    else:
        from sesguard.linter.sources.live import gap_finding

        state = _read_live(args, settings)
        other_sets = state.sets
        report.findings += [gap_finding(gap) for gap in state.gaps]
        # Targets that --deep could not look up hide no set; everything else may.
        unread = [Unread(gap.account, gap.region, gap.set_name) for gap in state.gaps if not gap.arn]
    rules = {rid: rule for rid, rule in registry.rules.items() if settings.selects(rid) and "drift" in rule.tags}
    drift_findings = compare(
        spec_sets, other_sets, rules, unread=unread, spec_complete=spec_complete, only_named_sets=args.only_named_sets
    )
    for finding in drift_findings:  # `level` from the config's [rules.DRxxx] table, as for every rule
        finding.level = settings.rules.get(finding.rule_id, {}).get("level") or finding.level
    report.findings += drift_findings
    # The spec's suppressions of the drift rules that ran; the others are judged by `check`. One is
    # stale (SG100) only if its drift was looked for everywhere: not past what could not be read.
    declarations = [d for d in declarations if any(d.matches_rule(rid) for rid in rules)]
    looked_everywhere = spec_complete and not unread
    judged = {rid: r for rid, r in rules.items() if looked_everywhere and not (rid == "DR002" and args.only_named_sets)}
    report.findings = apply_suppressions(report.findings, declarations, judged, settings.mandatory, registry.rules)
    suppression_rules = {
        rid: rule for rid, rule in registry.rules.items() if "suppressions" in rule.tags and settings.selects(rid)
    }
    report = Report(
        findings=sorted(
            (f for f in report.findings if f.rule_id in INCOMPLETE_RULES or settings.selects(f.rule_id)),
            key=Finding.sort_key,
        ),
        rules={
            **rules,
            **suppression_rules,
            **{rid: registry.rules[rid] for rid in INCOMPLETE_RULES if rid in registry.rules},
        },
        files_checked=report.files_checked,
        files_skipped=report.files_skipped,
    )
    if settings.format == "text":  # the plan-like view; every other format as for check and scan
        registry = copy.copy(registry)
        registry.reporters = {**registry.reporters, "text": drift_view.render}
    return _finish(report, registry, settings, args)


def _configure(args):
    """(settings, plugins, report): the report holds the config's own SG001/SG002 findings, if any.

    A broken config would silently change what is checked, so the caller reports it and stops.
    """
    from sesguard.linter.config import load_settings, matches_a_rule, policy_findings, rule_table_findings
    from sesguard.linter.engine import Report
    from sesguard.linter.errors import UsageError
    from sesguard.linter.findings import Finding
    from sesguard.linter.plugins import load_plugins
    from sesguard.linter.policies import add_policies

    settings, config_findings = load_settings(args.config, Path.cwd())
    registry = load_plugins(args.plugin)
    _apply_cli_options(settings, args)
    if not config_findings and settings.path:
        config_findings = policy_findings(settings)
    if not config_findings and settings.path:
        add_policies(registry, settings)  # before [rules.ID] tables, which may name a policy
        config_findings = rule_table_findings(settings, registry.rules)
    for option in ("select", "ignore"):  # a typo would silently check nothing, or everything
        unknown = [prefix for prefix in getattr(args, option) or () if not matches_a_rule(prefix, registry.rules)]
        if unknown:
            raise UsageError(f"--{option} {unknown[0]} matches no rule (`sesguard rules` lists them)")
    if settings.format not in registry.reporters:
        raise UsageError(f"unknown format '{settings.format}' (known: {', '.join(sorted(registry.reporters))})")
    if not config_findings:
        return settings, registry, None
    findings = sorted(config_findings, key=Finding.sort_key)
    return settings, registry, Report(findings=findings, rules={r: registry.rules[r] for r in ("SG001", "SG002")})


def _snapshot(args) -> int:
    from sesguard.linter.config import load_settings
    from sesguard.linter.snapshot import render_snapshot

    settings, config_findings = load_settings(args.config, Path.cwd())
    if config_findings:  # a broken config could silently change which regions are covered
        for finding in config_findings:
            loc = finding.location
            _error(f"{loc.file}:{loc.line}:{loc.column}: {finding.rule_id} {finding.message}")
        return EXIT_ERROR
    state = _read_live(args, settings)
    header = (
        "sesguard snapshot of live sesv2 state\n"
        f"accounts: {', '.join(state.accounts) or '-'}; regions: {', '.join(state.regions)}"
    )
    if state.gaps:
        header += "\nINCOMPLETE: some state could not be read (see sesguard's stderr); do not use for drift"
    if not _emit(render_snapshot(state.sets, header), args.output):
        return EXIT_ERROR
    if not args.quiet:
        print(f"sesguard: snapshot of {len(state.sets)} configuration sets", file=sys.stderr)
    return EXIT_ERROR if state.gaps else EXIT_OK


def _read_live(args, settings):
    """Live state for the live options in `args`; what could not be read is summarized on stderr."""
    from sesguard.linter.aws import DEFAULT_CONCURRENCY, Scope
    from sesguard.linter.sources.live import gap_summary, read_live

    scope = Scope(
        regions=tuple(args.region),
        all_regions=args.all_regions,
        profile=args.profile,
        endpoint_url=args.endpoint_url,
        role_arn=args.role_arn,
        accounts=tuple(args.account),
        organization=args.organization,
        deep=args.deep,
        concurrency=args.concurrency or DEFAULT_CONCURRENCY,
        timeout=args.timeout or settings.limits.timeout,
    )
    progress = _progress if sys.stderr.isatty() and not getattr(args, "quiet", False) else None
    state = read_live(scope, tuple(settings.table.get("regions", ())), progress)
    if progress:
        print(file=sys.stderr)
    for gap in state.gaps:
        print(f"sesguard: {gap_summary(gap)}", file=sys.stderr)
    if state.gaps:
        print(
            f"sesguard: incomplete scan: {len(state.gaps)} part(s) of the live state not read (SG900); "
            f"{len(state.sets)} configuration sets checked",
            file=sys.stderr,
        )
    return state


def _progress(done: int, total: int) -> None:
    print(f"\rsesguard: read {done}/{total} configuration sets", end="", file=sys.stderr, flush=True)


def _apply_cli_options(settings, args) -> None:
    for option in ("select", "ignore", "fail_on", "format"):
        value = getattr(args, option)
        if value is not None:
            setattr(settings, option, value)
    settings.force_exclude = settings.force_exclude or args.force_exclude


def _finish(report, registry, settings, args) -> int:
    from sesguard.linter.findings import fails
    from sesguard.linter.reporters import ReportOptions

    _use_baseline(report, settings, args)
    to_terminal = args.output is None and sys.stdout.isatty()
    color = to_terminal and not args.no_color and not os.environ.get("NO_COLOR")
    options = ReportOptions(color=color, quiet=args.quiet, show_suppressed=getattr(args, "show_suppressed", False))
    if not _emit(registry.reporters[settings.format](report, options), args.output):
        return EXIT_ERROR
    for error in report.errors:
        _error(error)
    if report.incomplete:
        return EXIT_ERROR
    return EXIT_FINDINGS if any(fails(f, settings.fail_on) for f in report.findings) else EXIT_OK


def _use_baseline(report, settings, args) -> None:
    """--write-baseline records the findings (which the run then accepts); --baseline marks them new/unchanged."""
    from sesguard.linter.baseline import apply_baseline, read_baseline, render_baseline
    from sesguard.linter.findings import Finding

    written = getattr(args, "write_baseline", None)
    if written:
        from sesguard.linter.output import write_atomically

        try:
            write_atomically(written, render_baseline(report.findings))
        except OSError as error:
            from sesguard.linter.errors import UsageError

            raise UsageError(f"cannot write baseline {written}: {error.strerror or error}") from error
    path = written or getattr(args, "baseline", None) or settings.baseline
    if path:
        report.findings = sorted(apply_baseline(report.findings, read_baseline(path)), key=Finding.sort_key)


def _registry_with_policies(args):
    """Plugins plus the config's [[policies]], for `rules` and `rule`; a broken config is a usage error."""
    from sesguard.linter.config import load_settings, policy_findings
    from sesguard.linter.errors import UsageError
    from sesguard.linter.plugins import load_plugins
    from sesguard.linter.policies import add_policies

    registry = load_plugins(args.plugin)
    settings, config_findings = load_settings(args.config, Path.cwd())
    config_findings = config_findings or (policy_findings(settings) if settings.path else [])
    if config_findings:
        first = config_findings[0]
        raise UsageError(
            f"{first.location.file}:{first.location.line}: {first.rule_id} {first.message} "
            "(`sesguard check` lists every problem of the config)"
        )
    if settings.path:
        add_policies(registry, settings)
    return registry


def _rules(args) -> int:
    from sesguard.linter.rule_docs import rules_json, rules_markdown, rules_table

    registry = _registry_with_policies(args)
    render = {"text": rules_table, "json": rules_json, "markdown": rules_markdown}[args.format]
    sys.stdout.write(render(registry.rules))
    return EXIT_OK


def _rule(args) -> int:
    from sesguard.linter.rule_docs import rule_page

    registry = _registry_with_policies(args)
    rule = registry.rules.get(args.rule_id.upper())
    if rule is None:
        _error(f"no rule {args.rule_id!r}; `sesguard rules` lists them")
        return EXIT_ERROR
    sys.stdout.write(rule_page(rule))
    return EXIT_OK


def _emit(text: str, output) -> bool:
    """Write `text` to `output` atomically, or to stdout; False (and an error line) if it cannot be written."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return True
    from sesguard.linter.output import write_atomically

    try:
        write_atomically(output, text)
    except OSError as error:
        _error(f"cannot write {output}: {error.strerror or error}")
        return False
    return True


def _error(message: str) -> None:
    print(f"sesguard: error: {message}", file=sys.stderr)
