"""Operation handlers, dispatched by API name.

A handler takes the store, the region of the calling client and the request as the service decodes
it from the JSON body, and returns an Answer (the response body, and what the call log keeps), or
raises ServiceError.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from .._store import Store
from ._answer import Answer
from .jobs import cancel_job, describe_jobs, submit_job, terminate_job
from .listing import list_jobs

Handler: TypeAlias = Callable[[Store, str, Mapping[str, Any]], Answer]

OPERATIONS: Mapping[str, Handler] = {
    "ListJobs": list_jobs,
    "SubmitJob": submit_job,
    "DescribeJobs": describe_jobs,
    "CancelJob": cancel_job,
    "TerminateJob": terminate_job,
}

__all__ = ["OPERATIONS", "Answer", "Handler"]
