from sesguard.linter.rule import Rule
from sesguard.rules.deep.shared import resolved_targets


class FirehoseStreamReachable(Rule):
    """(--deep) The Firehose delivery stream must exist and be ACTIVE.

    What it checks: with `sesguard scan --deep`, each Firehose destination's stream as
    `firehose:DescribeDeliveryStream` returns it: it exists and its `DeliveryStreamStatus` is
    `ACTIVE`.

    Why: SES drops events it cannot deliver. A deleted stream, or one stuck in `CREATING`,
    `DELETING` or a `*_FAILED` state, means the archive silently has holes.

    Example: a destination whose stream was deleted by a teardown script; a stream in
    `CREATING_FAILED` after a bad deployment.

    Fix: recreate the stream (or fix the failed one) with the ARN the destination names, or point
    the destination at the stream that is really in use.
    """

    id = "SES402"
    name = "firehose-stream-reachable"
    level = "error"
    tags = ("live", "deep", "routing")

    def check(self, config_set, params):
        for destination, stream, state, where in resolved_targets(config_set, "firehose", "DeliveryStreamArn"):
            if not state.exists:
                yield self.finding(config_set, f"Firehose delivery stream {stream} does not exist", destination, where)
            elif state.attributes.get("DeliveryStreamStatus") != "ACTIVE":
                status = state.attributes.get("DeliveryStreamStatus")
                yield self.finding(
                    config_set, f"Firehose delivery stream {stream} is {status}, not ACTIVE", destination, where
                )
