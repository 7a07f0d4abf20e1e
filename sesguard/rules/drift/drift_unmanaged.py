from sesguard.linter.rule import Rule


class DriftUnmanaged(Rule):
    """A configuration set or event destination exists live but not in the spec.

    What it checks (`sesguard drift`): inside the accounts and regions the spec covers (a spec
    without `Account`/`Region` covers every one read), every live set (or, with `--against OTHER`,
    every set of the other spec) is declared in the spec, and every destination of a declared set
    is declared too. `--only-named-sets` limits this to destinations of the sets the spec names.
    A set reported here is located at the first line of the spec file covering its region; a
    destination at its set's entry. When the spec itself could not be fully read (SG001/SG002),
    unmanaged sets are not reported: the unread part may declare them.

    Why: configuration made by hand is invisible to review and lost on the next rebuild; an extra
    destination can ship every event of a set to a place nobody audits.

    Example: a `debug` destination added in the console to the `transactional` set.

    Fix: add it to the spec if it is wanted (`sesguard snapshot` prints it in spec form), or
    delete it in AWS.
    """

    id = "DR002"
    name = "drift-unmanaged"
    level = "warning"
    tags = ("drift",)
