from sesguard.linter.arns import parse_arn, partition_of_region
from sesguard.linter.rule import Rule


class TargetLocality(Rule):
    """Targets should live in the configuration set's own region and account.

    What it checks: each target ARN's region and account against the set's region and account
    (when both are known). A different partition (`aws` against `aws-cn` or `aws-us-gov`) is an
    error; a different region or account a warning.

    Why: SES publishes to targets in the set's region. A topic or stream in another region or
    account usually means a copy-pasted ARN, and at best a cross-account permission that must be
    kept in sync by hand; a target in another partition can never work.

    Example: a set in eu-west-1 whose SNS topic is `arn:aws:sns:us-east-1:...`.

    Fix: point the destination at a target in the set's region and account, or suppress this
    finding with the reason the cross-region or cross-account target is intended.
    """

    id = "SES206"
    name = "target-locality"
    level = "warning"
    tags = ("routing", "correctness")

    def check(self, config_set, params):
        region = config_set.region if isinstance(config_set.region, str) else None
        account = config_set.account if isinstance(config_set.account, str) else None
        for destination in config_set.destinations:
            for target, arn_field, value in destination.target_arns():
                arn = parse_arn(value)
                if arn is None:
                    continue  # SES106 reports malformed ARNs
                where = (target.kind.block, arn_field.field)
                if region and arn.partition != partition_of_region(region):
                    yield self.finding(
                        config_set,
                        f"{arn_field.field} is in partition {arn.partition} (the set's is "
                        f"{partition_of_region(region)}, region {region}); SES cannot reach another partition",
                        destination,
                        where,
                        level="error",
                    )
                    continue
                differences = []
                if region and arn.region and arn.region != region:
                    differences.append(f"region {arn.region} (the set's is {region})")
                if account and arn.account.isdigit() and arn.account != account:
                    differences.append(f"account {arn.account} (the set's is {account})")
                if differences:
                    yield self.finding(
                        config_set, f"{arn_field.field} is in {' and '.join(differences)}", destination, where
                    )
