"""How an error message shows a value a test gave: ``repr``, except for an int too long for it."""

from __future__ import annotations


def shown(value: object) -> str:
    """``repr(value)``; for an int too long to write out (over 4,300 digits, where ``repr``
    raises), its sign and length instead."""
    try:
        return repr(value)
    except ValueError:
        if isinstance(value, int):
            digits = value.bit_length() * 30103 // 100000  # log10(2): about how many digits
            return f"{'-' if value < 0 else ''}<an int of about {digits:,} digits>"
        raise


def repr_or_none(value: object) -> str | None:
    """``repr(value)``, or None where ``repr`` raises (an int over 4,300 digits)."""
    try:
        return repr(value)
    except ValueError:
        return None
