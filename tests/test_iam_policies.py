"""The small IAM policy evaluator behind SES401 and SES403: allow only on a clear match."""

from __future__ import annotations

import json

import pytest

from sesguard.linter.iam_policies import allows

SET_ARN = "arn:aws:ses:us-east-1:123456789012:configuration-set/mail"
TOPIC = "arn:aws:sns:us-east-1:123456789012:bounces"


def statement(**fields):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **fields}]}


@pytest.mark.parametrize(
    "document, expected",
    [
        (statement(Principal={"Service": "ses.amazonaws.com"}, Action="SNS:Publish", Resource=TOPIC), True),
        (statement(Principal={"Service": ["sns.amazonaws.com", "ses.amazonaws.com"]}, Action="sns:*"), True),
        (statement(Principal="*", Action="*", Resource=TOPIC), True),
        (statement(Principal={"AWS": "*"}, Action="sns:Publish", Resource=TOPIC), True),
        (statement(Principal={"Service": "events.amazonaws.com"}, Action="sns:Publish", Resource=TOPIC), False),
        (statement(Principal={"Service": "ses.amazonaws.com"}, Action="sns:Subscribe", Resource=TOPIC), False),
        (statement(Principal={"Service": "ses.amazonaws.com"}, Action="sns:Publish", Resource=TOPIC + "-other"), False),
        (
            statement(Principal={"Service": "ses.amazonaws.com"}, Action="sns:Publish", Resource=TOPIC,
                      Condition={"StringEquals": {"AWS:SourceArn": SET_ARN}}),
            True,
        ),
        (
            statement(Principal={"Service": "ses.amazonaws.com"}, Action="sns:Publish", Resource=TOPIC,
                      Condition={"ArnLike": {"aws:SourceArn": "arn:aws:ses:*:123456789012:configuration-set/*"}}),
            True,
        ),
        (
            statement(Principal={"Service": "ses.amazonaws.com"}, Action="sns:Publish", Resource=TOPIC,
                      Condition={"StringEquals": {"aws:SourceArn": SET_ARN + "-other"}}),
            False,
        ),
        (
            statement(Principal={"Service": "ses.amazonaws.com"}, Action="sns:Publish", Resource=TOPIC,
                      Condition={"StringEquals": {"aws:SourceAccount": "999999999999"}}),
            False,
        ),
        (
            statement(Principal={"Service": "ses.amazonaws.com"}, Action="sns:Publish", Resource=TOPIC,
                      Condition={"Bool": {"aws:SecureTransport": "true"}}),
            True,  # conditions it does not model are taken as met: no finding on a guess
        ),
        ({"Statement": {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}}, False),
        ("not json", False),
        (None, False),
    ],
)  # fmt: skip
def test_service_may_publish(document, expected):
    if isinstance(document, dict):
        document = json.dumps(document)
    assert allows(document, "sns:Publish", TOPIC, "ses.amazonaws.com", SET_ARN, "123456789012") is expected


def test_identity_policy_without_principal():
    stream = "arn:aws:firehose:us-east-1:123456789012:deliverystream/archive"
    policy = statement(Action=["firehose:PutRecord", "firehose:PutRecordBatch"], Resource=stream)
    assert allows(policy, "firehose:PutRecordBatch", stream)
    assert not allows(policy, "firehose:PutRecordBatch", stream.replace("archive", "other"))
    assert allows(statement(Action="firehose:Put*", Resource="arn:aws:firehose:*:*:deliverystream/*"),
                  "firehose:PutRecordBatch", stream)  # fmt: skip
