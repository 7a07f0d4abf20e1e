from sesguard.linter.rule import Rule
from sesguard.linter.vocabulary import EVENT_TYPES
from sesguard.rules.routing.shared import EVENTS, missing_events, schema


class FirehoseArchive(Rule):
    """Every event type should be archived through an enabled Firehose destination.

    What it checks: the set has at least one enabled Kinesis Data Firehose destination, and its
    enabled Firehose destinations together receive every type in `events` (default: all ten).

    Why: SES keeps no event history. When a complaint, an audit or a deliverability investigation
    asks what happened to a message last month, the Firehose archive (to S3, usually) is the only
    record; events missing from it are gone.

    Example: a set whose Firehose destination matches only SEND and DELIVERY.

    Fix: add an enabled KinesisFirehoseDestination matching every event type, or add the missing
    types to the existing one.
    """

    id = "SES203"
    name = "firehose-archive"
    level = "error"
    tags = ("routing", "audit")
    parameters = {"events": list(EVENT_TYPES)}
    parameters_schema = schema(events=EVENTS)

    def check(self, config_set, params):
        reached = config_set.events_reaching("firehose")
        if reached is None:
            return
        possible = [d for d in config_set.destinations if d.target_of("firehose") and d.is_enabled is not False]
        if not possible:
            yield self.finding(config_set, "no enabled Firehose destination archives this set's events")
            return
        missing = set(params["events"]) - reached
        if missing:
            yield self.finding(config_set, missing_events(missing, "Firehose destination"))
