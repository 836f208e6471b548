"""FakeBatch's jobs: the job factories, the moves that take jobs through their lifecycle, and
reading jobs back.

Signatures and docstrings only: the factories' work lives in ``_job_seeding``, the moves' in
``_moves`` (batch jobs' ``_lifecycle`` or service jobs'), the reading in ``_inspection``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _inspection, _moves
from ._hints import snake_case_keywords

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._autopilot import Autopilot
    from ._job_seeding import JobSeeder
    from ._store import Store
    from .models import Job, JobStatus, ServiceJob, ServiceJobStatus


class _JobsApi:
    """The part of FakeBatch that adds, moves and reads jobs (see FakeBatch)."""

    if TYPE_CHECKING:  # set up and defined by FakeBatch (_fake.py)
        _store: Store
        _jobs: JobSeeder
        _autopilot: Autopilot

        @property
        def region(self) -> str: ...
        def _catch_up(self) -> None: ...

    @snake_case_keywords
    def add_job(
        self,
        job_queue: str = "default",
        *,
        job_name: str | None = None,
        status: JobStatus = "RUNNING",
        job_definition: str | None = None,
        created_at: int | None = None,
        started_at: int | None = None,
        stopped_at: int | None = None,
        status_reason: str | None = None,
        exit_code: int | None = None,
        share_identifier: str | None = None,
        region: str | None = None,
        container_reason: str | None = None,
    ) -> Job:
        """Add one job in ``status``; values left out are filled in consistently with it.

        ``job_queue`` and ``job_definition`` take a name or an ARN; a name not seen before creates
        the queue or job definition. Timestamps are epoch milliseconds.
        """
        return self.add_jobs(
            1,
            job_queue,
            job_name=job_name,
            status=status,
            job_definition=job_definition,
            created_at=created_at,
            started_at=started_at,
            stopped_at=stopped_at,
            status_reason=status_reason,
            exit_code=exit_code,
            share_identifier=share_identifier,
            region=region,
            container_reason=container_reason,
        )[0]

    @snake_case_keywords
    def add_jobs(
        self,
        count: int,
        job_queue: str = "default",
        *,
        job_name: str | None = None,
        status: JobStatus = "RUNNING",
        job_definition: str | None = None,
        created_at: int | None = None,
        started_at: int | None = None,
        stopped_at: int | None = None,
        status_reason: str | None = None,
        exit_code: int | None = None,
        share_identifier: str | None = None,
        region: str | None = None,
        container_reason: str | None = None,
    ) -> list[Job]:
        """Add ``count`` jobs that share these values, each with its own id and generated name.
        ``container_reason`` is a finished job's ``container.reason`` (its attempt's)."""
        return self._jobs.add_jobs(
            count,
            job_queue,
            job_name=job_name,
            status=status,
            job_definition=job_definition,
            created_at=created_at,
            started_at=started_at,
            stopped_at=stopped_at,
            status_reason=status_reason,
            exit_code=exit_code,
            share_identifier=share_identifier,
            region=region,
            container_reason=container_reason,
        )

    @snake_case_keywords
    def add_array_job(
        self,
        job_queue: str = "default",
        *,
        size: int,
        job_name: str | None = None,
        job_definition: str | None = None,
        status: JobStatus | None = None,
        child_statuses: JobStatus | Sequence[JobStatus] | None = None,
        created_at: int | None = None,
        region: str | None = None,
    ) -> Job:
        """Add an array job of ``size`` children (``<parentId>:<index>``); returns the parent.

        ``child_statuses`` is one status for every child or one per child (default RUNNING). The
        parent's status follows AWS's rule from its children unless given, and must agree with it.
        """
        return self._jobs.add_array_job(
            job_queue,
            size=size,
            job_name=job_name,
            job_definition=job_definition,
            status=status,
            child_statuses=child_statuses,
            created_at=created_at,
            region=region,
        )

    @snake_case_keywords
    def add_multinode_job(
        self,
        job_queue: str = "default",
        *,
        num_nodes: int,
        main_node: int = 0,
        job_name: str | None = None,
        job_definition: str | None = None,
        status: JobStatus = "RUNNING",
        node_statuses: JobStatus | Sequence[JobStatus] | None = None,
        created_at: int | None = None,
        region: str | None = None,
    ) -> Job:
        """Add a multi-node parallel job with ``num_nodes`` nodes (``<jobId>#<index>``).

        ``node_statuses`` is one status for every node or one per node (default: the job's status).
        The job's final status is its main node's, so the two must agree once either finished.
        """
        return self._jobs.add_multinode_job(
            job_queue,
            num_nodes=num_nodes,
            main_node=main_node,
            job_name=job_name,
            job_definition=job_definition,
            status=status,
            node_statuses=node_statuses,
            created_at=created_at,
            region=region,
        )

    # Moving jobs (nothing moves on its own)

    def set_status(
        self,
        job_id: str,
        status: JobStatus | ServiceJobStatus,
        *,
        reason: str | None = None,
        exit_code: int | None = None,
        container_reason: str | None = None,
    ) -> Job | ServiceJob:
        """Move a job forward to ``status`` (any later status, or FAILED), stamping startedAt and
        stoppedAt from the clock. ``reason`` becomes its statusReason; ``exit_code`` and
        ``container_reason`` (``container.reason``, e.g. ``CannotPullContainerError: ...``) are
        for a finished job. An array parent follows its children: move them instead. A service
        job (its id) moves the same way through its own statuses (SCHEDULED included); it has no
        container, so no ``container_reason``."""
        with self._store.lock:
            self._catch_up()  # steps due before this move come first
            return _moves.set_status(
                self._store,
                job_id,
                status,
                reason=reason,
                exit_code=exit_code,
                container_reason=container_reason,
            )

    def advance(self, job_id: str | None = None) -> list[Job | ServiceJob]:
        """Take one job (an array parent: each of its children), or every job that can move, one
        step as the scheduler would: SUBMITTED to PENDING (waiting on dependencies) or RUNNABLE,
        PENDING to RUNNABLE (or FAILED when a dependency failed), RUNNABLE to STARTING, STARTING
        to RUNNING. Service jobs go SUBMITTED, RUNNABLE, SCHEDULED (when a service environment
        has the capacity), STARTING, RUNNING. Returns the jobs that moved."""
        with self._store.lock:
            self._catch_up()  # steps due before this move come first
            return _moves.advance(self._store, job_id)

    def complete(
        self,
        job_id: str,
        *,
        exit_code: int = 0,
        reason: str | None = None,
        container_reason: str | None = None,
    ) -> Job | ServiceJob:
        """End the job's current attempt: SUCCEEDED for exit code 0; otherwise back to RUNNABLE
        while its retryStrategy allows another attempt, else FAILED. Runs the job first if it is
        not RUNNING yet; for an array parent, ends every unfinished child. ``reason`` is the
        statusReason, ``container_reason`` the attempt's ``container.reason``. For a service job,
        a non-zero exit code is a failed training job (``reason``: SageMaker's status); it has no
        container, so no ``container_reason``."""
        with self._store.lock:
            self._catch_up()  # steps due before this move come first
            return _moves.complete(
                self._store,
                job_id,
                exit_code=exit_code,
                reason=reason,
                container_reason=container_reason,
            )

    def run_all(self) -> None:
        """Run every job to its end, step by step, each attempt exiting 0, dependencies honoured:
        a job whose dependency failed fails too."""
        with self._store.lock:
            self._catch_up()  # steps due before this move come first
            _moves.run_all(self._store, self._autopilot.ending())

    # Inspection

    def get_job(self, job_id: str) -> Job:
        """The job with this id (array children and nodes included), as it is now."""
        with self._store.lock:
            self._catch_up()
            job = self._store.jobs.get(job_id)
        if job is None:
            raise ValueError(f"the fake has no job with id {job_id!r}")
        return job

    @property
    def jobs(self) -> list[Job]:
        """Every job, in the order it was added (finished jobs past their retention are gone)."""
        with self._store.lock:
            self._catch_up()
            return list(self._store.jobs.values())

    def jobs_in(self, queue: str, status: JobStatus | None = None) -> list[Job]:
        """The jobs of one queue (a name in the fake's region, or an ARN), as ListJobs lists
        them: array parents and multi-node jobs, not their children or nodes; in the order they
        were added; only those in ``status`` if given."""
        with self._store.lock:
            self._catch_up()
            return _inspection.jobs_in(self._store, self.region, queue, status)
