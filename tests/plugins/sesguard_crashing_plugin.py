"""A plugin whose rule raises inside check(): the run must record it and keep every other finding."""

from sesguard.linter.hookspecs import hookimpl
from sesguard.linter.rule import Rule


class Crashes(Rule):
    """A rule with a bug.

    It raises on every set, as a plugin with a bug might.
    """

    id = "ORG901"
    name = "crashes"
    level = "error"

    def check(self, config_set, params):
        raise RuntimeError(f"boom on {config_set.name}")


@hookimpl
def sesguard_rules():
    return [Crashes]
