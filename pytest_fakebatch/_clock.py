"""The fake's clock, in epoch milliseconds."""

from __future__ import annotations

import math
import time
from typing import Final

from ._shown import shown

#: The moments the fake can answer at: a response's ``Date`` header names the day, and HTTP dates
#: (like Python's) run from year 1 to year 9999. ``set`` and ``advance`` refuse to leave them.
MIN_MS: Final = -62_135_596_800_000  # 0001-01-01T00:00:00Z
MAX_MS: Final = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z


def check_ms(label: str, ms: object) -> int:
    """``ms`` if it is epoch milliseconds the fake can render (an int from year 1 to 9999)."""
    if isinstance(ms, bool) or not isinstance(ms, int):
        raise TypeError(f"{label} takes epoch milliseconds as an int, not {shown(ms)}")
    if not MIN_MS <= ms <= MAX_MS:
        raise ValueError(
            f"{label} must be epoch milliseconds from year 1 to 9999 ({MIN_MS} to {MAX_MS}), "
            f"not {shown(ms)}"
        )
    return ms


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
        self._frozen_at = check_ms("Clock.set()", ms)

    def advance(self, seconds: float) -> None:
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise TypeError(f"Clock.advance() takes a number of seconds, not {shown(seconds)}")
        if isinstance(seconds, float) and not math.isfinite(seconds):
            raise ValueError(
                f"Clock.advance() takes a finite number of seconds, not {shown(seconds)}"
            )
        if seconds < 0:
            raise ValueError(f"the clock only moves forward; got {shown(seconds)} seconds")
        # Whole seconds stay ints (exact at any size); a float's product may overflow to inf.
        product = seconds * 1000
        if isinstance(product, float) and not math.isfinite(product):
            product = MAX_MS + 1  # too far: refused below
        step = round(product)
        if self.now_ms() + step > MAX_MS:
            raise ValueError(
                f"Clock.advance({shown(seconds)}) would move the clock past year 9999, the last "
                "moment the fake can answer at"
            )
        if self._frozen_at is not None:
            self._frozen_at += step
        else:
            self._offset_ms += step
