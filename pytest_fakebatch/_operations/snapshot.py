"""GetJobQueueSnapshot: the front of a queue (its RUNNABLE jobs in the order they would be
dispatched) and the capacity its dispatched jobs use, computed from the jobs the fake holds.

"The first 100 RUNNABLE jobs in the job queue are listed in order of dispatch ... For
first-in-first-out (FIFO) job queues, jobs are ordered based on their submission time. For job
queues with an attached fair-share scheduling (FSS) or quota-share policy, jobs are ordered based
on their job priority and share usage." (API_GetJobQueueSnapshot, FrontOfQueueDetail). How the
fake models "share usage" and "capacity" is written down in docs/fidelity.md; in short:

- a job's capacity is its vCPUs (container ``resourceRequirements`` VCPU, or ``vcpus``; a
  multi-node job's, every node's; an EKS job's CPU requests, unit ``cpu``);
- capacity is in use while a job is STARTING or RUNNING ("already dispatched jobs");
- a share's usage is its jobs' capacity in use times the share's weight factor ("The AWS Batch
  scheduler tracks usage for each share identifier by using the (T * weightFactor) formula ...
  The scheduler picks jobs with the lowest usage", user guide, share identifiers), without the
  decay over time (nothing runs for a time in the fake);
- within a share, a higher scheduling priority goes first, then the older job.
"""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING, Any, Final

from .._errors import client_exception
from ._checks import answer, check_types, required
from .scheduling import fair_share_policy, weight_factor

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from .._store import Store
    from ..models import Job, JobQueue, JobStatus
    from ._answer import Answer

#: "The first 100 RUNNABLE jobs in the job queue are listed in order of dispatch."
FRONT: Final = 100
#: FairshareUtilizationDetail.topCapacityUtilization: "the top 20 shares".
TOP_SHARES: Final = 20
_DISPATCHED: Final[tuple[JobStatus, ...]] = ("STARTING", "RUNNING")


def get_job_queue_snapshot(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"jobQueue": str})
    reference = required(params, "jobQueue")
    queue = store.find_queue(region, reference)
    if queue is None:
        raise client_exception(f"JobQueue {reference} not found.")  # as ListJobs says it
    now = store.clock.now_ms()
    policy = fair_share_policy(store, queue)
    # On a FIFO queue only the oldest 100 can be at the front: the index keeps each status's
    # jobs oldest first, and each array's children by index, so no more are read.
    runnable = list(_jobs_in(store, queue, ("RUNNABLE",), FRONT if policy is None else None))
    dispatched = list(_jobs_in(store, queue, _DISPATCHED))
    unit = "cpu" if queue.properties.get("jobQueueType") == "EKS" else "VCPU"

    usage: dict[str, float] = {}
    total: dict[str, float] = {unit: 0.0}
    for job in dispatched:
        job_unit, quantity = capacity(store, job)
        total[job_unit] = total.get(job_unit, 0.0) + quantity
        share = job.share_identifier or ""
        usage[share] = usage.get(share, 0.0) + quantity

    if policy is None:
        front = sorted(runnable, key=_fifo_key)[:FRONT]
    else:
        front = _fair_share_order(store, policy, runnable, usage)
    utilization: dict[str, Any] = {
        "totalCapacityUsage": [
            {"capacityUnit": name, "quantity": quantity} for name, quantity in total.items()
        ],
        "lastUpdatedAt": now,
    }
    if policy is not None:
        active = sorted(
            ((share, quantity) for share, quantity in usage.items() if quantity > 0),
            key=lambda item: (-item[1], item[0]),
        )
        utilization["fairshareUtilization"] = {
            "activeShareCount": len(active),
            "topCapacityUtilization": [
                {
                    "shareIdentifier": share,
                    "capacityUsage": [{"capacityUnit": unit, "quantity": quantity}],
                }
                for share, quantity in active[:TOP_SHARES]
            ],
        }
    return answer(
        {
            # earliestTimeAtPosition is left out: the fake does not record when a job reached
            # its place in the queue.
            "frontOfQueue": {
                "jobs": [{"jobArn": job.job_arn} for job in front],
                "lastUpdatedAt": now,
            },
            "queueUtilization": utilization,
        }
    )


def capacity(store: Store, job: Job) -> tuple[str, float]:
    """The capacity a job uses while it runs: (unit, quantity)."""
    spec = job.spec
    definition = store.find_job_definition_arn(job.job_definition)
    properties: Mapping[str, Any] = definition.properties if definition is not None else {}
    eks = spec.get("eksProperties") or properties.get("eksProperties")
    if eks is not None:
        return "cpu", _eks_cpus(eks)
    nodes = spec.get("nodeProperties") or properties.get("nodeProperties")
    if job.num_nodes is not None and nodes is not None:
        return "VCPU", _node_vcpus(nodes, job.num_nodes)
    container = spec.get("container") or properties.get("containerProperties") or {}
    return "VCPU", _container_vcpus(container)


def _jobs_in(
    store: Store, queue: JobQueue, statuses: tuple[JobStatus, ...], oldest: int | None = None
) -> Iterator[Job]:
    """The queue's jobs in these statuses that take capacity themselves: top-level jobs
    (multi-node jobs as a whole) and array children, never array parents. With ``oldest``, at
    most that many of each status and each array (the oldest, and the children of lowest index:
    enough for the FIFO front)."""
    index = store.queue_index(queue)
    jobs = store.jobs
    for status in statuses:
        keys = index.keys(status)
        for _, job_id in keys if oldest is None else keys[:oldest]:
            job = jobs[str(job_id)]
            if job.array_size is None:
                yield job
    # An array parent is PENDING while its children are under way.
    for _, parent_id in index.keys("PENDING"):
        children = store.child_index(str(parent_id))
        if children is None or jobs[str(parent_id)].array_size is None:
            continue
        for status in statuses:
            # A parent's keys are (createdAt, -index): the lowest indexes come last.
            keys = children.keys(status)
            for _, negated_index in keys if oldest is None else keys[-oldest:]:
                yield jobs[f"{parent_id}:{-int(negated_index)}"]


def _fifo_key(job: Job) -> tuple[int, str, int]:
    # Submission time; an array's children in index order after their parent's createdAt.
    parent_id = job.parent_id
    if parent_id is not None and job.array_index is not None:
        return (job.created_at, parent_id, job.array_index)
    return (job.created_at, job.job_id, -1)


def _fair_share_order(
    store: Store, policy: Mapping[str, Any], runnable: list[Job], usage: dict[str, float]
) -> list[Job]:
    """Dispatch order under a fair-share policy: each turn, the share with the lowest weighted
    usage dispatches its next job (highest scheduling priority, then oldest), and its usage
    grows by that job's capacity."""
    by_share: dict[str, list[tuple[int, tuple[int, str, int], Job]]] = {}
    definition_priorities: dict[str, int] = {}  # most jobs share a few definitions
    for job in runnable:
        entry = (-_priority(store, job, definition_priorities), _fifo_key(job), job)
        by_share.setdefault(job.share_identifier or "", []).append(entry)
    for share, entries in by_share.items():
        # No share dispatches more than the front holds.
        by_share[share] = heapq.nsmallest(FRONT, entries, key=lambda entry: entry[:2])
    weights = {share: weight_factor(policy, share) for share in by_share}
    used = {share: usage.get(share, 0.0) for share in by_share}
    positions = dict.fromkeys(by_share, 0)
    # Ties between shares: the share whose next job is older goes first (chosen).
    turns = [(used[s] * weights[s], entries[0][1], s) for s, entries in by_share.items()]
    heapq.heapify(turns)
    front: list[Job] = []
    while turns and len(front) < FRONT:
        _, _, share = heapq.heappop(turns)
        entries = by_share[share]
        job = entries[positions[share]][2]
        front.append(job)
        positions[share] += 1
        used[share] += capacity(store, job)[1]
        if positions[share] < len(entries):
            next_key = entries[positions[share]][1]
            heapq.heappush(turns, (used[share] * weights[share], next_key, share))
    return front


def _priority(store: Store, job: Job, by_definition: dict[str, int]) -> int:
    """The job's scheduling priority: SubmitJob's (override or definition), else, for a seeded
    job, its job definition's; 0 without one."""
    priority = job.spec.get("schedulingPriority")
    if priority is not None:
        return int(priority)
    arn = job.job_definition
    if arn not in by_definition:
        definition = store.find_job_definition_arn(arn)
        found = definition.properties.get("schedulingPriority") if definition else None
        by_definition[arn] = int(found or 0)
    return by_definition[arn]


def _container_vcpus(container: Mapping[str, Any]) -> float:
    for requirement in container.get("resourceRequirements") or ():
        if requirement.get("type") == "VCPU":
            return _number(requirement.get("value"))
    return _number(container.get("vcpus"))


def _node_vcpus(nodes: Mapping[str, Any], num_nodes: int) -> float:
    """Every node's vCPUs: each node runs the container of the first node range naming it."""
    ranges = []
    for node_range in nodes.get("nodeRangeProperties") or ():
        bounds = _target_nodes(str(node_range.get("targetNodes", "")), num_nodes)
        if bounds is not None:
            ranges.append((bounds, _container_vcpus(node_range.get("container") or {})))
    total = 0.0
    for node in range(num_nodes):
        total += next((vcpus for (low, high), vcpus in ranges if low <= node <= high), 0.0)
    return total


def _target_nodes(target: str, num_nodes: int) -> tuple[int, int] | None:
    # "0:", ":3", "2:5" or "4" (NodeRangeProperty.targetNodes).
    low, colon, high = target.partition(":")
    try:
        first = int(low) if low else 0
        last = (int(high) if high else num_nodes - 1) if colon else first
    except ValueError:
        return None
    return first, last


def _eks_cpus(eks: Mapping[str, Any]) -> float:
    total = 0.0
    for container in (eks.get("podProperties") or {}).get("containers") or ():
        resources = container.get("resources") or {}
        cpu = (resources.get("requests") or {}).get("cpu") or (resources.get("limits") or {}).get(
            "cpu"
        )
        if isinstance(cpu, str) and cpu.endswith("m"):
            total += _number(cpu[:-1]) / 1000
        else:
            total += _number(cpu)
    return total


def _number(value: Any) -> float:
    """A vCPU count as the definition gives it ("2", "0.25", 2); 0 if it is not a number."""
    if isinstance(value, bool) or value is None:
        return 0.0
    try:
        number = float(value) if isinstance(value, (int, float)) else float(str(value)[:64])
    except (ValueError, OverflowError):
        return 0.0
    return number if math.isfinite(number) and number >= 0 else 0.0
