from sesguard.linter.arns import parse_arn
from sesguard.linter.rule import Rule


class EventBridgeDefaultBus(Rule):
    """EventBridge destinations must use the default event bus.

    What it checks: `EventBridgeDestination.EventBusArn` ends in `event-bus/default`.

    Why: SES publishes to the account's default bus only ("Only the default bus is supported",
    SESv2 API reference). A custom bus is accepted by CloudFormation and checkov, and then SES
    delivers nothing to it; route from the default bus to your own with an EventBridge rule.

    Example:

        EventBridgeDestination: {EventBusArn: "arn:aws:events:us-east-1:123456789012:event-bus/mail"}

    Fix: use `arn:aws:events:REGION:ACCOUNT:event-bus/default` and add an EventBridge rule on the
    default bus that forwards SES events to the custom bus.
    """

    id = "SES107"
    name = "eventbridge-default-bus"
    level = "error"
    tags = ("destinations", "correctness")

    def check(self, config_set, params):
        for destination in config_set.destinations:
            for target, arn_field, value in destination.target_arns():
                if target.kind.key != "eventbridge":
                    continue
                arn = parse_arn(value)
                if arn is None or arn.resource_type != "event-bus":
                    continue  # SES106 reports malformed ARNs
                bus = arn.resource.partition("/")[2]  # the whole name: partner buses contain '/'
                if bus != "default":
                    yield self.finding(
                        config_set,
                        f"EventBusArn names the event bus '{bus}'; SES publishes only to the default bus",
                        destination,
                        (target.kind.block, arn_field.field),
                    )
