"""What the deep rules share: the targets --deep resolved, and the set's ARN as SES puts it in aws:SourceArn."""

from sesguard.linter.arns import partition_of_region


def set_arn_of(config_set) -> str | None:
    if not isinstance(config_set.region, str) or not isinstance(config_set.account, str):
        return None
    partition = partition_of_region(config_set.region)
    return f"arn:{partition}:ses:{config_set.region}:{config_set.account}:configuration-set/{config_set.name}"


def resolved_targets(config_set, kind: str, arn_field: str):
    """(destination, ARN, state, where) for each `kind` target whose `arn_field` --deep looked up.

    Targets without state (local files, or a scan without --deep) are skipped: no deep rule fires on them.
    """
    for destination in config_set.destinations:
        target = destination.target_of(kind)
        state = target.state(arn_field) if target else None
        if state is not None:
            yield destination, target.fields[arn_field], state, (target.kind.block, arn_field)
