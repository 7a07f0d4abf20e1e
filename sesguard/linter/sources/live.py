"""The live source (SPEC §4.4, §8): sesv2 state of accounts and regions, read into the one model.

Per account and region: `ListConfigurationSets` (looping on NextToken; botocore has no paginator
for it), then per set `GetConfigurationSet` and `GetConfigurationSetEventDestinations` — one call
per page plus two per set. Account-regions and sets are read in parallel by one bounded pool.
Whatever cannot be read becomes a `Gap` (an SG900 finding later), never a silent pass: a set
whose destinations could not be read is left out whole, so no rule judges half a set.

boto3 is imported only through `sesguard.linter.aws`, which only this path loads.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import ClassVar

from sesguard.linter import aws
from sesguard.linter.arns import partition_of_region
from sesguard.linter.aws import Gap
from sesguard.linter.findings import Finding, pipeline_finding
from sesguard.linter.model import ConfigurationSet, EventDestination, FieldPath, Location, Target
from sesguard.linter.origins import format_path
from sesguard.linter.vocabulary import OPTION_BLOCKS, TARGET_KINDS


@dataclass(frozen=True)
class LiveOrigin:
    """A set or destination read from AWS: located by its logical path and the set's ARN."""

    path: tuple  # ("ConfigurationSets[name]",) or with ("EventDestinations[dest]",)
    arn: str
    kind: ClassVar[str] = "live"

    def locate(self, field: FieldPath = ()) -> Location:
        return Location(None, 1, 1, ".".join(self.path) + _suffix(field), self.arn)


def _suffix(field: FieldPath) -> str:
    text = format_path(tuple(field))
    return "" if not text else (text if text.startswith("[") else "." + text)


def set_arn(region: str, account: str, name: str) -> str:
    return f"arn:{partition_of_region(region)}:ses:{region}:{account}:configuration-set/{name}"


@dataclass
class LiveState:
    """What a live scan read: the sets (in the model) and what it could not read."""

    sets: list = field(default_factory=list)
    gaps: list = field(default_factory=list)
    regions: tuple = ()
    accounts: tuple = ()


def read_live(scope: aws.Scope, configured_regions: tuple = (), progress: Callable | None = None) -> LiveState:
    """Read every configuration set of every account and region in `scope` (and with --deep, its targets)."""
    session = aws.base_session(scope)
    regions = aws.resolve_regions(session, scope, configured_regions)
    config = aws.client_config(session, scope)
    accounts, gaps = aws.resolve_accounts(session, scope, regions, config)
    state = LiveState(gaps=list(gaps), regions=regions, accounts=tuple(a.account_id for a in accounts))
    clients = aws.Clients(scope, config)
    with ThreadPoolExecutor(max_workers=max(1, scope.concurrency), thread_name_prefix="sesguard") as pool:
        listings = {
            pool.submit(_list_set_names, clients, account, region): (account, region)
            for account in accounts
            for region in regions
        }
        reads = []
        for future in as_completed(listings):  # a slow region does not hold up the others' sets
            account, region = listings[future]
            try:
                names = future.result()
            except aws.AWS_ERRORS as error:
                reason = aws.describe_error(error)
                state.gaps.append(Gap(account.account_id, region, "configuration sets (ListConfigurationSets)", reason))
                continue
            client = clients.get(account, region, "sesv2")
            reads += [(pool.submit(_read_set, client, account.account_id, region, name), name) for name in names]
        total = len(reads)
        for done, (future, _name) in enumerate(reads, 1):
            result = future.result()
            if isinstance(result, Gap):
                state.gaps.append(result)
            elif result is not None:
                state.sets.append(result)
            if progress:
                progress(done, total)
        if scope.deep and state.sets:
            from sesguard.linter.deep import resolve_targets

            by_id = {account.account_id: account for account in accounts}
            state.gaps += resolve_targets(state.sets, by_id, clients, pool)
    state.sets.sort(key=lambda s: (s.account, s.region, s.name))
    state.gaps.sort(key=lambda g: (g.account or "", g.region or "", g.set_name or "", g.what))
    return state


def _list_set_names(clients: aws.Clients, account: aws.Account, region: str) -> list:
    """Every set name of one account-region: one call per page, NextToken until there is none."""
    client = clients.get(account, region, "sesv2")
    names, token = [], None
    while True:
        page = client.list_configuration_sets(**({"NextToken": token} if token else {}))
        names += page.get("ConfigurationSets", [])
        token = page.get("NextToken")
        if not token:
            return names


def _read_set(client, account: str, region: str, name: str):
    """A ConfigurationSet from two calls, or a Gap saying which call failed and why.

    NotFoundException from either call means the set was deleted after it was listed: it no longer
    exists, so there is nothing to check and nothing left unread (None, not a Gap), as for a set
    created after the listing.
    """
    what = f"configuration set {name!r} (GetConfigurationSet)"
    try:
        raw = client.get_configuration_set(ConfigurationSetName=name)
        if not isinstance(raw.get("ConfigurationSetName"), str):
            return Gap(account, region, what, "malformed response: no ConfigurationSetName", name)
        what = f"event destinations of configuration set {name!r} (GetConfigurationSetEventDestinations)"
        destinations = client.get_configuration_set_event_destinations(ConfigurationSetName=name)
        entries = destinations.get("EventDestinations", [])
        if not all(isinstance(entry, dict) and isinstance(entry.get("Name"), str) for entry in entries):
            return Gap(account, region, what, "malformed response: an event destination without a Name", name)
    except aws.AWS_ERRORS as error:
        if aws.error_code(error) == "NotFoundException":  # deleted between list and get: nothing left to check
            return None
        return Gap(account, region, what, aws.describe_error(error), name)
    return build_set(account, region, raw, entries)


def build_set(account: str, region: str, raw: dict, destinations: list) -> ConfigurationSet:
    """The model of one set from the API's GetConfigurationSet and GetConfigurationSetEventDestinations."""
    name = raw.get("ConfigurationSetName")
    arn = set_arn(region, account, name)
    root = (f"ConfigurationSets[{name}]",)
    return ConfigurationSet(
        name=name,
        origin=LiveOrigin(root, arn),
        account=account,
        region=region,
        options={block: raw[block] for block in OPTION_BLOCKS if raw.get(block)},  # empty block = AWS default
        tags=tuple((tag["Key"], tag["Value"]) for tag in raw.get("Tags") or ()),
        destinations=tuple(
            _destination(entry, LiveOrigin(root + (f"EventDestinations[{entry['Name']}]",), arn))
            for entry in sorted(destinations, key=lambda d: d["Name"])
        ),
    )


def _destination(raw: dict, origin: LiveOrigin) -> EventDestination:
    types = raw.get("MatchingEventTypes")
    return EventDestination(
        name=raw["Name"],
        origin=origin,
        enabled=raw.get("Enabled"),
        matching_event_types=tuple(types) if types is not None else None,
        targets=tuple(Target(kind, dict(raw[kind.block])) for kind in TARGET_KINDS if raw.get(kind.block)),
    )


def gap_finding(gap: Gap) -> Finding:
    """An SG900 finding naming exactly what was not read (account, region, set or target) and why."""
    scope = ", ".join(
        part for part in (gap.account and f"account {gap.account}", gap.region and f"region {gap.region}") if part
    )
    message = f"not read: {gap.what}{f' in {scope}' if scope else ''}: {gap.reason}"
    if gap.set_name and gap.account and gap.region:
        logical_path, arn = f"ConfigurationSets[{gap.set_name}]", set_arn(gap.region, gap.account, gap.set_name)
    else:
        logical_path, arn = gap.arn or "/".join(p for p in ("sesv2", gap.account, gap.region) if p), gap.arn
    finding = pipeline_finding("SG900", message, Location(None, 1, 1, logical_path, arn), LiveOrigin.kind)
    finding.set_name, finding.account, finding.region = gap.set_name, gap.account, gap.region
    return finding


def gap_summary(gap: Gap) -> str:
    """One stderr line per gap (no credentials: only account ids, regions, names and error codes)."""
    where = "/".join(p for p in (gap.account or "?", gap.region or "*", gap.set_name) if p)
    return f"not covered: {where}: {gap.what}: {gap.reason}"
