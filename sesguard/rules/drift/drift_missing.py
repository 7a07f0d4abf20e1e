from sesguard.linter.rule import Rule


class DriftMissing(Rule):
    """A configuration set or event destination in the spec does not exist live.

    What it checks (`sesguard drift`): every set in the spec exists in live state (or, with
    `--against OTHER`, in the other spec) with the same account, region and name, and every
    destination of it exists in that set under the same name. A spec that leaves the account or
    region out matches a set of that name in whatever accounts and regions the other side covers.
    What could not be read live is reported as SG900 instead, never as missing.

    Why: a set the code says exists but AWS does not have means mail sent with it fails
    (`ConfigurationSetDoesNotExist`); a missing destination means its events go nowhere, while
    the repository claims they are monitored.

    Example: the spec declares `transactional` with destination `bounces`, but someone deleted the
    destination in the console.

    Fix: deploy the spec again (CloudFormation, Terraform or your pipeline), or remove the set or
    destination from the spec if it is gone on purpose.
    """

    id = "DR001"
    name = "drift-missing"
    level = "error"
    tags = ("drift",)
