"""Built-in rules: a plugin like any other, registered through the `sesguard_rules` hook.

Rules are grouped by id range: `pipeline/` (SG0xx), `destinations/` (SES1xx), `routing/`
(SES2xx), `options/` (SES3xx),
`deep/` (SES4xx, live `--deep` only), `drift/` (DR0xx, `sesguard drift` only). Each file holds one
rule; its docstring is its documentation.
"""

from sesguard.linter.hookspecs import hookimpl
from sesguard.rules.deep.firehose_role_valid import FirehoseRoleValid
from sesguard.rules.deep.firehose_stream_reachable import FirehoseStreamReachable
from sesguard.rules.deep.sns_topic_reachable import SnsTopicReachable
from sesguard.rules.destinations.destination_quota import DestinationQuota
from sesguard.rules.destinations.eventbridge_default_bus import EventBridgeDefaultBus
from sesguard.rules.destinations.invalid_event_types import InvalidEventTypes
from sesguard.rules.destinations.single_destination_target import SingleDestinationTarget
from sesguard.rules.destinations.target_arn import TargetArn
from sesguard.rules.destinations.unique_destination_names import UniqueDestinationNames
from sesguard.rules.destinations.valid_names import ValidNames
from sesguard.rules.drift.drift_changed import DriftChanged
from sesguard.rules.drift.drift_missing import DriftMissing
from sesguard.rules.drift.drift_unmanaged import DriftUnmanaged
from sesguard.rules.options.https_tracking import HttpsTracking
from sesguard.rules.options.reputation_metrics import ReputationMetrics
from sesguard.rules.options.sending_paused import SendingPaused
from sesguard.rules.options.suppression_reasons import SuppressionReasons
from sesguard.rules.options.tls_required import TlsRequired
from sesguard.rules.pipeline.expired_suppression import ExpiredSuppression
from sesguard.rules.pipeline.incomplete_scan import IncompleteScan
from sesguard.rules.pipeline.parse_error import ParseError
from sesguard.rules.pipeline.schema_violation import SchemaViolation
from sesguard.rules.pipeline.unused_suppression import UnusedSuppression
from sesguard.rules.routing.bounce_complaint_to_sns import BounceComplaintToSns
from sesguard.rules.routing.destination_enabled import DestinationEnabled
from sesguard.rules.routing.firehose_archive import FirehoseArchive
from sesguard.rules.routing.pinpoint_end_of_support import PinpointEndOfSupport
from sesguard.rules.routing.target_locality import TargetLocality
from sesguard.rules.routing.unrouted_events import UnroutedEvents

BUILTIN_RULES = (
    ParseError,
    SchemaViolation,
    UnusedSuppression,
    ExpiredSuppression,
    IncompleteScan,
    InvalidEventTypes,
    SingleDestinationTarget,
    UniqueDestinationNames,
    DestinationQuota,
    ValidNames,
    TargetArn,
    EventBridgeDefaultBus,
    BounceComplaintToSns,
    DestinationEnabled,
    FirehoseArchive,
    UnroutedEvents,
    PinpointEndOfSupport,
    TargetLocality,
    TlsRequired,
    HttpsTracking,
    ReputationMetrics,
    SuppressionReasons,
    SendingPaused,
    SnsTopicReachable,
    FirehoseStreamReachable,
    FirehoseRoleValid,
    DriftMissing,
    DriftUnmanaged,
    DriftChanged,
)


@hookimpl
def sesguard_rules():
    return list(BUILTIN_RULES)
