"""The outbox worker: queued actions out to the platforms, exactly once, one platform's trouble its own.

A decision (or an automatic step) leaves rows in `queued_actions` (hierniet.services.actions). The worker
(`hierniet worker`, `run_once` per round) does, for each due row:

1. **claim**: a compare-and-set UPDATE sets `claimed_by`, `claimed_at`, `lease_until` (and, the first time,
   an `idempotency_key`). Only one worker wins a row; a row whose lease ran out can be claimed again.
   The row stays `queued` while claimed, so a person's later decision can still cancel it.
2. **mark sent**: `sent_at` and `attempts + 1` are committed *before* the platform call (refused when the
   row was cancelled or the lease lost meanwhile: then nothing is sent).
3. **call** the connector (`apply`), through the platform's token bucket (and the channel's, where its config
   sets `rate`), one thread per platform, so a platform that hangs or refuses delays only its own actions.
   The buckets are shared by every worker (hierniet.coordination: Redis with HIERNIET_REDIS_URL, else this
   process): four workers together keep to one platform's rate.
4. **record** the outcome on the row in one transaction with its audit line: `done` / `failed` with
   `outcome`, `platform_ref`, `finished_at`; or back to `queued` with `not_before` pushed out by exponential
   backoff with jitter (or the platform's Retry-After). The other due actions of a platform that answered
   429 or 5xx are put back unsent with the same delay.

Polling a channel takes its lease first (hierniet.coordination.leases): one worker polls a channel at a time, and
a worker whose lease ran out mid-poll does not store its cursor over the next holder's. The raid detector runs
in the worker that takes the interval's turn, not in every worker.

After a crash, a row claimed with `sent_at` set is **in doubt**: the platform may have carried it out.
Unless the platform deduplicates on the idempotency key, the connector looks first (`check_applied`): the
effect found -> recorded done without a second call; not found -> sent; cannot tell -> sent again only if
the action is idempotent (hide twice = hidden), else the row fails "in doubt" for a person to check. A 5xx or a
timeout also leaves the row in doubt (the platform may have acted before failing); a 429 does not.

Outcomes live on the queued action (decisions are append-only) and are shown with the decision.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from hierniet import coordination
from hierniet.connectors import base
from hierniet.coordination.buckets import acquire
from hierniet.coordination.leases import take_turn
from hierniet.services import alerts, connections, crisis, privacy
from hierniet.services import credentials as creds
from hierniet.services.actions import ActionStatus
from hierniet.services.auth import Actor, Role
from hierniet.services.ingest import Classifier
from hierniet.settings import Settings
from hierniet.store import connector_repo as crepo
from hierniet.store import repo, repo_insight
from hierniet.store.tables import Channel, utcnow

log = logging.getLogger("hierniet.worker")

#: Calls per second per platform by default: well under each platform's documented limits, which differ by
#: app and account; a channel's platform can be given another rate with `--rate platform=N`.
DEFAULT_RATES: Mapping[str, float] = {
    "facebook": 2.0,
    "instagram": 2.0,
    "youtube": 1.0,
    "mastodon": 1.0,
    "bluesky": 2.0,
    "linkedin": 0.5,
    "tiktok": 1.0,
    "x": 0.5,
}


#: Seconds between two folds of the queue counts' rows (hierniet.store.repo.compact_comment_counts).
COUNTS_FOLD_INTERVAL_S = 60.0


@dataclass
class WorkerOptions:
    """How the worker behaves; the CLI's options map onto these."""

    worker_id: str = field(default_factory=lambda: f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}")
    batch: int = 100
    lease_s: float = 300.0
    max_attempts: int = 8
    backoff_base_s: float = 10.0
    backoff_max_s: float = 3600.0
    rates: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))
    poll: bool = True
    poll_interval_s: float = 120.0
    # How long a worker holds a channel's polling lease at most (released as soon as the poll ends); longer
    # than any poll takes (a streaming catch-up listens for seconds), short enough that a killed worker's
    # channels are polled again soon.
    poll_lease_s: float = 300.0
    idle_sleep_s: float = 5.0
    # Run the retention purge (hierniet.services.privacy) when a day has passed since the last one.
    retention: bool = True
    # Look for raids (hierniet.services.raids) every Settings.raid_detect_interval_s (0 there: never).
    raids: bool = True
    # Send the queued actions and the alerts, and take comments into open crises (`--role outbox|all`); False
    # for a worker that only polls (`--role poll`).
    send: bool = True


@dataclass
class RoundReport:
    """What one round did: counts by outcome, and the polls."""

    claimed: int = 0
    done: int = 0
    failed: int = 0
    retried: int = 0
    put_back: int = 0
    skipped: int = 0
    polls: list[connections.PollReport] = field(default_factory=list)
    # The counts of the retention purge this round applied, if it was due (PrivacyReport.counts()).
    retention: dict[str, int] | None = None
    # Alerts to the lead delivered, retried and given up this round (hierniet.services.alerts).
    alerts: alerts.AlertReport = field(default_factory=alerts.AlertReport)
    # What the raid detector found this round, if it ran (hierniet.services.raids.DetectionReport).
    raids: Any = None
    # Comments taken into open crises this round (hierniet.services.crisis.pull_open_crises).
    crisis_posts: int = 0

    def add(self, other: RoundReport) -> None:
        self.claimed += other.claimed
        self.done += other.done
        self.failed += other.failed
        self.retried += other.retried
        self.put_back += other.put_back
        self.skipped += other.skipped
        self.polls += other.polls
        self.retention = other.retention or self.retention
        self.raids = other.raids or self.raids
        self.alerts.claimed += other.alerts.claimed
        self.alerts.done += other.alerts.done
        self.alerts.retried += other.alerts.retried
        self.alerts.failed += other.alerts.failed
        self.crisis_posts += other.crisis_posts


def backoff(attempts: int, options: WorkerOptions, retry_after: float | None, rng: random.Random) -> float:
    """Seconds until the next try: the platform's Retry-After (plus up to 10 % jitter, so workers do not all
    come back at once), else exponential from `backoff_base_s`, capped, with "equal jitter" (half fixed)."""
    if retry_after is not None and retry_after > 0:
        return retry_after * (1.0 + 0.1 * rng.random())
    ceiling = min(options.backoff_max_s, options.backoff_base_s * float(2 ** max(0, attempts - 1)))
    return ceiling / 2 + rng.random() * ceiling / 2


class Worker:
    """Carries queued actions out and polls channels. `run_once()` is one round; `run()` loops until stopped."""

    def __init__(
        self,
        store: repo.Store,
        settings: Settings,
        options: WorkerOptions | None = None,
        *,
        triage: Callable[[], Classifier] | None = None,
        http: httpx.Client | None = None,
        rng: random.Random | None = None,
        sleep: Callable[[float], None] = time.sleep,
        make_detector: Callable[[Any], Any] | None = None,
        crisis_reader: crisis.Reader | None = None,
        shared: coordination.Coordination | None = None,
        queue: Any = None,
    ) -> None:
        self.store = store
        # Rate limits, polling leases and the raid detector's turn, shared with the other workers (Redis) or
        # with this process's threads (memory); None: what HIERNIET_REDIS_URL says.
        self.shared = shared or coordination.for_settings(settings)
        # The ingest queue (hierniet.streams) that polls append to when Redis is set; None: polls ingest here.
        self.queue = queue
        # Loaded on the first crisis card it reads: a worker with no open crisis never loads the model.
        self.crisis_reader: crisis.Reader = crisis_reader or crisis.LazyReader()
        self.settings = settings
        self.options = options or WorkerOptions()
        self.triage = triage
        self._http = http
        self.rng = rng or random.Random()
        self.sleep = sleep
        # Calls per second of a channel whose connector config sets `rate` (below its platform's rate).
        self._channel_rates: dict[int, float] = {}
        self.stop = threading.Event()
        # The raid detector's factory (None: the real one) and when it last ran (its state lives in the store).
        self.make_detector = make_detector
        self._raids_at: float | None = None
        self.clock: Callable[[], float] = time.monotonic

    # ------------------------------------------------------------------ loop

    def run(self, *, max_rounds: int | None = None) -> RoundReport:
        total = RoundReport()
        rounds = 0
        while not self.stop.is_set():
            report = self.run_once()
            total.add(report)
            rounds += 1
            if max_rounds is not None and rounds >= max_rounds:
                break
            if report.claimed == 0:
                self.stop.wait(self.options.idle_sleep_s)
        return total

    def run_once(self, *, now: datetime | None = None) -> RoundReport:
        """One round: poll the channels that are due, then send the due actions (one batch)."""
        report = RoundReport()
        if self.options.retention:
            report.retention = self._retention(now)
        self._fold_counts()
        with self._client() as http:
            due = []
            if self.options.poll and self.triage is not None:
                due = connections.due_for_poll(self.store, self.options.poll_interval_s, now=now)
            # Polls run beside the actions, one thread per channel: a streaming channel (Mastodon, Bluesky)
            # listens for seconds, and neither the other channels nor the outbox may wait for it.
            with ThreadPoolExecutor(max_workers=max(1, min(8, len(due))), thread_name_prefix="hn-poll") as pool:
                polls = [pool.submit(self._poll, channel, http, now) for channel in due]
                if self.options.send:
                    report.add(self._send_batch(http, now))
                report.polls.extend(r for future in polls if (r := future.result()) is not None)
                # After the polls, so their comments are read this round, and before the alerts, so a new raid's
                # alert leaves in the same round.
                report.raids = self._raids(now)
                if self.options.send:
                    report.alerts = self._alerts(http, now)
            if self.options.send:
                report.crisis_posts = self._crisis(http, [c.id for c in due])
        return report

    def _raids(self, now: datetime | None) -> Any:
        """One run of the raid detector when `raid_detect_interval_s` has passed since the last one."""
        interval = self.settings.raid_detect_interval_s
        if not self.options.raids or interval <= 0:
            return None
        if self._raids_at is not None and self.clock() - self._raids_at < interval:
            return None
        self._raids_at = self.clock()
        # One worker of all per interval: the others would read the same comments and raise the same raids.
        try:
            if not take_turn(self.shared.leases, "raids", interval):
                return None
        except Exception:  # the shared store is down: skip this turn rather than run it everywhere
            log.exception("could not take the raid detector's turn")
            return None
        from hierniet.services import raids  # the detector and its service only load when raids are looked for

        try:
            return raids.run_detection(
                self.store,
                now,
                make_detector=self.make_detector,
                close_after=timedelta(minutes=self.settings.raid_close_after_minutes),
            )
        except Exception:  # the outbox must go on; the comments are read again from the stored cursor next time
            log.exception("looking for raids failed")
            return None

    def _fold_counts(self) -> None:
        """Fold the queue counts' and the insight counts' appended rows (store.repo.compact_comment_counts,
        store.repo_insight.compact), once a minute by one worker of all: GET /api/v1/counts then sums a few
        thousand rows however much was ingested, and the dashboard a few rows per channel and day."""
        try:
            if not take_turn(self.shared.leases, "fold_counts", COUNTS_FOLD_INTERVAL_S):
                return
            with self.store.transaction() as tx:
                repo.compact_comment_counts(tx)
            with self.store.transaction() as tx:
                repo_insight.compact(tx)
        except Exception:  # the counts stay right, only slower to sum; tried again next minute
            log.exception("folding the queue counts failed")

    def _crisis(self, http: httpx.Client, due: list[int]) -> int:
        """Open crises take in the comments that arrived since the last round (polls, webhooks, imports), and
        the posts with their hashtags through the channels polled this round."""
        actor = Actor(user_id=None, name=f"worker:{self.options.worker_id}"[:100], role=Role.ADMIN)
        try:
            reports = crisis.pull_open_crises(
                self.store, actor, self.crisis_reader, settings=self.settings, http=http, stream_channel_ids=due
            )
        except Exception:  # the outbox must go on; the crises read from where they stopped next round
            log.exception("taking comments into the open crises failed")
            return 0
        return sum(r.added for r in reports.values())

    def _alerts(self, http: httpx.Client, now: datetime | None) -> alerts.AlertReport:
        options = alerts.DeliveryOptions(worker_id=self.options.worker_id)
        try:
            return alerts.deliver_due(self.store, self.settings, http, options, now=now, rng=self.rng)
        except Exception:  # the outbox must go on; the alerts are tried again next round
            log.exception("delivering alerts failed")
            return alerts.AlertReport()

    def _retention(self, now: datetime | None) -> dict[str, int] | None:
        """The daily purge; its schedule is the audit log's last "privacy.retention" entry, shared by workers."""
        if not privacy.retention_due(self.store, now):
            return None
        actor = Actor(user_id=None, name=f"worker:{self.options.worker_id}"[:100], role=Role.ADMIN)
        try:
            return privacy.run_retention(self.store, actor, apply=True, now=now).counts()
        except Exception:  # the outbox must go on; the purge is tried again next round
            log.exception("the retention purge failed")
            return None

    @contextmanager
    def _client(self) -> Iterator[httpx.Client]:
        if self._http is not None:
            yield self._http
            return
        with base.http_client() as client:
            yield client

    def _poll(self, channel: Channel, http: httpx.Client, now: datetime | None = None) -> connections.PollReport | None:
        """Poll one channel under its lease; None when another worker holds it (or just polled it)."""
        assert self.triage is not None
        leases = self.shared.leases
        try:
            lease = leases.acquire(f"poll:{channel.id}", self.options.poll_lease_s)
        except Exception as exc:  # the shared store is down: polling without the lease could poll twice
            log.exception("could not take the polling lease of channel %s", channel.id)
            return connections.PollReport(channel.id, channel.platform, error=f"no lease: {type(exc).__name__}")
        if lease is None:
            return None
        try:
            # Another worker may have polled it between our list of due channels and the lease.
            if not connections.still_due(self.store, channel.id, self.options.poll_interval_s, now=now):
                return None
            return connections.poll_channel(
                self.store,
                self.settings,
                self.triage,
                channel,
                http,
                keep=lambda: leases.renew(lease),
                queue=self.queue,
            )
        except Exception as exc:  # one channel's failure must not stop the round
            log.exception("polling channel %s failed", channel.id)
            return connections.PollReport(channel.id, channel.platform, error=f"{type(exc).__name__}: {exc}")
        finally:
            try:
                leases.release(lease)
            except Exception:  # it expires by itself
                log.warning("could not release the polling lease of channel %s", channel.id)

    # ------------------------------------------------------------------ actions

    def _wait_for_rate(self, platform: str, channel_id: int) -> None:
        """Take a token of the channel's bucket (where it has a rate) and of its platform's, shared by every
        worker: the platform sees one rate however many workers send."""
        buckets = self.shared.buckets
        channel_rate = self._channel_rates.get(channel_id, 0.0)
        if channel_rate > 0:
            acquire(buckets, f"channel:{channel_id}", channel_rate, sleep=self.sleep)
        acquire(buckets, f"platform:{platform}", self.options.rates.get(platform, 1.0), sleep=self.sleep)

    def _claim(self, now: datetime) -> list[crepo.ClaimedAction]:
        me = self.options.worker_id
        lease = now + timedelta(seconds=self.options.lease_s)
        with self.store.session() as s:
            candidates = crepo.due_actions(s, now, self.options.batch)
        won: list[int] = []
        for action_id in candidates:
            # One short transaction per row: a competing worker waits on one row at most.
            with self.store.transaction() as tx:
                if crepo.claim(tx, action_id, me, now, lease, f"hn-{uuid.uuid4().hex}"):
                    won.append(action_id)
        with self.store.session() as s:
            return crepo.claimed(s, me, won)

    def _send_batch(self, http: httpx.Client, now: datetime | None) -> RoundReport:
        claimed = self._claim(now or utcnow())
        report = RoundReport(claimed=len(claimed))
        if not claimed:
            return report
        by_platform: dict[str, list[crepo.ClaimedAction]] = {}
        for action in claimed:
            by_platform.setdefault(action.platform, []).append(action)
        # A thread per platform: a platform that is slow, down or rate limited holds up only its own actions.
        with ThreadPoolExecutor(max_workers=len(by_platform), thread_name_prefix="hierniet-outbox") as pool:
            for part in pool.map(lambda item: self._send_platform(item[0], item[1], http), by_platform.items()):
                report.add(part)
        return report

    def _send_platform(self, platform: str, actions: list[crepo.ClaimedAction], http: httpx.Client) -> RoundReport:
        report = RoundReport()
        connectors: dict[int, base.Connector | Exception] = {}
        paused_until: datetime | None = None
        pause_reason = ""
        for action in actions:
            if paused_until is not None:
                self._put_back(action, paused_until, pause_reason)
                report.put_back += 1
                continue
            connector = connectors.get(action.channel_id)
            if connector is None:
                connector = connectors[action.channel_id] = self._connector(action.channel_id, http)
            outcome = self._carry_out(action, connector)
            if outcome is None:
                report.skipped += 1
                continue
            delay = self._record(action, outcome)
            if outcome.kind is base.OutcomeKind.DONE:
                report.done += 1
            elif outcome.kind is base.OutcomeKind.FAILED or delay is None:
                report.failed += 1
            else:
                report.retried += 1
                # The platform is refusing or down: the rest of its batch waits as long, unsent.
                paused_until = utcnow() + timedelta(seconds=delay)
                pause_reason = outcome.detail
        return report

    def _connector(self, channel_id: int, http: httpx.Client) -> base.Connector | Exception:
        with self.store.session() as s:
            channel = repo.get_channel(s, channel_id)
        if channel is None:
            return base.ConfigError(f"channel {channel_id} is gone")
        rate = (channel.connector_config or {}).get("rate")
        if isinstance(rate, int | float) and rate > 0:
            self._channel_rates[channel_id] = float(rate)
        try:
            return connections.open_connector(self.store, self.settings, channel, http)
        except (base.ConfigError, creds.CredentialsError) as exc:
            return base.ConfigError(str(exc))

    def _outbox_action(self, action: crepo.ClaimedAction) -> base.OutboxAction:
        return base.OutboxAction(
            id=action.id,
            action=action.action,
            comment_external_id=action.comment_external_id,
            payload=action.payload,
            idempotency_key=action.idempotency_key,
            thread_external_id=action.thread_external_id,
            parent_external_id=action.parent_external_id,
            author_external_id=action.author_external_id,
            attempt=action.attempts + 1,
        )

    def _carry_out(
        self, action: crepo.ClaimedAction, connector: base.Connector | Exception
    ) -> base.ActionOutcome | None:
        """The outcome of one action, or None when it must not be sent (cancelled meanwhile, lease lost)."""
        if isinstance(connector, Exception):
            return base.outcome_for_error(connector)
        out = self._outbox_action(action)
        if action.in_doubt and not connector.sends_idempotency_keys:
            # Look first, even for an action that is safe to repeat: the platform then sees it once.
            try:
                applied = connector.check_applied(out)
            except Exception as exc:
                return base.outcome_for_error(exc)
            if applied is True:
                return base.ActionOutcome.done("found carried out on the platform after an interrupted attempt")
            if applied is None and action.action not in connector.idempotent_actions:
                return base.ActionOutcome.failed(
                    "in doubt: an earlier attempt was interrupted and the platform cannot be asked whether it "
                    "took effect; check on the platform, then queue it again if it is missing"
                )
        now = utcnow()
        with self.store.transaction() as tx:
            if not crepo.mark_sending(
                tx, action.id, self.options.worker_id, now, now + timedelta(seconds=self.options.lease_s)
            ):
                return None
        self._wait_for_rate(action.platform, action.channel_id)
        try:
            return connector.apply(out)
        except Exception as exc:
            if not isinstance(exc, base.ConnectorError):
                log.exception("connector %s failed on action %s", action.platform, action.id)
            return base.outcome_for_error(exc)

    def _record(self, action: crepo.ClaimedAction, outcome: base.ActionOutcome) -> float | None:
        """Store the outcome; the backoff delay when the action goes back to the queue, else None."""
        now = utcnow()
        attempts = action.attempts + 1
        values: dict[str, Any]
        delay: float | None = None
        if outcome.kind is base.OutcomeKind.DONE:
            values = {
                "status": ActionStatus.DONE,
                "outcome": outcome.detail or "done",
                "platform_ref": outcome.platform_ref,
                "finished_at": now,
                "last_error": None,
            }
        elif outcome.kind is base.OutcomeKind.FAILED or attempts >= self.options.max_attempts:
            detail = outcome.detail
            if outcome.kind is base.OutcomeKind.RETRY:
                detail = f"gave up after {attempts} attempts: {detail}"
            values = {"status": ActionStatus.FAILED, "outcome": detail, "finished_at": now, "last_error": detail}
        else:
            delay = backoff(attempts, self.options, outcome.retry_after, self.rng)
            values = {
                "status": ActionStatus.QUEUED,
                "not_before": now + timedelta(seconds=delay),
                "last_error": outcome.detail,
            }
            # 429 means the call was refused unread; any other retry may have reached the platform.
            if outcome.unsent:
                values["sent_at"] = None
        with self.store.transaction() as tx:
            kept = crepo.finish(tx, action.id, self.options.worker_id, **values)
            if kept and values["status"] != ActionStatus.QUEUED:
                repo.append_audit(
                    tx,
                    user_id=None,
                    actor=f"worker:{self.options.worker_id}"[:100],
                    action=f"action.{values['status']}",
                    subject_type="queued_action",
                    subject_id=str(action.id),
                    organisation_id=action.organisation_id,
                    detail={
                        "action": action.action,
                        "platform": action.platform,
                        "comment_id": action.comment_id,
                        "decision_id": action.decision_id,
                        "attempts": attempts,
                        "outcome": values.get("outcome"),
                    },
                )
        if not kept:
            log.warning("action %s: lease lost before its outcome was recorded", action.id)
        return delay

    def _put_back(self, action: crepo.ClaimedAction, not_before: datetime, reason: str) -> None:
        with self.store.transaction() as tx:
            crepo.finish(
                tx, action.id, self.options.worker_id, not_before=not_before, last_error=f"waiting: {reason}"[:1000]
            )
