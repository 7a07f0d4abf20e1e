from sesguard.linter.rule import Rule


class SendingPaused(Rule):
    """Sending is paused for this configuration set.

    What it checks: `SendingOptions.SendingEnabled` is false.

    Why: SES rejects every message sent with a paused set. That may be deliberate (SES or an
    operator paused a set with a reputation problem), which is why this is a note: it should be
    visible, not forgotten.

    Example:

        SendingOptions: {SendingEnabled: false}

    Fix: set `SendingOptions.SendingEnabled: true` once the cause is resolved, or delete the set.
    """

    id = "SES305"
    name = "sending-paused"
    level = "note"
    tags = ("options",)

    def check(self, config_set, params):
        if config_set.sending_enabled is False:
            yield self.finding(
                config_set,
                "SendingOptions.SendingEnabled is false: SES rejects mail sent with this set",
                field=("SendingOptions", "SendingEnabled"),
            )
