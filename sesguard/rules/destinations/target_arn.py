from sesguard.linter.arns import parse_arn
from sesguard.linter.rule import Rule


class TargetArn(Rule):
    """Target ARNs must be well-formed and name the right kind of resource.

    What it checks: `SnsDestination.TopicArn` is an SNS topic, `KinesisFirehoseDestination` has a
    Firehose `deliverystream` and an IAM `role`, `EventBridgeDestination.EventBusArn` an EventBridge
    `event-bus`, `PinpointDestination.ApplicationArn` a Pinpoint (`mobiletargeting`) app. Regional
    ARNs need a region and a 12-digit account; IAM ARNs have an account and no region. The SNS
    topic must not be FIFO (`.fifo`).

    Why: SES validates the ARN only when the destination is created or first used; a role ARN in
    the stream field, a queue instead of a topic, or a FIFO topic ("SES does not support FIFO type
    topics") means no event is ever delivered.

    Example:

        SnsDestination: {TopicArn: "arn:aws:sqs:us-east-1:123456789012:bounces"}

    Fix: point the field at a resource of the expected type, e.g.
    `arn:aws:sns:us-east-1:123456789012:bounces` for a standard SNS topic.
    """

    id = "SES106"
    name = "target-arn"
    level = "error"
    tags = ("destinations", "correctness")

    def check(self, config_set, params):
        for destination in config_set.destinations:
            for target, arn_field, value in destination.target_arns():
                problem = _problem(arn_field, value)
                if problem:
                    yield self.finding(
                        config_set,
                        f"{arn_field.field} {value!r} {problem}",
                        destination,
                        (target.kind.block, arn_field.field),
                    )


def _problem(arn_field, value: str):
    arn = parse_arn(value)
    expected = f"expected {arn_field.shape}"
    if arn is None:
        return f"is not a valid ARN; {expected}"
    if arn.service != arn_field.service:
        return f"is an ARN of service '{arn.service}', not '{arn_field.service}'; {expected}"
    if arn_field.resource_type and arn.resource_type != arn_field.resource_type:
        return f"does not name a resource of type '{arn_field.resource_type}'; {expected}"
    if arn.service == "iam" and arn.region:
        return f"has a region, but IAM ARNs have none; {expected}"
    if arn.service != "iam" and not arn.region:
        return f"has no region; {expected}"
    if not arn.account.isdigit():
        return f"has no 12-digit account id; {expected}"
    if arn.service == "sns" and ("/" in arn.resource or ":" in arn.resource):
        return f"does not name a topic; {expected}"
    if arn.service == "sns" and arn.resource.endswith(".fifo"):
        return "is a FIFO topic; SES publishes only to standard SNS topics"
    return None
