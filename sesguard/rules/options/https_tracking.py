from sesguard.linter.rule import Rule


class HttpsTracking(Rule):
    """Open and click tracking through a custom domain should require HTTPS.

    What it checks: when `TrackingOptions` is set, `TrackingOptions.HttpsPolicy` is `REQUIRE`
    (`REQUIRE_OPEN_ONLY` and `OPTIONAL`, the default, are reported).

    Why: tracking links wrap every link in the message. Over plain HTTP they leak which recipient
    clicked what, can be rewritten on the way, and browsers flag them.

    Example:

        TrackingOptions: {CustomRedirectDomain: click.example.com, HttpsPolicy: OPTIONAL}

    Fix: put a certificate on the redirect domain and set `HttpsPolicy: REQUIRE`.
    """

    id = "SES302"
    name = "https-tracking"
    level = "warning"
    tags = ("options", "security")

    def check(self, config_set, params):
        policy = config_set.https_policy
        if isinstance(policy, str) and policy != "REQUIRE":
            given = config_set.option("TrackingOptions.HttpsPolicy") is not None
            suffix = "" if given else " (the default)"
            yield self.finding(
                config_set,
                f"TrackingOptions.HttpsPolicy is {policy}{suffix}; set it to REQUIRE",
                field=("TrackingOptions", "HttpsPolicy"),
            )
