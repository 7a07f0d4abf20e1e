from sesguard.linter.rule import Rule

MAX_DESTINATIONS = 10
MAX_DIMENSIONS = 10


class DestinationQuota(Rule):
    """A configuration set can have at most 10 event destinations, each with at most 10 CloudWatch dimensions.

    What it checks: the number of event destinations of each set, and the number of
    `DimensionConfigurations` of each CloudWatch destination.

    Why: both are hard SES quotas; the eleventh destination, or a destination with an eleventh
    dimension, fails to create and the deployment stops half-way.

    Example: a set that publishes to 12 destinations, one per team; a CloudWatch destination
    with one dimension per message tag, 14 of them.

    Fix: merge destinations that go to the same kind of target (one SNS topic can fan out to
    many subscribers), or split the traffic across configuration sets; keep the 10 dimensions
    you chart and alarm on.
    """

    id = "SES104"
    name = "destination-quota"
    level = "error"
    tags = ("destinations", "quota")

    def check(self, config_set, params):
        count = len(config_set.destinations)
        if count > MAX_DESTINATIONS:
            yield self.finding(
                config_set,
                f"{count} event destinations; SES allows at most {MAX_DESTINATIONS} per configuration set",
                field=("EventDestinations",),
            )
        field = ("CloudWatchDestination", "DimensionConfigurations")
        for destination in config_set.destinations:
            target = destination.target_of("cloudwatch")
            dimensions = target.fields.get(field[1]) if target else None
            if isinstance(dimensions, list) and len(dimensions) > MAX_DIMENSIONS:
                count = len(dimensions)
                message = f"{count} CloudWatch dimensions; SES allows at most {MAX_DIMENSIONS} per destination"
                yield self.finding(config_set, message, destination, field)
