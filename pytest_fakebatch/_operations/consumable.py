"""CreateConsumableResource, DescribeConsumableResource, ListConsumableResources,
UpdateConsumableResource, DeleteConsumableResource and ListJobsByConsumableResource; the checks of
the ``consumableResourceProperties`` RegisterJobDefinition and SubmitJob take; and the seeding of
consumable resources (``FakeBatch.add_consumable_resource``).

Rules come from the API reference (API_CreateConsumableResource and friends) and the user guide's
resource-aware scheduling pages unless marked otherwise; every detail string marked "chosen" has no
known real-service wording (docs/fidelity.md lists them). What running jobs hold is _holdings'.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from .. import _arns, _holdings, _pagination, _seeding
from .._errors import ServiceError, client_exception
from ..models import CONSUMABLE_RESOURCE_TYPES, JOB_STATUSES, ConsumableResource
from ._checks import (
    EXISTS_DETAIL,
    MAX_PAGE,
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

if TYPE_CHECKING:
    from .._store import Store
    from ..models import Job, JobDefinition
    from ._answer import Answer

#: UpdateConsumableResource's operations.
OPERATIONS: Final = ("SET", "ADD", "REMOVE")
#: "You can specify up to 5 resources for each job you define." (user guide)
MAX_PER_JOB: Final = 5
#: "A clientToken is valid for 8 hours." (API_UpdateConsumableResource)
TOKEN_LIFETIME_MS: Final = 8 * 3600 * 1000
#: ListConsumableResources's filter; ListJobsByConsumableResource's.
RESOURCE_FILTERS: Final = ("CONSUMABLE_RESOURCE_NAME",)
JOB_FILTERS: Final = ("JOB_STATUS", "JOB_NAME")

#: consumableResourceProperties, as RegisterJobDefinition and SubmitJob take it.
PROPERTIES_SHAPE: Final[Shape] = {
    "consumableResourceList": [{"consumableResource": str, "quantity": int}]
}
_FILTERS_SHAPE: Final[Shape] = [{"name": str, "values": [str]}]


# The operations


def create_consumable_resource(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    resource, tags = consumable_resource_request(store, region, params)
    store.consumable_resources[resource.arn] = resource
    store.consumable_holders[resource.arn] = {}
    store.created(resource.arn, tags)
    return answer({"consumableResourceName": resource.name, "consumableResourceArn": resource.arn})


def describe_consumable_resource(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"consumableResource": str})
    resource = _existing(store, region, required(params, "consumableResource"))
    detail: dict[str, Any] = {
        "consumableResourceName": resource.name,
        "consumableResourceArn": resource.arn,
        "totalQuantity": resource.total_quantity,
        "inUseQuantity": resource.in_use_quantity,
        "availableQuantity": resource.available_quantity,
        "resourceType": resource.resource_type,
        "createdAt": resource.created_at,
    }
    return answer(tagged(store, resource.arn, detail))


def list_consumable_resources(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"filters": _FILTERS_SHAPE, "maxResults": int, "nextToken": str})
    filters = _filters(params.get("filters"), RESOURCE_FILTERS)
    patterns = [_name_pattern(value) for value in filters.get("CONSUMABLE_RESOURCE_NAME", ())]
    resources = [
        resource
        for resource in store.consumable_resources.values()
        if resource.region == region
        and (not patterns or any(_name_matches(p, resource.name) for p in patterns))
    ]
    order = store.created_order
    resources.sort(key=lambda resource: order[resource.arn])
    query = (region, tuple(sorted((name, tuple(v)) for name, v in filters.items())))
    shown, token = page(store, "ListConsumableResources", query, resources, _arn, params)
    body: dict[str, Any] = {
        "consumableResources": [
            {
                "consumableResourceArn": resource.arn,
                "consumableResourceName": resource.name,
                "totalQuantity": resource.total_quantity,
                "inUseQuantity": resource.in_use_quantity,
                "resourceType": resource.resource_type,
            }
            for resource in shown
        ]
    }
    if token is not None:
        body["nextToken"] = token
    return answer(body)


def update_consumable_resource(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(
        params,
        {"consumableResource": str, "operation": str, "quantity": int, "clientToken": str},
    )
    resource = _existing(store, region, required(params, "consumableResource"))
    operation = params.get("operation", "SET")  # chosen: the model does not require it
    check_enum("operation", operation, OPERATIONS)
    quantity = required(params, "quantity")
    if quantity < 0:
        # "Must be a non-negative value."
        raise client_exception(f"quantity must not be negative, got {quantity}.")  # chosen
    if not _first_time(store, resource, params):
        # "Both requests will succeed, but the update will only happen once."
        return _updated(store.consumable_resources[resource.arn])
    total = {
        "SET": quantity,
        "ADD": resource.total_quantity + quantity,
        "REMOVE": resource.total_quantity - quantity,
    }[operation]
    if total < 0:
        raise client_exception(  # chosen
            f"ConsumableResource {resource.name} has a total quantity of "
            f"{resource.total_quantity}: {quantity} cannot be removed."
        )
    resource = attrs.evolve(resource, total_quantity=total)
    store.consumable_resources[resource.arn] = resource
    return _updated(resource)


def delete_consumable_resource(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"consumableResource": str})
    resource = _existing(store, region, required(params, "consumableResource"))
    # "You can delete a consumable resource at any time, even when the jobs that require the
    # resource are still running": what they hold is forgotten with it.
    del store.consumable_resources[resource.arn]
    store.consumable_holders.pop(resource.arn, None)
    store.tags.pop(resource.arn, None)
    return answer({})


def list_jobs_by_consumable_resource(
    store: Store, region: str, params: Mapping[str, Any]
) -> Answer:
    check_types(
        params,
        {
            "consumableResource": str,
            "filters": _FILTERS_SHAPE,
            "maxResults": int,
            "nextToken": str,
        },
    )
    resource = _existing(store, region, required(params, "consumableResource"))
    filters = _filters(params.get("filters"), JOB_FILTERS)
    statuses = filters.get("JOB_STATUS")
    for status in statuses or ():
        check_enum("JOB_STATUS filter value", status, JOB_STATUSES)
    patterns = [_name_pattern(value) for value in filters.get("JOB_NAME", ())]
    max_results = params.get("maxResults")
    limit = MAX_PAGE if max_results is None else max_results
    if not 1 <= limit <= MAX_PAGE:
        raise client_exception(  # chosen, as for the Describe* operations
            f"maxResults must be between 1 and {MAX_PAGE}, got {max_results}."
        )
    fingerprint = _pagination.fingerprint(
        "ListJobsByConsumableResource",
        resource.arn,
        tuple(sorted((name, tuple(v)) for name, v in filters.items())),
    )
    after: tuple[int, str] | None = None
    token = params.get("nextToken")
    if token:  # "" asks for the first page, as for ListJobs
        try:
            after = _pagination.decode(token, fingerprint, str)  # type: ignore[assignment]
        except _pagination.InvalidToken:
            raise client_exception(  # chosen, as for the Describe* operations
                "Invalid nextToken: use the token a previous ListJobsByConsumableResource call "
                "with the same parameters returned."
            ) from None
    # Newest first, as ListJobs; a page resumes after the last job's (createdAt, jobId).
    matching: list[tuple[tuple[int, str], Job, int]] = []
    for job in store.jobs.values():
        quantity = _quantity(store, region, job, resource.arn)
        if (
            quantity is not None
            and (statuses is None or job.status in statuses)
            and (not patterns or any(_name_matches(p, job.job_name) for p in patterns))
        ):
            key = (job.created_at, job.job_id)
            if after is None or key < after:
                matching.append((key, job, quantity))
    matching.sort(key=lambda item: item[0], reverse=True)
    shown = matching[:limit]
    body: dict[str, Any] = {"jobs": [_job_summary(job, n) for _, job, n in shown]}
    if len(matching) > limit:
        body["nextToken"] = _pagination.encode(fingerprint, shown[-1][0])
    return answer(body)


# What jobs require


def check_properties(store: Store, region: str, properties: Any, member: str) -> dict[str, Any]:
    """``consumableResourceProperties`` (or an override, named ``member``) checked: up to 5
    resources, each existing in the region, named once, with a quantity of at least 1."""
    check_shape(member, properties, PROPERTIES_SHAPE)
    entries = properties.get("consumableResourceList") or []
    if len(entries) > MAX_PER_JOB:
        raise client_exception(  # chosen
            f"A job can require up to {MAX_PER_JOB} consumable resources, got {len(entries)}."
        )
    seen: set[str] = set()
    for entry in entries:
        reference, quantity = entry.get("consumableResource"), entry.get("quantity")
        if reference is None or quantity is None:
            raise client_exception(  # chosen
                "Each consumableResourceList entry needs consumableResource and quantity."
            )
        resource = _existing(store, region, reference)
        if resource.arn in seen:
            raise client_exception(  # chosen
                f"ConsumableResource {resource.name} is listed more than once."
            )
        seen.add(resource.arn)
        if quantity < 1:
            raise client_exception(  # chosen
                f"The quantity of consumable resource {resource.name} must be at least 1, "
                f"got {quantity}."
            )
    return copy.deepcopy(dict(properties))


def job_requirements(
    store: Store, region: str, definition: JobDefinition, params: Mapping[str, Any]
) -> dict[str, Any]:
    """What a submitted job requires, for its spec (empty: nothing). The definition's list, with
    SubmitJob's ``consumableResourcePropertiesOverride`` replacing the quantity of each resource
    it names and adding the ones the definition lacks (chosen)."""
    given = definition.properties.get(_holdings.SPEC_KEY)
    override = params.get("consumableResourcePropertiesOverride")
    if override is None and not given:
        return {}
    entries = [dict(entry) for entry in (given or {}).get("consumableResourceList") or ()]
    if override is not None:
        checked = check_properties(store, region, override, "consumableResourcePropertiesOverride")
        position = {
            _arn_of(store, region, e["consumableResource"]): i for i, e in enumerate(entries)
        }
        for entry in checked.get("consumableResourceList") or ():
            index = position.get(_arn_of(store, region, entry["consumableResource"]))
            if index is None:
                entries.append(dict(entry))
            else:
                entries[index] = dict(entry)
        if len(entries) > MAX_PER_JOB:
            raise client_exception(  # chosen
                f"A job can require up to {MAX_PER_JOB} consumable resources, got {len(entries)}."
            )
    return {_holdings.SPEC_KEY: {"consumableResourceList": entries}}


# Tags


def taggable(store: Store, region: str, arn: str) -> bool:
    resource = store.consumable_resources.get(arn)
    return resource is not None and resource.region == region


# Seeding and reading back (FakeBatch.add_consumable_resource, .consumable_resources)


def in_created_order(store: Store) -> list[ConsumableResource]:
    """Every consumable resource, in every region, in the order created."""
    order = store.created_order
    return sorted(store.consumable_resources.values(), key=lambda resource: order[resource.arn])


def seeded(
    store: Store,
    region: str,
    name: str,
    *,
    total_quantity: object,
    resource_type: object,
    tags: object,
) -> ConsumableResource:
    """Create a consumable resource for a test, checked as CreateConsumableResource checks it;
    a test author's mistake is a TypeError or ValueError."""
    _seeding.check_name("consumable resource name", name, _seeding.RESOURCE_NAME)
    if isinstance(total_quantity, bool) or not isinstance(total_quantity, int):
        raise TypeError(f"total_quantity must be an int, not {total_quantity!r}")
    if resource_type not in CONSUMABLE_RESOURCE_TYPES:
        raise ValueError(
            f"resource_type must be 'REPLENISHABLE' or 'NON_REPLENISHABLE', not {resource_type!r}"
        )
    request = {
        "consumableResourceName": name,
        "totalQuantity": total_quantity,
        "resourceType": resource_type,
        "tags": seeded_tags(tags),
    }
    if _holdings.find(store, region, name) is not None:
        raise ValueError(f"a consumable resource named {name!r} already exists in {region}")
    try:
        resource, checked_tags = consumable_resource_request(store, region, request)
    except ServiceError as refused:
        raise ValueError(f"invalid consumable resource {name!r}: {refused.detail}") from None
    store.consumable_resources[resource.arn] = resource
    store.consumable_holders[resource.arn] = {}
    store.created(resource.arn, checked_tags)
    return resource


def seeded_tags(tags: object) -> dict[str, str]:
    """A factory's ``tags``: a mapping of strings (TypeError), within the service's limits
    (ValueError)."""
    if tags is None:
        return {}
    if not isinstance(tags, Mapping) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in tags.items()
    ):
        raise TypeError(f"tags must map strings to strings, not {tags!r}")
    try:
        return check_tags(dict(tags))
    except ServiceError as refused:
        raise ValueError(f"invalid tags: {refused.detail}") from None


# Shared parts


def consumable_resource_request(
    store: Store, region: str, params: Mapping[str, Any]
) -> tuple[ConsumableResource, dict[str, str]]:
    """A CreateConsumableResource request checked as the service checks it."""
    check_types(
        params,
        {"consumableResourceName": str, "totalQuantity": int, "resourceType": str, "tags": dict},
    )
    name = required(params, "consumableResourceName")
    check_name("ConsumableResource", name)
    if _holdings.find(store, region, name) is not None:
        # "Must be unique."; the wording is the other resources' (chosen).
        raise client_exception(EXISTS_DETAIL)
    total = params.get("totalQuantity", 0)  # chosen: the model does not require it
    if total < 0:
        # "Must be non-negative."
        raise client_exception(f"totalQuantity must not be negative, got {total}.")  # chosen
    resource_type = params.get("resourceType", "REPLENISHABLE")  # "REPLENISHABLE (default)"
    check_enum("resourceType", resource_type, CONSUMABLE_RESOURCE_TYPES)
    tags = check_tags(params.get("tags") or {})
    resource = ConsumableResource(
        name=name,
        arn=_holdings.resource_arn(store, region, name),
        region=region,
        resource_type=resource_type,
        total_quantity=total,
        created_at=store.clock.now_ms(),
    )
    return resource, tags


def _existing(store: Store, region: str, reference: str) -> ConsumableResource:
    resource = _holdings.find(store, region, reference)
    if resource is None:
        # As the other resources' "not found" (chosen).
        raise client_exception(f"ConsumableResource {reference} not found.")
    return resource


def _arn_of(store: Store, region: str, reference: str) -> str:
    resource = _holdings.find(store, region, reference)
    return resource.arn if resource is not None else reference


def _quantity(store: Store, region: str, job: Job, arn: str) -> int | None:
    """How much of the resource ``arn`` one instance of ``job`` requires (None: it does not),
    for jobs of ``region`` that hold resources themselves (see _holdings.requirements)."""
    needs = _holdings.requirements(job)
    if not needs or _arns.region_of(job.job_queue) != region:
        return None
    for reference, quantity in needs:
        if reference == arn or _holdings.resource_arn(store, region, reference) == arn:
            return quantity
    return None


def _job_summary(job: Job, quantity: int) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "jobArn": job.job_arn,
        "jobQueueArn": job.job_queue,
        "jobName": job.job_name,
        "jobDefinitionArn": job.job_definition,
        "jobStatus": job.status,
        "quantity": quantity,
        "createdAt": job.created_at,
        "consumableResourceProperties": copy.deepcopy(dict(job.spec[_holdings.SPEC_KEY])),
    }
    if job.share_identifier is not None:
        summary["shareIdentifier"] = job.share_identifier
    if job.status_reason is not None:
        summary["statusReason"] = job.status_reason
    if job.started_at is not None:
        summary["startedAt"] = job.started_at
    return summary


def _filters(given: Any, names: tuple[str, ...]) -> dict[str, list[str]]:
    """Filters by name: each name known (case-sensitive), given once, with at least one
    non-empty value; a resource or job matches every filter, and a filter if any value matches
    (chosen: the reference does not say how values combine)."""
    filters: dict[str, list[str]] = {}
    for entry in given or ():
        name, values = entry.get("name"), entry.get("values")
        check_enum("filter name", name, names)
        if name in filters:
            raise client_exception(f"Filter {name} is given more than once.")  # chosen
        if not values or not all(values):
            raise client_exception(f"Filter {name} needs at least one value.")  # chosen
        filters[name] = list(values)
    return filters


def _name_pattern(value: str) -> tuple[str, bool]:
    """A name filter value: case-insensitive; a trailing ``*`` makes it a prefix."""
    prefix = value.endswith("*")
    return (value[:-1] if prefix else value).lower(), prefix


def _name_matches(pattern: tuple[str, bool], name: str) -> bool:
    text, prefix = pattern
    return name.lower().startswith(text) if prefix else name.lower() == text


def _first_time(store: Store, resource: ConsumableResource, params: Mapping[str, Any]) -> bool:
    """False for a repeat of an earlier update (same clientToken, same payload, within 8
    hours); records the token otherwise. The same token with another payload is refused."""
    token = params.get("clientToken")
    if token is None:
        return True
    tokens = store.consumable_tokens
    now = store.clock.now_ms()
    payload = (params.get("operation", "SET"), params.get("quantity"))
    seen = tokens.get((resource.arn, token))
    if seen is not None and now - seen[1] < TOKEN_LIFETIME_MS:
        if seen[0] != payload:
            raise client_exception(  # chosen
                f"clientToken {token} was already used with different parameters."
            )
        return False
    tokens[(resource.arn, token)] = (payload, now)
    return True


def _updated(resource: ConsumableResource) -> Answer:
    return answer(
        {
            "consumableResourceName": resource.name,
            "consumableResourceArn": resource.arn,
            "totalQuantity": resource.total_quantity,
        }
    )


def _arn(resource: ConsumableResource) -> str:
    return resource.arn
