from sesguard.linter.iam_policies import allows
from sesguard.linter.rule import Rule
from sesguard.rules.deep.shared import resolved_targets, set_arn_of


class SnsTopicReachable(Rule):
    """(--deep) The SNS topic must exist, be a standard topic, and let SES publish to it.

    What it checks: with `sesguard scan --deep`, each SNS destination's topic as
    `sns:GetTopicAttributes` returns it: the topic exists, is not FIFO, and its access policy has
    an Allow statement for `ses.amazonaws.com` (or `*`) with `sns:Publish` whose `aws:SourceArn`
    / `aws:SourceAccount` conditions, if any, name this configuration set and account.

    Why: SES does not fail the send when it cannot publish an event; bounces and complaints just
    vanish. A deleted topic, a FIFO topic (unsupported by SES) or a policy that does not trust SES
    all mean nobody hears about them.

    Example: a destination pointing at `arn:aws:sns:us-east-1:123456789012:ses-bounces` after the
    topic was deleted; a topic policy whose `aws:SourceArn` names another configuration set.

    Fix: create the standard topic, or add to its policy a statement allowing
    `ses.amazonaws.com` `sns:Publish` with `aws:SourceArn` set to this configuration set's ARN.
    """

    id = "SES401"
    name = "sns-topic-reachable"
    level = "error"
    tags = ("live", "deep", "routing")

    def check(self, config_set, params):
        for destination, topic, state, where in resolved_targets(config_set, "sns", "TopicArn"):
            if not state.exists:
                yield self.finding(config_set, f"SNS topic {topic} does not exist", destination, where)
            elif str(state.attributes.get("FifoTopic", "false")).lower() == "true":
                yield self.finding(
                    config_set, f"SNS topic {topic} is FIFO; SES supports standard topics only", destination, where
                )
            elif not allows(
                state.attributes.get("Policy"),
                "sns:Publish",
                topic,
                "ses.amazonaws.com",
                set_arn_of(config_set),
                config_set.account,
            ):
                yield self.finding(
                    config_set,
                    f"the policy of SNS topic {topic} does not let ses.amazonaws.com publish for this set",
                    destination,
                    where,
                )
