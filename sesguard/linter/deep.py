"""`--deep`: look up each distinct target of the live sets once and attach what was found (SPEC §4.4).

SNS topics (`sns:GetTopicAttributes`), Firehose streams (`firehose:DescribeDeliveryStream`) and
Firehose IAM roles (`iam:GetRole`, `ListRolePolicies`/`GetRolePolicy`, `ListAttachedRolePolicies`/
`GetPolicy`/`GetPolicyVersion`) are read with the credentials of the set's account; the results
become `TargetState`s on the model's targets, which rules SES401–SES403 read. A lookup that fails
(other than "not found") is a Gap: the target is left without state and no rule judges it.
"""

from __future__ import annotations

from urllib.parse import unquote

from sesguard.linter import aws
from sesguard.linter.arns import parse_arn
from sesguard.linter.aws import Gap
from sesguard.linter.iam_policies import parse_document
from sesguard.linter.model import TargetState

_NOT_FOUND = {"NotFound", "NotFoundException", "ResourceNotFoundException", "NoSuchEntity"}
# ARN field -> what it names, for messages
_LOOKUPS = {
    "TopicArn": "SNS topic",
    "DeliveryStreamArn": "Firehose delivery stream",
    "IamRoleArn": "IAM role",
}


def resolve_targets(config_sets, accounts: dict, clients: aws.Clients, pool) -> list:
    """Attach TargetStates to the targets of `config_sets` in place; return the Gaps."""
    wanted = {}
    for config_set in config_sets:
        for destination in config_set.destinations:
            for target in destination.targets:
                for arn_field in _LOOKUPS:
                    value = target.fields.get(arn_field)
                    if isinstance(value, str) and parse_arn(value):  # once per run, whoever points at it
                        wanted.setdefault((config_set.account, arn_field, value), config_set.region)
    futures = {
        key: pool.submit(_look_up, clients, accounts[key[0]], wanted[key], key[1], key[2])
        for key in sorted(wanted)
        if key[0] in accounts
    }
    states, gaps = {}, []
    for (account, arn_field, arn), future in futures.items():
        try:
            states[(account, arn_field, arn)] = future.result()
        except aws.AWS_ERRORS as error:
            what = f"{_LOOKUPS[arn_field]} {arn} (--deep lookup)"
            gaps.append(Gap(account, parse_arn(arn).region or None, what, aws.describe_error(error), arn=arn))
    for config_set in config_sets:
        for destination in config_set.destinations:
            destination.targets = tuple(_with_states(t, config_set.account, states) for t in destination.targets)
    return gaps


def _with_states(target, account, states):
    found = {
        arn_field: states[(account, arn_field, target.fields[arn_field])]
        for arn_field in _LOOKUPS
        if (account, arn_field, target.fields.get(arn_field)) in states
    }
    return target._replace(states=found) if found else target


def _look_up(clients, account, region: str, arn_field: str, arn: str) -> TargetState:
    parsed = parse_arn(arn)
    try:
        if arn_field == "TopicArn":
            client = clients.get(account, parsed.region or region, "sns")
            return TargetState(True, client.get_topic_attributes(TopicArn=arn)["Attributes"])
        if arn_field == "DeliveryStreamArn":
            client = clients.get(account, parsed.region or region, "firehose")
            described = client.describe_delivery_stream(DeliveryStreamName=parsed.resource_name)
            status = described["DeliveryStreamDescription"]["DeliveryStreamStatus"]
            return TargetState(True, {"DeliveryStreamStatus": status})
        return _look_up_role(clients.get(account, region, "iam"), parsed.resource_name)
    except aws.AWS_ERRORS as error:
        if aws.error_code(error) in _NOT_FOUND:
            return TargetState(False)
        raise


def _look_up_role(iam, name: str) -> TargetState:
    role = iam.get_role(RoleName=name)["Role"]
    documents = []
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=name):
        for policy_name in page["PolicyNames"]:
            documents.append(_document(iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]))
    for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name):
        for attached in page["AttachedPolicies"]:
            policy = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
            version = iam.get_policy_version(PolicyArn=attached["PolicyArn"], VersionId=policy["DefaultVersionId"])
            documents.append(_document(version["PolicyVersion"]["Document"]))
    trust = _document(role.get("AssumeRolePolicyDocument") or {})
    return TargetState(True, {"AssumeRolePolicyDocument": trust, "PolicyDocuments": documents})


def _document(value) -> dict:
    """IAM returns policy documents URL-encoded JSON (botocore usually decodes them already)."""
    return parse_document(value if isinstance(value, dict) else unquote(value or ""))
