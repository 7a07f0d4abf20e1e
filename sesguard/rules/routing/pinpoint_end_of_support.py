from sesguard.linter.rule import Rule
from sesguard.linter.vocabulary import sort_event_types

NEVER_SUPPORTED = {"DELIVERY_DELAY", "SUBSCRIPTION"}


class PinpointEndOfSupport(Rule):
    """Pinpoint destinations are at end of support; move them elsewhere.

    What it checks: any destination with a `PinpointDestination` (warning). It is an error when the
    destination is sent DELIVERY_DELAY or SUBSCRIPTION, which Pinpoint never supported.

    Why: Amazon Pinpoint reached end of support on 2026-10-30; events sent there are not something
    to rely on. Pinpoint never accepted DELIVERY_DELAY or SUBSCRIPTION events at all.

    Example:

        PinpointDestination: {ApplicationArn: "arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc"}

    Fix: send the events to Firehose, EventBridge or SNS instead and remove the Pinpoint destination.
    """

    id = "SES205"
    name = "pinpoint-end-of-support"
    level = "warning"
    tags = ("routing", "deprecation")

    def check(self, config_set, params):
        for destination in config_set.destinations:
            if destination.target_of("pinpoint") is None:
                continue
            unsupported = NEVER_SUPPORTED & destination.events
            if unsupported:
                types = " and ".join(sort_event_types(unsupported))
                yield self.finding(
                    config_set,
                    f"Pinpoint never supported {types} events; Amazon Pinpoint reached end of support on 2026-10-30",
                    destination,
                    ("PinpointDestination",),
                    level="error",
                )
            else:
                yield self.finding(
                    config_set,
                    "Amazon Pinpoint reached end of support on 2026-10-30; "
                    "send these events to Firehose, EventBridge or SNS",
                    destination,
                    ("PinpointDestination",),
                )
