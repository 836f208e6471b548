"""The "fake_batch" section of a failed test's report: the Batch calls made and the fake's jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _arns

if TYPE_CHECKING:
    from ._fake import FakeBatch

#: Rows of the job table shown at most; the rest are counted.
MAX_JOB_ROWS = 50


def failure_section(fake: FakeBatch) -> str:
    calls = fake.calls
    lines = [f"seed: {fake.seed}", f"Batch calls ({len(calls)}):"]
    lines += [f"  {number}. {call.describe()}" for number, call in enumerate(calls, 1)] or [
        "  (none)"
    ]
    jobs = fake.jobs
    lines.append(f"jobs ({len(jobs)}):")
    if jobs:
        rows = [("job id", "name", "queue", "status")]
        rows += [
            (job.job_id, job.job_name, _arns.name_of(job.job_queue), job.status)
            for job in jobs[:MAX_JOB_ROWS]
        ]
        id_width, name_width, queue_width = (max(len(row[c]) for row in rows) for c in range(3))
        lines += [
            f"  {job_id:<{id_width}}  {name:<{name_width}}  {queue:<{queue_width}}  {status}"
            for job_id, name, queue, status in rows
        ]
        if len(jobs) > MAX_JOB_ROWS:
            lines.append(f"  ... and {len(jobs) - MAX_JOB_ROWS} more")
    else:
        lines.append("  (none)")
    return "\n".join(lines)
