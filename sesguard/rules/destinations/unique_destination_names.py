from sesguard.linter.model import UNKNOWN
from sesguard.linter.rule import Rule


class UniqueDestinationNames(Rule):
    """Event destination names must be unique within a configuration set.

    What it checks: no two destinations of one set share a `Name`.

    Why: the name is the destination's key in the SES API. A second destination with the same
    name fails to create, or in tools that upsert, silently replaces the first one.

    Example: two destinations named `bounces`, one to SNS and one to CloudWatch.

    Fix: give each destination its own name.
    """

    id = "SES103"
    name = "unique-destination-names"
    level = "error"
    tags = ("destinations", "correctness")

    def check(self, config_set, params):
        first_seen = {}
        for destination in config_set.destinations:
            if destination.name is UNKNOWN:
                continue
            if destination.name in first_seen:
                line = first_seen[destination.name].origin.locate(("Name",)).line
                yield self.finding(
                    config_set,
                    f"destination name {destination.name!r} is already used at line {line}",
                    destination,
                    ("Name",),
                )
            else:
                first_seen[destination.name] = destination
