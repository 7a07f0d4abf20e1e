from sesguard.linter.rule import Rule
from sesguard.linter.vocabulary import TARGET_KINDS


class SingleDestinationTarget(Rule):
    """An event destination must have exactly one target.

    What it checks: each destination has one, and only one, of SnsDestination,
    KinesisFirehoseDestination, CloudWatchDestination, EventBridgeDestination and
    PinpointDestination.

    Why: SES accepts "one, and only one, destination" per event destination; the API rejects the
    others. CloudFormation and checkov accept two blocks, so the mistake only shows at deploy time,
    and which target a reviewer thought was live is a guess.

    Example: a destination with both `SnsDestination` and `CloudWatchDestination`.

    Fix: split it into two destinations, one per target.
    """

    id = "SES102"
    name = "single-destination-target"
    level = "error"
    tags = ("destinations", "correctness")

    def check(self, config_set, params):
        allowed = ", ".join(kind.block for kind in TARGET_KINDS)
        for destination in config_set.destinations:
            if not destination.targets:
                yield self.finding(config_set, f"destination has no target; add exactly one of {allowed}", destination)
            elif len(destination.targets) > 1:
                written = sorted(destination.targets, key=lambda target: _position(destination, target))
                blocks = ", ".join(target.kind.block for target in written)
                yield self.finding(
                    config_set,
                    f"destination has {len(written)} targets ({blocks}); SES takes exactly one",
                    destination,
                    (written[1].kind.block,),
                )


def _position(destination, target):
    """Where the block is written, so the finding points at the first extra block the reader sees."""
    location = destination.origin.locate((target.kind.block,))
    return location.line, location.column
