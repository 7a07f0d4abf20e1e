from sesguard.linter.rule import Rule


class DriftChanged(Rule):
    """A field of a configuration set or event destination differs between the spec and live state.

    What it checks (`sesguard drift`): for each set and destination found on both sides, every
    option, tag and destination field, after normalization: event types compared as sets in the
    API's vocabulary (`renderingFailure` is RENDERING_FAILURE), AWS defaults filled in (`Enabled`
    false, `TlsPolicy` OPTIONAL, `SendingEnabled` true, `ReputationMetricsEnabled` false, an
    empty option block is all defaults) and values a source cannot resolve (CloudFormation
    intrinsics, Terraform computed values) never compared. Read-only live fields such as
    `ReputationOptions.LastFreshStart` are ignored.

    The message is `FIELD: spec=VALUE live=VALUE`. FIELD is the API path below the set:
    `DeliveryOptions.TlsPolicy`, `Tags[team]`, `EventDestinations[bounces].Enabled`,
    `EventDestinations[bounces].MatchingEventTypes`, `EventDestinations[bounces].SnsDestination.TopicArn`,
    or a whole target block (`EventDestinations[bounces].SnsDestination`) when only one side has
    it. `(absent)` means the field is not set on that side. With `--against OTHER`, `live` is the
    other spec.

    Why: the console or an old script changed what the code says; the next deploy silently
    reverts it, or worse, the code review approved something that is not what runs.

    Example: `DeliveryOptions.TlsPolicy: spec=REQUIRE live=OPTIONAL`.

    Fix: deploy the spec again, or change the spec to what is live if the change was intended.
    """

    id = "DR003"
    name = "drift-changed"
    level = "error"
    tags = ("drift",)
