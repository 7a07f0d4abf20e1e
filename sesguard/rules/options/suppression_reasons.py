from sesguard.linter.model import UNKNOWN
from sesguard.linter.rule import Rule


class SuppressionReasons(Rule):
    """A set that overrides the suppression list should keep both BOUNCE and COMPLAINT.

    What it checks: when `SuppressionOptions.SuppressedReasons` is set, it contains both BOUNCE and
    COMPLAINT. Sets that do not override it use the account-level list and are not reported.

    Why: the suppression list stops SES from sending again to addresses that hard-bounced or
    complained. Overriding it with fewer reasons (often `[]` to "fix" a blocked address) sends to
    them again, and every such send counts against the account's bounce and complaint rates.

    Example:

        SuppressionOptions: {SuppressedReasons: [COMPLAINT]}

    Fix: set `SuppressedReasons: [BOUNCE, COMPLAINT]`, or remove the override; remove single
    addresses from the suppression list instead of turning it off.
    """

    id = "SES304"
    name = "suppression-reasons"
    level = "note"
    tags = ("options", "deliverability")

    def check(self, config_set, params):
        reasons = config_set.suppressed_reasons
        if reasons is None or reasons is UNKNOWN or any(r is UNKNOWN for r in reasons):
            return
        missing = [reason for reason in ("BOUNCE", "COMPLAINT") if reason not in {str(r).upper() for r in reasons}]
        if missing:
            yield self.finding(
                config_set,
                f"SuppressionOptions.SuppressedReasons leaves out {' and '.join(missing)}",
                field=("SuppressionOptions", "SuppressedReasons"),
            )
