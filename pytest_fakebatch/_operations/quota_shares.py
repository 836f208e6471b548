"""CreateQuotaShare, DescribeQuotaShare, ListQuotaShares, UpdateQuotaShare and DeleteQuotaShare,
and the seeding of quota shares (``FakeBatch.add_quota_share``).

A quota share is a virtual queue inside a quota-management job queue (SageMaker Training jobs,
submitted with SubmitServiceJob's ``quotaShareName``). The fake stores and describes them; nothing
is scheduled by them. Rules come from the API reference (API_CreateQuotaShare and friends,
QuotaShareCapacityLimit, QuotaShareResourceSharingConfiguration) and the user guide's quota-share
pages unless marked otherwise; every detail string marked "chosen" has no known real-service
wording (docs/fidelity.md lists them).

A quota share goes with its job queue: once the queue is deleted (even if one is created again
under its name) the share is gone. A share is live while its queue exists and was created before
it, so nothing has to be told when a queue goes.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from .. import _arns, _seeding
from .._errors import ServiceError, client_exception
from ..models import QuotaShare
from ._checks import (
    CAPACITY_LIMITS,
    EXISTS_DETAIL,
    STATES,
    Shape,
    answer,
    check_enum,
    check_name,
    check_shape,
    check_tags,
    check_types,
    page,
    required,
    tagged,
)
from .consumable import seeded_tags

if TYPE_CHECKING:
    from .._store import Store
    from ..models import JobQueue
    from ._answer import Answer

STRATEGIES: Final = ("RESERVE", "LEND", "LEND_AND_BORROW")
PREEMPTION_STATES: Final = ("ENABLED", "DISABLED")
#: "A maximum of 20 can be attached to any job queue."; "a quota share requires at least one
#: capacity limit be provided and supports a maximum of 5 capacity limits." (user guide)
MAX_PER_QUEUE: Final = 20
MAX_CAPACITY_LIMITS: Final = 5
#: "The default borrowLimit is -1, which indicates unlimited borrowing." (CloudFormation: minimum -1)
UNLIMITED_BORROWING: Final = -1
#: The queue type of quota management (user guide, "Create quota management resources").
QUOTA_MANAGEMENT_QUEUE_TYPE: Final = "SAGEMAKER_TRAINING"

_SHARING: Final[Shape] = {"strategy": str, "borrowLimit": int}
_PREEMPTION: Final[Shape] = {"inSharePreemption": str}
_SETTINGS: Final[dict[str, Shape]] = {
    "capacityLimits": CAPACITY_LIMITS,
    "resourceSharingConfiguration": _SHARING,
    "preemptionConfiguration": _PREEMPTION,
    "state": str,
}


# The operations


def create_quota_share(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    share, tags = quota_share_request(store, region, params)
    store.quota_shares[share.arn] = share
    store.created(share.arn, tags)
    return answer({"quotaShareName": share.name, "quotaShareArn": share.arn})


def describe_quota_share(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"quotaShareArn": str})
    share = _existing(store, region, required(params, "quotaShareArn"))
    detail = quota_share_detail(share)
    return answer(tagged(store, share.arn, detail))


def list_quota_shares(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"jobQueue": str, "maxResults": int, "nextToken": str})
    queue = _queue(store, region, required(params, "jobQueue"))
    shares = live_shares(store, queue)
    shown, token = page(store, "ListQuotaShares", (queue.arn,), shares, _arn, params)
    body: dict[str, Any] = {"quotaShares": [quota_share_detail(share) for share in shown]}
    if token is not None:
        body["nextToken"] = token
    return answer(body)


def update_quota_share(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"quotaShareArn": str, **_SETTINGS})
    share = _existing(store, region, required(params, "quotaShareArn"))
    properties = dict(share.properties)
    if "capacityLimits" in params:
        properties["capacityLimits"] = _capacity_limits(params["capacityLimits"])
    if "resourceSharingConfiguration" in params:
        properties["resourceSharingConfiguration"] = _sharing(
            params["resourceSharingConfiguration"]
        )
    if "preemptionConfiguration" in params:
        properties["preemptionConfiguration"] = _preemption(params["preemptionConfiguration"])
    state = params.get("state", share.state)
    check_enum("state", state, STATES)
    store.quota_shares[share.arn] = attrs.evolve(share, state=state, properties=properties)
    return answer({"quotaShareName": share.name, "quotaShareArn": share.arn})


def delete_quota_share(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"quotaShareArn": str})
    share = _existing(store, region, required(params, "quotaShareArn"))
    if share.state != "DISABLED":
        # "You must first disable submissions for the share by updating the state to DISABLED
        # using the UpdateQuotaShare operation."
        raise client_exception(  # chosen
            f"QuotaShare {share.name} must be DISABLED before it can be deleted."
        )
    del store.quota_shares[share.arn]
    store.tags.pop(share.arn, None)
    return answer({})


def quota_share_detail(share: QuotaShare) -> dict[str, Any]:
    """A ``QuotaShareDetail`` (DescribeQuotaShare adds the tags)."""
    return {
        "quotaShareName": share.name,
        "quotaShareArn": share.arn,
        "jobQueueArn": share.job_queue,
        **copy.deepcopy(dict(share.properties)),
        "state": share.state,
        "status": share.status,
    }


def live_shares(store: Store, queue: JobQueue) -> list[QuotaShare]:
    """The quota shares of ``queue``, in the order created."""
    order = store.created_order
    shares = [
        share
        for share in store.quota_shares.values()
        if share.job_queue == queue.arn and order[share.arn] > order[queue.arn]
    ]
    shares.sort(key=lambda share: order[share.arn])
    return shares


# Tags


def taggable(store: Store, region: str, arn: str) -> bool:
    share = store.quota_shares.get(arn)
    return share is not None and share.region == region and _live(store, share)


# Seeding and reading back (FakeBatch.add_quota_share, .quota_shares)


def in_created_order(store: Store) -> list[QuotaShare]:
    """Every live quota share of every job queue, in every region, in the order created."""
    order = store.created_order
    shares = [share for queue in store.queues() for share in live_shares(store, queue)]
    return sorted(shares, key=lambda share: order[share.arn])


def seeded(
    store: Store,
    region: str,
    name: str,
    *,
    job_queue: object,
    capacity_limits: object,
    resource_sharing_configuration: object,
    preemption_configuration: object,
    state: object,
    tags: object,
) -> QuotaShare:
    """Create a quota share for a test, checked as CreateQuotaShare checks it; a test author's
    mistake is a TypeError or ValueError."""
    _seeding.check_name("quota share name", name, _seeding.RESOURCE_NAME)
    if not isinstance(job_queue, str):
        raise TypeError(f"job_queue must be a job queue name or ARN, not {job_queue!r}")
    if store.find_queue(region, job_queue) is None:
        raise ValueError(f"no job queue {job_queue!r} in {region}; add it first with add_queue()")
    _seeding.check_state(state)
    if isinstance(capacity_limits, (str, bytes)) or not isinstance(capacity_limits, Sequence):
        raise TypeError(f"capacity_limits must be a list of mappings, not {capacity_limits!r}")
    limits = [_mapping("each of capacity_limits", limit) for limit in capacity_limits]
    request: dict[str, Any] = {
        "quotaShareName": name,
        "jobQueue": job_queue,
        "capacityLimits": copy.deepcopy(limits),
        "resourceSharingConfiguration": dict(
            _mapping("resource_sharing_configuration", resource_sharing_configuration)
        ),
        "preemptionConfiguration": dict(
            _mapping("preemption_configuration", preemption_configuration)
        ),
        "state": state,
        "tags": seeded_tags(tags),
    }
    try:
        share, checked_tags = quota_share_request(store, region, request)
    except ServiceError as refused:
        raise ValueError(f"invalid quota share {name!r}: {refused.detail}") from None
    store.quota_shares[share.arn] = share
    store.created(share.arn, checked_tags)
    return share


# Shared parts


def quota_share_request(
    store: Store, region: str, params: Mapping[str, Any]
) -> tuple[QuotaShare, dict[str, str]]:
    """A CreateQuotaShare request checked as the service checks it."""
    check_types(params, {"quotaShareName": str, "jobQueue": str, "tags": dict, **_SETTINGS})
    name = required(params, "quotaShareName")
    check_name("QuotaShare", name)
    queue = _queue(store, region, required(params, "jobQueue"))
    if (
        queue.properties.get("computeEnvironmentOrder")
        or queue.properties.get("jobQueueType", QUOTA_MANAGEMENT_QUEUE_TYPE)
        != QUOTA_MANAGEMENT_QUEUE_TYPE
    ):
        # Quota shares belong to quota-management (SageMaker Training) job queues.
        raise client_exception(  # chosen
            f"JobQueue {queue.name} is not a quota management job queue."
        )
    shares = live_shares(store, queue)
    if any(share.name == name for share in shares):
        raise client_exception(EXISTS_DETAIL)  # chosen: the other resources' wording
    if len(shares) >= MAX_PER_QUEUE:
        raise client_exception(  # chosen
            f"A job queue can have up to {MAX_PER_QUEUE} quota shares."
        )
    properties = {
        "capacityLimits": _capacity_limits(required(params, "capacityLimits")),
        "resourceSharingConfiguration": _sharing(required(params, "resourceSharingConfiguration")),
        "preemptionConfiguration": _preemption(required(params, "preemptionConfiguration")),
    }
    state = params.get("state", "ENABLED")  # "The default state is ENABLED."
    check_enum("state", state, STATES)
    tags = check_tags(params.get("tags") or {})
    share = QuotaShare(
        name=name,
        arn=_arns.arn(region, store.account_id, f"quota-share/{queue.name}/{name}"),
        region=region,
        job_queue=queue.arn,
        state=state,
        properties=properties,
    )
    return share, tags


def _capacity_limits(limits: Any) -> list[dict[str, Any]]:
    check_shape("capacityLimits", limits, CAPACITY_LIMITS)
    if not 1 <= len(limits) <= MAX_CAPACITY_LIMITS:
        raise client_exception(  # chosen
            f"A quota share needs 1 to {MAX_CAPACITY_LIMITS} capacity limits, got {len(limits)}."
        )
    units: set[str] = set()
    for limit in limits:
        unit, capacity = limit.get("capacityUnit"), limit.get("maxCapacity")
        if unit is None or capacity is None:
            # Both are required members of QuotaShareCapacityLimit.
            raise client_exception(  # chosen
                "Each capacity limit needs maxCapacity and capacityUnit."
            )
        if unit in units:
            raise client_exception(f"Capacity unit {unit} is given more than once.")  # chosen
        units.add(unit)
        if capacity < 1:
            raise client_exception(  # chosen
                f"maxCapacity must be at least 1, got {capacity}."
            )
    return [dict(limit) for limit in limits]


def _sharing(configuration: Any) -> dict[str, Any]:
    check_shape("resourceSharingConfiguration", configuration, _SHARING)
    strategy = configuration.get("strategy")
    check_enum("resourceSharingConfiguration strategy", strategy, STRATEGIES)
    borrow_limit = configuration.get("borrowLimit")
    if strategy != "LEND_AND_BORROW":
        if borrow_limit is not None:
            # "borrowLimit can only be applied to quota shares with a strategy of
            # LEND_AND_BORROW."
            raise client_exception(  # chosen
                f"borrowLimit applies only to the LEND_AND_BORROW strategy, not {strategy}."
            )
        return {"strategy": strategy}
    if borrow_limit is None:
        borrow_limit = UNLIMITED_BORROWING
    if borrow_limit < UNLIMITED_BORROWING:
        raise client_exception(  # chosen
            f"borrowLimit must be -1 (unlimited) or more, got {borrow_limit}."
        )
    return {"strategy": strategy, "borrowLimit": borrow_limit}


def _preemption(configuration: Any) -> dict[str, Any]:
    check_shape("preemptionConfiguration", configuration, _PREEMPTION)
    check_enum(
        "preemptionConfiguration inSharePreemption",
        configuration.get("inSharePreemption"),
        PREEMPTION_STATES,
    )
    return {"inSharePreemption": configuration["inSharePreemption"]}


def _queue(store: Store, region: str, reference: str) -> JobQueue:
    queue = store.find_queue(region, reference)
    if queue is None:
        # SubmitJob's observed wording.
        raise client_exception(f"JobQueue {reference} not found.")
    return queue


def _existing(store: Store, region: str, arn: str) -> QuotaShare:
    share = store.quota_shares.get(arn)
    if share is None or share.region != region or not _live(store, share):
        raise client_exception(f"QuotaShare {arn} not found.")  # chosen
    return share


def _live(store: Store, share: QuotaShare) -> bool:
    queue = store.find_queue(share.region, share.job_queue)
    order = store.created_order
    return queue is not None and order[share.arn] > order[queue.arn]


def _mapping(label: str, value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(
            f"{label} must be a mapping (a dict, camelCase as the API takes it), not {value!r}"
        )
    return value


def _arn(share: QuotaShare) -> str:
    return share.arn
