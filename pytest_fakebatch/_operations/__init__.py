"""Operation handlers, dispatched by API name.

A handler takes the store, the region of the calling client and the request as the service decodes
it from the JSON body, and returns the response body, or raises ServiceError.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from .._store import Store
from .listing import list_jobs

Handler: TypeAlias = Callable[[Store, str, Mapping[str, Any]], dict[str, Any]]

OPERATIONS: Mapping[str, Handler] = {
    "ListJobs": list_jobs,
}
