"""``fake_batch_block``: a Batch call made while no fake is active fails at once, rather than
reaching AWS (in a test that forgot the fixture, or after the tests: an ``atexit`` hook).

No botocore here: the plugin sets the switch when pytest is configured. It stays on after the
session ends, so calls made at interpreter exit are refused too.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from .exceptions import BlockedCallError

# One setting per pytest session configured in this process, innermost last (pytester runs
# sessions inside a session). The outermost one is never taken off: atexit hooks run after it.
_settings: list[bool] = []


def push(block: bool) -> None:
    _settings.append(block)


def pop() -> None:
    if len(_settings) > 1:
        _settings.pop()


def blocking() -> bool:
    """Whether Batch calls made while no fake is active are refused now."""
    return bool(_settings and _settings[-1])


def check(operation: str, url: str) -> None:
    """Refuse a Batch call made while no fake is active, if the block is on; a call to a loopback
    endpoint (a standalone ``pytest-fakebatch serve``, say) cannot reach AWS, so it goes on."""
    if blocking() and not _is_loopback(url):
        raise BlockedCallError(operation)


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name: only localhost is known to stay on this machine
        return False
