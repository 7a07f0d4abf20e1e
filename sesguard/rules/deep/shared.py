"""What the deep rules share: the configuration set's ARN, as SES puts it in aws:SourceArn."""

from sesguard.linter.arns import partition_of_region


def set_arn_of(config_set) -> str | None:
    if not isinstance(config_set.region, str) or not isinstance(config_set.account, str):
        return None
    partition = partition_of_region(config_set.region)
    return f"arn:{partition}:ses:{config_set.region}:{config_set.account}:configuration-set/{config_set.name}"
