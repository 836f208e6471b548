"""What an operation handler returns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


# Not frozen: a frozen attrs class sets each field through object.__setattr__, and every request
# makes one of these. Nothing changes an Answer once a handler has returned it.
@attrs.define
class Answer:
    """A handler's response.

    ``body`` becomes the caller's own (the fast path hands it over as it is); ``record`` is what
    the call log keeps: the same content, sharing objects that nothing changes (the fake's
    caches), so code under test changing its response cannot change the log. A handler whose body
    shares nothing may leave ``record`` out. ``wire``, if given, makes the body's JSON text
    exactly as ``json.dumps(body)`` would, faster (from pieces the handler made once and kept).
    """

    body: dict[str, Any]
    record: Mapping[str, Any] | None = None
    wire: Callable[[], str] | None = None

    @property
    def logged(self) -> Mapping[str, Any]:
        return self.body if self.record is None else self.record
