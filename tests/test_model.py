"""The typed model: normalized event types, AWS defaults behind properties, UNKNOWN never guessed at."""

from __future__ import annotations

import pytest

from sesguard.linter.model import UNKNOWN, ConfigurationSet, EventDestination, Location, Target
from sesguard.linter.vocabulary import TARGET_BY_KEY

TOPIC = "arn:aws:sns:eu-west-1:123456789012:bounces"
ROLE = "arn:aws:iam::123456789012:role/ses-firehose"
STREAM = "arn:aws:firehose:eu-west-1:123456789012:deliverystream/archive"


class StubOrigin:
    kind = "spec"

    def locate(self, field=()):
        return Location("spec.yaml", 1, 1, ".".join(map(str, field)))


ORIGIN = StubOrigin()


def destination(name="d", enabled=True, types=("BOUNCE",), **targets) -> EventDestination:
    return EventDestination(
        name=name,
        origin=ORIGIN,
        enabled=enabled,
        matching_event_types=types,
        targets=tuple(Target(TARGET_BY_KEY[key], fields) for key, fields in targets.items()),
    )


def config_set(*destinations, **options) -> ConfigurationSet:
    return ConfigurationSet(name="s", origin=ORIGIN, options=options, destinations=destinations)


def sns(arn=TOPIC) -> dict:
    return {"TopicArn": arn}


def test_unknown_is_a_singleton_that_says_what_it_is():
    assert type(UNKNOWN)() is UNKNOWN
    assert repr(UNKNOWN) == "UNKNOWN"


# -- event destinations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (("bounce",), {"BOUNCE"}),
        (("renderingFailure", "DELIVERY_DELAY"), {"RENDERING_FAILURE", "DELIVERY_DELAY"}),
        (("BOUNCE", "bounce", "Bounce"), {"BOUNCE"}),  # a set: spellings of one type collapse
        (("deliveryDelay", "subscription", "send"), {"DELIVERY_DELAY", "SUBSCRIPTION", "SEND"}),
        (("BOUNCES", "OPEN", 7, None), {"OPEN"}),  # unrecognized spellings and non-strings left out
        (("CLICK", UNKNOWN), {"CLICK"}),
        ((), set()),
        (None, set()),  # absent
        (UNKNOWN, set()),
    ],
)
def test_events_are_canonical(types, expected):
    assert destination(types=types).events == frozenset(expected)


@pytest.mark.parametrize(
    ("types", "known"),
    [(("BOUNCE",), True), ((), True), (None, True), (UNKNOWN, False), (("BOUNCE", UNKNOWN), False)],
)
def test_events_known(types, known):
    assert destination(types=types).events_known is known


@pytest.mark.parametrize(("enabled", "expected"), [(True, True), (False, False), (None, False), (UNKNOWN, UNKNOWN)])
def test_is_enabled_fills_in_the_ses_default(enabled, expected):
    assert destination(enabled=enabled).is_enabled is expected


def test_target_of_and_target_arns():
    both = destination(
        sns=sns(),
        firehose={"IamRoleArn": ROLE, "DeliveryStreamArn": UNKNOWN},
        cloudwatch={"DimensionConfigurations": []},
    )
    assert both.target_of("sns").fields == {"TopicArn": TOPIC}
    assert both.target_of("eventbridge") is None
    assert [(target.kind.key, arn_field.field, value) for target, arn_field, value in both.target_arns()] == [
        ("sns", "TopicArn", TOPIC),
        ("firehose", "IamRoleArn", ROLE),  # the UNKNOWN stream is skipped, CloudWatch has no ARN
    ]


def test_target_arns_skips_missing_and_non_string_values():
    odd = destination(sns={}, eventbridge={"EventBusArn": UNKNOWN}, pinpoint={"ApplicationArn": None})
    assert list(odd.target_arns()) == []


# -- events reaching destinations ---------------------------------------------------------------


def test_events_reaching_unites_enabled_destinations():
    routed = config_set(
        destination("a", True, ("BOUNCE", "complaint"), sns=sns()),
        destination("b", True, ("SEND", "OPEN"), firehose={"IamRoleArn": ROLE, "DeliveryStreamArn": STREAM}),
        destination("c", False, ("CLICK",), sns=sns()),  # disabled: reaches nothing
        destination("d", None, ("REJECT",), sns=sns()),  # Enabled absent: disabled
    )
    assert routed.events_reaching() == frozenset({"BOUNCE", "COMPLAINT", "SEND", "OPEN"})
    assert routed.events_reaching("sns") == frozenset({"BOUNCE", "COMPLAINT"})
    assert routed.events_reaching("firehose") == frozenset({"SEND", "OPEN"})
    assert routed.events_reaching("pinpoint") == frozenset()
    assert [d.name for d in routed.enabled_destinations()] == ["a", "b"]
    assert [d.name for d in routed.enabled_destinations("sns")] == ["a"]


@pytest.mark.parametrize(
    "uncertain",
    [
        destination("u", UNKNOWN, ("SEND",), sns=sns()),  # might be enabled
        destination("u", True, UNKNOWN, sns=sns()),  # might match anything
        destination("u", True, ("SEND", UNKNOWN), sns=sns()),
    ],
)
def test_events_reaching_is_none_when_unknowable(uncertain):
    routed = config_set(destination("a", True, ("BOUNCE",), sns=sns()), uncertain)
    assert routed.events_reaching() is None
    assert routed.events_reaching("sns") is None
    assert routed.events_reaching("firehose") == frozenset()  # the uncertain one is not a Firehose destination


def test_a_disabled_destination_with_unknown_events_does_not_make_routing_unknowable():
    routed = config_set(destination("a", True, ("BOUNCE",), sns=sns()), destination("off", False, UNKNOWN, sns=sns()))
    assert routed.events_reaching("sns") == frozenset({"BOUNCE"})


# -- options ------------------------------------------------------------------------------------


def test_option_defaults_when_absent():
    bare = config_set()
    assert bare.tls_policy == "OPTIONAL"
    assert bare.https_policy is None  # no TrackingOptions: no click/open tracking to secure
    assert bare.reputation_metrics_enabled is False
    assert bare.sending_enabled is True
    assert bare.suppressed_reasons is None  # not overridden: the account-level list applies
    assert bare.option("DeliveryOptions.TlsPolicy") is None
    assert bare.option("DeliveryOptions.TlsPolicy", "fallback") == "fallback"


def test_option_values_when_present():
    full = config_set(
        DeliveryOptions={"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 600},
        TrackingOptions={"CustomRedirectDomain": "click.example.com", "HttpsPolicy": "REQUIRE_OPEN_ONLY"},
        ReputationOptions={"ReputationMetricsEnabled": True},
        SendingOptions={"SendingEnabled": False},
        SuppressionOptions={"SuppressedReasons": []},
    )
    assert full.tls_policy == "REQUIRE"
    assert full.option("DeliveryOptions.MaxDeliverySeconds") == 600
    assert full.https_policy == "REQUIRE_OPEN_ONLY"
    assert full.reputation_metrics_enabled is True
    assert full.sending_enabled is False
    assert full.suppressed_reasons == []  # overridden with nothing: suppression off, not "not overridden"


def test_https_policy_defaults_to_optional_once_tracking_is_configured():
    tracked = config_set(TrackingOptions={"CustomRedirectDomain": "click.example.com"})
    assert tracked.https_policy == "OPTIONAL"


def test_unknown_options_stay_unknown():
    unresolved = config_set(
        DeliveryOptions=UNKNOWN, TrackingOptions=UNKNOWN, SendingOptions={"SendingEnabled": UNKNOWN}
    )
    assert unresolved.tls_policy is UNKNOWN
    assert unresolved.https_policy is UNKNOWN
    assert unresolved.sending_enabled is UNKNOWN
    assert unresolved.option("DeliveryOptions") is UNKNOWN
    assert unresolved.reputation_metrics_enabled is False


def test_option_does_not_descend_into_non_mappings():
    odd = config_set(DeliveryOptions="REQUIRE", SuppressionOptions={"SuppressedReasons": ["BOUNCE"]})
    assert odd.option("DeliveryOptions.TlsPolicy", "default") == "default"
    assert odd.option("SuppressionOptions.SuppressedReasons.0", "default") == "default"
