"""pytest-fakebatch: an in-process, faithful fake of AWS Batch for tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._calls import Call, CallError
    from ._fake import FakeBatch
    from ._server import FakeBatchServer
    from .exceptions import (
        BlockedCallError,
        FakeBatchError,
        UnhandledCallError,
        UnsupportedOperationError,
    )
    from .models import (
        ComputeEnvironment,
        ConsumableResource,
        Job,
        JobDefinition,
        JobQueue,
        QuotaShare,
        SchedulingPolicy,
        ServiceEnvironment,
        ServiceJob,
    )

__all__ = [
    "BlockedCallError",
    "Call",
    "CallError",
    "ComputeEnvironment",
    "ConsumableResource",
    "FakeBatch",
    "FakeBatchError",
    "FakeBatchServer",
    "Job",
    "JobDefinition",
    "JobQueue",
    "QuotaShare",
    "SchedulingPolicy",
    "ServiceEnvironment",
    "ServiceJob",
    "UnhandledCallError",
    "UnsupportedOperationError",
]

# Loaded on first use: ``pytest_fakebatch.models`` and ``pytest_fakebatch.strategies`` must import
# without botocore, and importing them runs this file first.
_EXPORTS = {
    "BlockedCallError": ".exceptions",
    "Call": "._calls",
    "CallError": "._calls",
    "ComputeEnvironment": ".models",
    "FakeBatch": "._fake",
    "FakeBatchError": ".exceptions",
    "FakeBatchServer": "._server",
    "UnhandledCallError": ".exceptions",
    "UnsupportedOperationError": ".exceptions",
    "Job": ".models",
    "JobDefinition": ".models",
    "JobQueue": ".models",
    "ConsumableResource": ".models",
    "QuotaShare": ".models",
    "ServiceEnvironment": ".models",
    "ServiceJob": ".models",
    "SchedulingPolicy": ".models",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_fakebatch' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module, __name__), name)


def __dir__() -> list[str]:
    return sorted(__all__)
