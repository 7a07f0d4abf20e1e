import re

from sesguard.linter.rule import Rule

VALID_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ValidNames(Rule):
    """Configuration set and event destination names must be 1-64 letters, digits, `_` or `-`.

    What it checks: each set's and each destination's name matches `^[A-Za-z0-9_-]{1,64}$`.

    Why: SES rejects other names when the resource is created; dots, spaces and names longer than
    64 characters are common slips that pass review and fail at deploy time.

    Example: `Name: marketing.eu` or `Name: bounce alerts`.

    Fix: use only ASCII letters, digits, underscores and hyphens, at most 64 of them.
    """

    id = "SES105"
    name = "valid-names"
    level = "error"
    tags = ("destinations", "correctness")

    def check(self, config_set, params):
        if isinstance(config_set.name, str) and not VALID_NAME.match(config_set.name):
            yield self.finding(
                config_set, f"configuration set name {config_set.name!r} {_why(config_set.name)}", field=("Name",)
            )
        for destination in config_set.destinations:
            if isinstance(destination.name, str) and not VALID_NAME.match(destination.name):
                yield self.finding(
                    config_set,
                    f"destination name {destination.name!r} {_why(destination.name)}",
                    destination,
                    ("Name",),
                )


def _why(name: str) -> str:
    if not name:
        return "is empty"
    if len(name) > 64:
        return f"is {len(name)} characters long; at most 64 are allowed"
    return "may only contain letters, digits, '_' and '-'"
