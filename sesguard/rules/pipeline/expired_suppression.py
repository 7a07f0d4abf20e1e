from sesguard.linter.rule import Rule


class ExpiredSuppression(Rule):
    """A suppression's `Expires` date has passed; the findings it hid are reported again.

    What it checks: a suppression with `Expires: YYYY-MM-DD` (or `expires YYYY-MM-DD` at the end
    of a `# sesguard: ignore[...]` comment) applies up to and including that day. From the next
    day on it hides nothing, the findings it covered come back unsuppressed, and this warning
    points at the suppression itself.

    Why: an exception granted "until the migration is done" must be looked at again when that
    date comes, not forgotten.

    Example: `Suppress: [{Rule: SES202, Reason: "paused during migration", Expires: 2025-01-31}]`
    checked in February 2025.

    Fix: fix what the suppression excused and remove it, or, if the exception still holds, give it
    a new `Expires` date and reason. This finding cannot itself be suppressed.
    """

    id = "SG101"
    name = "expired-suppression"
    level = "warning"
    tags = ("suppressions",)
