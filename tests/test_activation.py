"""Entering and leaving fakes: nesting, leaks, and what is restored."""

from __future__ import annotations

import os

import botocore.session
import pytest

from pytest_fakebatch import FakeBatch


def test_ending_an_outer_fake_ends_inner_ones_left_active() -> None:
    environment = dict(os.environ)
    create_client = botocore.session.Session.create_client
    outer = FakeBatch(seed=1).__enter__()
    inner = FakeBatch(seed=2).__enter__()  # never exited: a test bug the fake must not spread

    with pytest.raises(
        RuntimeError, match=r"ended while fakes entered inside it were still active"
    ):
        outer.__exit__(None, None, None)

    assert not outer.active
    assert not inner.active
    assert dict(os.environ) == environment
    assert botocore.session.Session.create_client is create_client


def test_a_fake_cannot_be_entered_twice_or_exited_when_inactive() -> None:
    fake = FakeBatch()
    with fake, pytest.raises(RuntimeError, match="is already active"):
        fake.__enter__()
    with pytest.raises(RuntimeError, match="is not active"):
        fake.__exit__(None, None, None)
