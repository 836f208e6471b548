"""What the installed botocore's Batch model has: a response member it lacks is never sent.

The fast path hands a handler's body to the caller as it is, while botocore's parser drops members
its model lacks off the wire; leaving such members out keeps the two paths in agreement on every
botocore the project supports (a newer member, say ``isTerminated`` in a service job summary, is
absent from older models). Handlers run only while botocore is in use, so importing its loader
here costs nothing to a run that never calls Batch.
"""

from __future__ import annotations

import functools
import os


def members(shape: str) -> frozenset[str]:
    """The members of the Batch model's structure ``shape`` (empty if the model lacks it), as
    clients load the model: from ``AWS_DATA_PATH`` first, as botocore's sessions do."""
    return _members(shape, os.environ.get("AWS_DATA_PATH"))


@functools.cache
def _members(shape: str, data_path: str | None) -> frozenset[str]:
    from botocore.loaders import create_loader

    model = create_loader(data_path).load_service_model("batch", "service-2")
    found = model["shapes"].get(shape, {})
    return frozenset(found.get("members", ()))
