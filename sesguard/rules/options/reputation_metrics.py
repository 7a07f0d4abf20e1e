from sesguard.linter.rule import Rule


class ReputationMetrics(Rule):
    """Configuration sets should publish reputation metrics.

    What it checks: `ReputationOptions.ReputationMetricsEnabled` is true (absent means off).

    Why: with reputation metrics on, SES publishes the set's bounce and complaint rates to
    CloudWatch, where an alarm can fire long before the account-level 5% and 0.1% review
    thresholds. Without them, one bad set hides in the account average.

    Example:

        ReputationOptions: {ReputationMetricsEnabled: false}

    Fix: set `ReputationOptions.ReputationMetricsEnabled: true` and alarm on the metrics.
    """

    id = "SES303"
    name = "reputation-metrics"
    level = "warning"
    tags = ("options", "deliverability")

    def check(self, config_set, params):
        if config_set.reputation_metrics_enabled is False:
            where = ("ReputationOptions", "ReputationMetricsEnabled")
            given = config_set.option("ReputationOptions.ReputationMetricsEnabled") is not None
            state = "false" if given else "absent (off by default)"
            yield self.finding(
                config_set, f"ReputationOptions.ReputationMetricsEnabled is {state}; set it to true", field=where
            )
