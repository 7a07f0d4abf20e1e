from sesguard.linter.rule import Rule


class DestinationEnabled(Rule):
    """Event destinations must be enabled.

    What it checks: every destination has `Enabled: true`. An absent `Enabled` counts as disabled,
    because that is the SES default.

    Why: a disabled destination looks like monitoring in review and delivers nothing. It is
    usually left over from an incident ("turn it off for now") or a template that forgot the flag.

    Example:

        - Name: bounces
          MatchingEventTypes: [BOUNCE, COMPLAINT]
          SnsDestination: {TopicArn: "arn:aws:sns:us-east-1:123456789012:bounces"}

    Fix: set `Enabled: true`, or delete the destination if it is no longer wanted.
    """

    id = "SES202"
    name = "destination-enabled"
    level = "error"
    tags = ("routing",)

    def check(self, config_set, params):
        for destination in config_set.destinations:
            if destination.enabled is False:
                yield self.finding(config_set, "destination is disabled (Enabled: false)", destination, ("Enabled",))
            elif destination.enabled is None:
                yield self.finding(
                    config_set, "Enabled is absent, so the destination is disabled (the SES default)", destination
                )
