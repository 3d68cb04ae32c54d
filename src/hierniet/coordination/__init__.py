"""State that every process of one deployment shares: rate limits, polling leases, the raid detector's turn.

Each piece is a small module with one interface and two implementations:

* `buckets`: token buckets (a platform's, a channel's calls per second) counted for all workers together;
* `leases`: "only one holder at a time" with expiry, renewal and release only by the holder (polling a
  channel, the raid detector's turn).

With `HIERNIET_REDIS_URL` set (hierniet.settings) the Redis implementations are shared by every worker on
every machine; unset, the in-memory ones are shared by the threads of this one process, which is all the
embedded one-process deployment has. `for_settings` is the one factory that picks; nothing connects at
import time.
"""

from __future__ import annotations

from hierniet.coordination.factory import Coordination, for_settings, for_url

__all__ = ["Coordination", "for_settings", "for_url"]
