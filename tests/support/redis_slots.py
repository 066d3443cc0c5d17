"""Each test session claims its own Redis database numbers, so parallel runs never share queues."""

from __future__ import annotations

import os
import uuid

import redis

FIRST_SLOT, LAST_SLOT = 1, 15  # 0 is left to `make run`
LEASE_SECONDS = 3 * 3600


class RedisSlots:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.claimed: list[int] = []
        self._control = redis.Redis.from_url(f"{base_url}/0")

    def claim(self) -> str:
        """A Redis URL on a database no other session uses; emptied before it is handed out."""
        for slot in range(FIRST_SLOT, LAST_SLOT + 1):
            key = f"teilhabe-test-slot:{slot}"
            self._free_if_owner_died(key)
            if self._control.set(key, self.owner, nx=True, ex=LEASE_SECONDS):
                self.claimed.append(slot)
                url = f"{self.base_url}/{slot}"
                redis.Redis.from_url(url).flushdb()
                return url
        raise RuntimeError("all Redis test databases are in use; wait for other test runs to finish")

    def _free_if_owner_died(self, key: str) -> None:
        owner = self._control.get(key)
        if owner is None:
            return
        pid = int(owner.split(b"-", 1)[0])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            self._control.delete(key)  # a killed run of this machine left it claimed
        except PermissionError:
            pass

    def release(self) -> None:
        for slot in self.claimed:
            key = f"teilhabe-test-slot:{slot}"
            if self._control.get(key) == self.owner.encode():
                self._control.delete(key)
        self.claimed.clear()
        self._control.close()
