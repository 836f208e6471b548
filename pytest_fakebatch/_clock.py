"""The fake's clock, in epoch milliseconds."""

from __future__ import annotations

import time


class Clock:
    """Reads ``time.time_ns()`` by default, so time-machine and freezegun move it too.

    ``set`` freezes it at a moment; ``advance`` moves it forward, frozen or not.
    """

    def __init__(self) -> None:
        self._frozen_at: int | None = None
        self._offset_ms = 0

    def now_ms(self) -> int:
        if self._frozen_at is not None:
            return self._frozen_at
        return time.time_ns() // 1_000_000 + self._offset_ms

    def set(self, ms: int) -> None:
        if isinstance(ms, bool) or not isinstance(ms, int):
            raise TypeError(f"Clock.set() takes epoch milliseconds as an int, not {ms!r}")
        self._frozen_at = ms

    def advance(self, seconds: float) -> None:
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise TypeError(f"Clock.advance() takes a number of seconds, not {seconds!r}")
        if seconds < 0:
            raise ValueError(f"the clock only moves forward; got {seconds!r} seconds")
        step = round(seconds * 1000)
        if self._frozen_at is not None:
            self._frozen_at += step
        else:
            self._offset_ms += step
