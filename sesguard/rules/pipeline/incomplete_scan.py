from sesguard.linter.rule import Rule


class IncompleteScan(Rule):
    """Part of the live state could not be read, so it was not checked.

    What it checks: every account, region, configuration set and (with `--deep`) target a live
    scan covers must be read. Access denied, throttling that outlasts the retries, an endpoint that
    fails or times out, a region that is not enabled for the account: each is reported here,
    naming exactly what was not read (account, region, set or target) and why.

    Why: a scan that silently skips what it cannot read looks like a clean scan. A compliance
    scan must never pass by not looking, so the run exits 2 and the SARIF run is marked
    unsuccessful, while everything that was read is still reported.

    Example: `AccessDeniedException` on `ListConfigurationSets` in eu-west-1, or
    `TooManyRequestsException (after 9 retries)` on one set's event destinations.

    Fix: give the scanning role the permissions in `docs/iam-policy.json`, enable or leave out the
    opt-in region (`--region`), lower `--concurrency` or raise `AWS_MAX_ATTEMPTS` when throttled,
    and run the scan again. This finding cannot be suppressed.
    """

    id = "SG900"
    name = "incomplete-scan"
    level = "error"
    tags = ("input", "live")
