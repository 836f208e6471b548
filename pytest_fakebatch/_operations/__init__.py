"""Operation handlers, dispatched by API name.

A handler takes the store, the region of the calling client and the request as the service decodes
it from the JSON body, and returns the response body, or raises ServiceError. A body may share
objects with the fake's caches (the fake never changes them); before the fast path hands a body to
code under test, the operation's copier makes a private copy. The wire path needs none: the body
is serialised and parsed anew.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from .._store import Store
from . import listing

Handler: TypeAlias = Callable[[Store, str, Mapping[str, Any]], dict[str, Any]]
Copier: TypeAlias = Callable[[dict[str, Any]], dict[str, Any]]

OPERATIONS: Mapping[str, Handler] = {
    "ListJobs": listing.list_jobs,
}
_COPIERS: Mapping[str, Copier] = {
    "ListJobs": listing.copy_response,
}


def copier(operation: str) -> Copier:
    """How to copy an operation's response body for the caller."""
    return _COPIERS.get(operation, copy.deepcopy)
