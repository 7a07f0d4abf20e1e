from sesguard.linter.rule import Rule


class TlsRequired(Rule):
    """Configuration sets should require TLS for delivery.

    What it checks: `DeliveryOptions.TlsPolicy` is `REQUIRE`. Absent, it is `OPTIONAL` (the SES
    default).

    Why: with `OPTIONAL`, SES falls back to plain text when the receiving server does not offer
    TLS, so message content can cross the internet unencrypted. `REQUIRE` makes SES bounce such
    messages instead, which is what transactional and personal mail should do.

    Example:

        DeliveryOptions: {TlsPolicy: OPTIONAL}

    Fix: set `DeliveryOptions.TlsPolicy: REQUIRE`, or suppress with the reason plain-text delivery
    is acceptable for this set.
    """

    id = "SES301"
    name = "tls-required"
    level = "warning"
    tags = ("options", "security")

    def check(self, config_set, params):
        policy = config_set.tls_policy
        if isinstance(policy, str) and policy != "REQUIRE":
            given = config_set.option("DeliveryOptions.TlsPolicy") is not None
            suffix = "" if given else " (the default)"
            yield self.finding(
                config_set,
                f"DeliveryOptions.TlsPolicy is {policy}{suffix}; set it to REQUIRE",
                field=("DeliveryOptions", "TlsPolicy"),
            )
