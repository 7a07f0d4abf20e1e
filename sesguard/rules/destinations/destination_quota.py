from sesguard.linter.rule import Rule

MAX_DESTINATIONS = 10


class DestinationQuota(Rule):
    """A configuration set can have at most 10 event destinations.

    What it checks: the number of event destinations of each set.

    Why: 10 per configuration set is a hard SES quota; the eleventh destination fails to create
    and the deployment stops half-way.

    Example: a set that publishes to 12 destinations, one per team.

    Fix: merge destinations that go to the same kind of target (one SNS topic can fan out to
    many subscribers), or split the traffic across configuration sets.
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
