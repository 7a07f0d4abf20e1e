from sesguard.linter.rule import Rule


class UnusedSuppression(Rule):
    """A suppression matched no finding.

    What it checks: every inline suppression (a `Suppress` entry in a native spec, CloudFormation
    `Metadata: {sesguard: {Suppress: [...]}}`, or a `# sesguard: ignore[ID] reason` comment) must
    hide at least one finding of a rule that ran. A suppression of a `mandatory` rule is reported
    too, since it can never apply, and so is one naming no known rule (a typo). Suppressions of
    rules left out by `--select`/`--ignore` are not. Suppressions of the drift rules (DR001-DR003)
    are judged by `sesguard drift` alone, and only when both sides were read in full.

    Why: a suppression outlives the problem it excused. Left in place, it silently hides the next
    real finding of that rule on the same set.

    Example: `Suppress: [{Rule: SES301, Reason: legacy relay}]` on a set whose TlsPolicy is now
    REQUIRE.

    Fix: delete the suppression. This finding cannot itself be suppressed.
    """

    id = "SG100"
    name = "unused-suppression"
    level = "warning"
    tags = ("suppressions",)
