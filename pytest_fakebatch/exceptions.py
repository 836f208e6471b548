"""Exceptions the fake raises in the test's own process (AWS-side errors reach code as ClientError)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


class FakeBatchError(Exception):
    """Base class for the fake's own errors."""


class UnsupportedOperationError(FakeBatchError, NotImplementedError):
    """Code under test called a Batch operation the fake does not implement.

    The call fails in-process and is never sent to AWS.
    """

    def __init__(self, operation: str, supported: Iterable[str]) -> None:
        self.operation = operation
        self.supported = tuple(sorted(supported))
        super().__init__(
            f"pytest-fakebatch does not implement the Batch operation {operation!r}; "
            f"the call was not sent to AWS. Supported operations: {', '.join(self.supported)}."
        )
