"""``sleep="fake"``: while such a fake is active, ``time.sleep`` and ``asyncio.sleep`` move its
clock instead of waiting.

The module attributes ``time.sleep`` and ``asyncio.sleep`` are replaced while at least one fake
with ``sleep="fake"`` is active, so every caller that looks them up at call time is covered, in
any thread: botocore's waiters (``time.sleep``), aiobotocore's (``asyncio.sleep``), and pollers
that ``import time``. A name bound before (``from time import sleep``) keeps the real function.

Each call asks which fake is active now: the innermost one, if it has ``sleep="fake"``, has its
clock moved; otherwise (an inner fake with real sleep, or none) the call really sleeps.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from typing import Any, Final, Literal, TypeVar

from . import _routing

_T = TypeVar("_T")

MODES: Final = ("real", "fake")

_real_sleep = time.sleep
_real_asyncio_sleep = asyncio.sleep
_lock = threading.Lock()
_installed = [0]  # how many active fakes asked for fake sleep


def check_mode(mode: object) -> Literal["real", "fake"]:
    if mode not in MODES:
        raise ValueError(f"sleep must be 'real' or 'fake', not {mode!r}")
    return mode  # type: ignore[return-value,unused-ignore]


def install() -> None:
    """A fake with ``sleep="fake"`` became active."""
    with _lock:
        if not _installed[0]:
            time.sleep = _fake_sleep  # type: ignore[assignment]
            asyncio.sleep = _fake_asyncio_sleep
        _installed[0] += 1


def uninstall() -> None:
    """A fake with ``sleep="fake"`` ended: the real functions are back once none is active."""
    with _lock:
        _installed[0] -= 1
        if not _installed[0]:
            time.sleep = _real_sleep
            asyncio.sleep = _real_asyncio_sleep


def _moves_clock(seconds: object) -> Any:
    """The active fake whose clock a sleep of ``seconds`` moves, or None (sleep really)."""
    fake = _routing.active_fake()
    if fake is None or fake.sleep != "fake":
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return None  # the real function raises what it raises for such a value
    if not 0 <= seconds < math.inf:
        return None
    return fake


def _fake_sleep(seconds: float, /) -> None:
    fake = _moves_clock(seconds)
    if fake is None:
        _real_sleep(seconds)
        return
    fake.clock.advance(seconds)
    _real_sleep(0)  # still let other threads run, as a sleep does


async def _fake_asyncio_sleep(delay: float, result: _T = None, **kwargs: Any) -> _T:  # type: ignore[assignment]
    fake = _moves_clock(delay)
    if fake is None:
        return await _real_asyncio_sleep(delay, result, **kwargs)
    fake.clock.advance(delay)
    return await _real_asyncio_sleep(0, result)  # still let other tasks run, as a sleep does
