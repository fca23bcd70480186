"""A bounded memory of recent values, safe to share between threads.

The least recently used value is dropped first (cachetools' LRU cache, behind a lock, since
cachetools' caches are not thread-safe themselves).
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

V = TypeVar("V")


class Recent(Generic[V]):
    """At most `size` values by key; reading a value makes it the most recently used."""

    def __init__(self, size: int) -> None:
        self._values: LRUCache[Hashable, V] = LRUCache(maxsize=max(1, size))
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            return self._values.get(key)

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._values[key] = value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
