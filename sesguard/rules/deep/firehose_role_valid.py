from sesguard.linter.iam_policies import allows
from sesguard.linter.rule import Rule
from sesguard.rules.deep.shared import resolved_targets, set_arn_of


class FirehoseRoleValid(Rule):
    """(--deep) SES must be able to assume the Firehose role, and the role to write to the stream.

    What it checks: with `sesguard scan --deep`, each Firehose destination's `IamRoleArn` as IAM
    returns it: the role exists; its trust policy lets `ses.amazonaws.com` `sts:AssumeRole` (with
    `aws:SourceArn` / `aws:SourceAccount` conditions, if any, naming this set and account); and one
    of its inline or attached policies allows `firehose:PutRecordBatch` on the destination's stream.

    Why: SES assumes this role to write events to the stream. If it cannot assume the role, or the
    role cannot write, events are dropped without an error anywhere SES users look.

    Example: a role trusted by `firehose.amazonaws.com` instead of `ses.amazonaws.com`; a role whose
    policy grants `firehose:PutRecord` only, or on another stream.

    Fix: trust `ses.amazonaws.com` with `aws:SourceArn` set to this configuration set's ARN, and
    allow `firehose:PutRecordBatch` on the stream's ARN.
    """

    id = "SES403"
    name = "firehose-role-valid"
    level = "error"
    tags = ("live", "deep", "routing", "iam")

    def check(self, config_set, params):
        for destination, role, state, where in resolved_targets(config_set, "firehose", "IamRoleArn"):
            stream = destination.target_of("firehose").fields.get("DeliveryStreamArn")
            if not state.exists:
                yield self.finding(config_set, f"IAM role {role} does not exist", destination, where)
                continue
            trust = state.attributes.get("AssumeRolePolicyDocument")
            if not allows(
                trust, "sts:AssumeRole", None, "ses.amazonaws.com", set_arn_of(config_set), config_set.account
            ):
                yield self.finding(
                    config_set,
                    f"the trust policy of IAM role {role} does not let ses.amazonaws.com assume it for this set",
                    destination,
                    where,
                )
            documents = state.attributes.get("PolicyDocuments", [])
            if isinstance(stream, str) and not any(allows(d, "firehose:PutRecordBatch", stream) for d in documents):
                yield self.finding(
                    config_set,
                    f"no policy of IAM role {role} allows firehose:PutRecordBatch on {stream}",
                    destination,
                    where,
                )
