"""Hybrid logical clock and version ids, shared by the desktop and the server.

A *stamp* is a 64-bit integer: the upper 48 bits are wall-clock milliseconds, the lower 16 a counter.
Stamps from one clock strictly increase, even when the wall clock steps backwards, and a clock that
receives a stamp moves past it, so a write made after seeing another always carries a larger stamp.

A *version id* names the op that wrote a value: ``"<stamp:016x>.<device>.<op_id>"``. Its identity is
the op id (the server may replace a far-future stamp by a canonical one, but never the op id); its
order, used only to pick a deterministic winner between concurrent values, is ``(stamp, device)``
(the op id breaks a tie, which only a clamped stamp can produce).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

COUNTER_BITS = 16
COUNTER_MASK = (1 << COUNTER_BITS) - 1
MAX_STAMP = (1 << 64) - 1


def stamp(millis: int, counter: int = 0) -> int:
    """Packs wall milliseconds and a counter into one stamp."""
    return (millis << COUNTER_BITS) | (counter & COUNTER_MASK)


def stamp_millis(value: int) -> int:
    """The wall-clock milliseconds part of a stamp."""
    return value >> COUNTER_BITS


def wall_millis() -> int:
    return time.time_ns() // 1_000_000


class HybridClock:
    """A hybrid logical clock (Kulkarni et al.).

    Args:
        last: the last stamp this clock issued or saw (persisted by the caller).
        now: returns wall-clock milliseconds; injectable for tests of skew.
    """

    def __init__(self, last: int = 0, now: Callable[[], int] = wall_millis) -> None:
        self._last = last
        self._now = now

    @property
    def last(self) -> int:
        return self._last

    def tick(self) -> int:
        """Returns a new stamp, larger than every stamp issued or seen so far."""
        candidate = stamp(self._now())
        self._last = candidate if candidate > self._last else self._last + 1
        return self._last

    def observe(self, remote: int) -> None:
        """Moves the clock past a stamp received from elsewhere."""
        if remote > self._last:
            self._last = remote


def new_op_id(now_ms: int | None = None) -> str:
    """A UUIDv7 (time-ordered) op id as 32 hex digits."""
    ms = wall_millis() if now_ms is None else now_ms
    rand_a = int.from_bytes(os.urandom(2), "big") & 0xFFF
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= rand_a << 64
    value |= 0b10 << 62  # RFC 9562 variant
    value |= rand_b
    return uuid.UUID(int=value).hex


def op_id_for(stamp_value: int, device: str) -> str:
    """The op id of a write: its stamp and its device, 32 hex digits.

    Unique because a device's stamps strictly increase (the clock is persisted with every write, and a
    laptop's sync moves it past everything the server has seen from it). Deterministic ids compress
    well on the wire, where random ones cost about ten bytes each, twice per op (its id and its base).
    """
    return f"{stamp_value:016x}{device}"


def new_device_id() -> str:
    """A random device id: 16 hex digits."""
    return os.urandom(8).hex()


@dataclass(frozen=True, slots=True)
class Version:
    """The version id of a field value: which op wrote it, when, on which device."""

    stamp: int
    device: str
    op_id: str

    def __str__(self) -> str:
        return f"{self.stamp:016x}.{self.device}.{self.op_id}"

    @classmethod
    def parse(cls, text: str) -> Version:
        try:
            stamp_hex, device, op_id = text.split(".")
            value = int(stamp_hex, 16)
        except ValueError as exc:
            raise ValueError(f"not a version id: {text!r}") from exc
        if not device or not op_id or value > MAX_STAMP:
            raise ValueError(f"not a version id: {text!r}")
        return cls(value, device, op_id)

    @property
    def order(self) -> tuple[int, str, str]:
        """The deterministic order used to choose between concurrent values (op id breaks ties)."""
        return (self.stamp, self.device, self.op_id)


def version_op(text: str) -> str:
    """The op id inside a version id (its identity)."""
    return text.rsplit(".", 1)[-1]


def version_order(text: str) -> tuple[int, str, str]:
    """Order key of a version id string, without building a Version (op id breaks ties)."""
    stamp_hex, device, op_id = text.split(".")
    return (int(stamp_hex, 16), device, op_id)


def with_stamp(text: str, new_stamp: int) -> str:
    """The same version (same op id) with a canonical stamp from the server."""
    _, device, op_id = text.split(".")
    return f"{new_stamp:016x}.{device}.{op_id}"
