"""Opaque next tokens.

A token records where a page ended (the last job's sort key) and a fingerprint of the query that made
it, so the next page resumes by bisection and a token cannot be replayed against another query.
Resuming from a key, not an offset, is what keeps a walk stable while jobs are added or change
status: a job present for the whole walk is returned exactly once.
"""

from __future__ import annotations

import base64
import binascii
import json
from json.encoder import encode_basestring_ascii as _json_string
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Hashable

    from ._store import SortKey

#: Longer than any token the fake makes; a longer one is refused before it is decoded.
_MAX_TOKEN = 512

_VERSION = 1


class InvalidToken(Exception):
    """The token is not one this query made."""


def fingerprint(*query: Hashable) -> str:
    """A short digest of everything that defines a query's result set (not its page size).

    Python's hash is enough: a token only has to be recognised by the fake that made it, in the
    process that made it, and this runs on every page.
    """
    return f"{hash(query) & 0xFFFF_FFFF_FFFF_FFFF:016x}"


def encode(query_fingerprint: str, last: SortKey) -> str:
    # json.dumps([_VERSION, query_fingerprint, *last], separators=(",", ":")), written out: the
    # fingerprint is hex, the tiebreak a job id or an int. This runs on every page.
    created_at, tiebreak = last
    text = _json_string(tiebreak) if type(tiebreak) is str else str(int(tiebreak))
    payload = f'[{_VERSION},"{query_fingerprint}",{int(created_at)},{text}]'
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode(token: str, query_fingerprint: str, tiebreak_type: type) -> SortKey:
    """The sort key a page ended on. Raises InvalidToken for garbage or another query's token.

    The key's second part is a job id (``str``) in a queue's index, a negated index (``int``) in a
    parent's: ``tiebreak_type`` says which the query's index holds.
    """
    if len(token) > _MAX_TOKEN:
        raise InvalidToken(token[:_MAX_TOKEN])
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        version, made_by, created_at, tiebreak = json.loads(raw)
    except (binascii.Error, ValueError, TypeError, RecursionError) as error:
        raise InvalidToken(token) from error
    if (
        version != _VERSION
        or made_by != query_fingerprint
        or type(created_at) is not int
        or type(tiebreak) is not tiebreak_type
    ):
        raise InvalidToken(token)
    return (created_at, tiebreak)  # type: ignore[return-value]  # its type was checked above
