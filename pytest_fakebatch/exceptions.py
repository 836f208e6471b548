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


class UnhandledCallError(FakeBatchError, AssertionError):
    """Raised at a test's teardown: code under test called operations the fake does not implement.

    Each of those calls already failed with UnsupportedOperationError; this fails the test again,
    so code that swallowed the error cannot hide it. ``@pytest.mark.fake_batch(allow_unsupported=True)``
    opts out.
    """

    def __init__(self, operations: Iterable[str]) -> None:
        self.operations = tuple(operations)
        listed = "\n".join(f"  - {operation}" for operation in self.operations)
        super().__init__(
            "code under test called Batch operations pytest-fakebatch does not implement; each "
            f"call failed with UnsupportedOperationError and was not sent to AWS:\n{listed}\n"
            "If the test expects that, mark it @pytest.mark.fake_batch(allow_unsupported=True)."
        )


class BlockedCallError(FakeBatchError):
    """Code called AWS Batch while no FakeBatch was active, and ``fake_batch_block`` is on.

    The call fails before anything is signed or sent.
    """

    def __init__(self, operation: str) -> None:
        self.operation = operation
        super().__init__(
            f"pytest-fakebatch blocked the AWS Batch call {operation!r}: no FakeBatch is active, "
            "and fake_batch_block = true (or --fake-batch-block) refuses Batch calls made "
            "outside a fake. The call was not sent to AWS. Use the fake_batch fixture, mark the "
            "test @pytest.mark.fake_batch, or enter `with FakeBatch():` around the call."
        )
