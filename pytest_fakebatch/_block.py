"""``fake_batch_block``: a Batch call made while no fake is active fails at once, rather than
reaching AWS (in a test that forgot the fixture, or after the tests: an ``atexit`` hook).

No botocore here: the plugin sets the switch when pytest is configured. It stays on after the
session ends, so calls made at interpreter exit are refused too.
"""

from __future__ import annotations

from .exceptions import BlockedCallError

# One setting per pytest session configured in this process, innermost last (pytester runs
# sessions inside a session). The outermost one is never taken off: atexit hooks run after it.
_settings: list[bool] = []


def push(block: bool) -> None:
    _settings.append(block)


def pop() -> None:
    if len(_settings) > 1:
        _settings.pop()


def check(operation: str) -> None:
    """Refuse a Batch call made while no fake is active, if the block is on."""
    if _settings and _settings[-1]:
        raise BlockedCallError(operation)
