"""Settings from the environment (HIERNIET_*), built on demand and cached.

Nothing is read at import time: call get_settings().
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

#: HIERNIET_COMMENT_MAX_CHARS when unset: the longest text a platform allows (X's subscribers 25,000
#: characters; YouTube 10,000, Facebook 8,000), far below what would slow triage or bloat the store.
DEFAULT_COMMENT_MAX_CHARS = 25_000


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HIERNIET_", extra="ignore")

    #: Folder of a triage model to use instead of the shipped one (made by `hierniet train`).
    model_dir: Path | None = None
    #: Where `hierniet train` finds the public data sets by default.
    data_dir: Path = Path("../shared/data")
    #: Comments triaged per batch by the CLI (bigger batches are faster, use more memory).
    batch_size: int = 256
    #: Processes the CLI's `classify` and `evaluate` triage on (hierniet.triage.parallel); unset: every core
    #: this process may use; 1: in this process only. The desk and the API always triage in-process.
    triage_workers: int | None = Field(default=None, ge=1)
    #: Where the moderation desk keeps comments, verdicts, decisions and the audit log. A SQLite file is the
    #: embedded default (its folder is created on first use); PostgreSQL for teams, e.g.
    #: `postgresql+psycopg://USER:PASSWORD@HOST:5432/hierniet`. Create or update the tables with
    #: `hierniet db upgrade`.
    database_url: str = "sqlite:///./var/hierniet.db"
    #: A Redis 7 server shared by every process, e.g. `redis://127.0.0.1:6379/0` (docs/operations.md): webhooks
    #: and pollers then hand comments to triage workers through a Redis stream, and rate limits, polling
    #: leases and the raid detector's turn are shared by all workers. Unset: the embedded default, one process
    #: with an in-process queue and in-memory limits.
    redis_url: str | None = None
    #: The bearer token that GET /metrics asks for (Prometheus: `authorization: {credentials: ...}`). Unset:
    #: /metrics answers 404, as if it did not exist; the queue's depth per organisation is not for everyone.
    metrics_token: SecretStr | None = None
    #: How `hierniet serve` and `hierniet worker` write their log: `text` (lines for people) or `json` (one
    #: JSON object per line: time, level, logger, message and the record's extra fields), secrets redacted.
    log_format: Literal["text", "json"] = "text"
    #: The Redis stream that webhooks and pollers append comments to when HIERNIET_REDIS_URL is set; its dead
    #: letters are kept in the stream of the same name with ":dead" after it (docs/operations.md).
    stream_key: str = "hierniet:ingest"
    #: Seconds an entry read by an ingest worker may stay unacknowledged before another worker takes it over
    #: (XAUTOCLAIM): longer than the slowest batch, or a slow worker's batch is triaged twice (harmlessly).
    stream_claim_idle_s: float = Field(default=60.0, gt=0)
    #: Failed tries after which an entry goes to the dead letters (with its error) instead of being retried.
    stream_max_failures: int = Field(default=3, ge=1)
    #: Comments stored per transaction by `hierniet import` and per call by the ingestion service
    #: (a bigger POST /api/v1/comments batch is split into chunks of this size).
    ingest_batch_size: int = 256
    #: Most comments accepted in one POST /api/v1/comments request; a larger batch is refused with 413.
    api_max_batch: int = 1000
    #: Longest comment text accepted (characters) by the API, webhooks and `hierniet import`; a longer one is
    #: rejected with its index (the rest of its batch is stored).
    comment_max_chars: int = Field(default=DEFAULT_COMMENT_MAX_CHARS, ge=1)
    #: A token for a first admin user, for bootstrapping a fresh database: when set, `hierniet db upgrade`
    #: creates the user `admin` (role admin) with this token, stored hashed, unless that token exists.
    #: Unset it once real users and tokens exist (`hierniet db token`, or POST /api/v1/users/{id}/tokens).
    bootstrap_token: str | None = None
    #: The key that signs the desk's session cookies (a long random string, e.g. `python -c "import secrets;
    #: print(secrets.token_urlsafe(48))"`). Unset: a random key for this process, said in a log line; people
    #: are then signed out at each restart, and several workers do not share sessions.
    secret_key: SecretStr | None = None
    #: Send the desk's session cookie over HTTPS only (the Secure flag). Browsers also accept it on
    #: http://localhost; turn it off only to reach a test desk over plain HTTP on another address.
    secure_cookies: bool = True
    #: Severe items one person may reveal in a day before the desk suggests a break (0: no suggestion).
    desk_break_after: int = 25
    #: The time zone whose midnight starts a new day for the reveal counter (an IANA name).
    desk_timezone: str = "Europe/Brussels"
    #: Comments per page of the desk's queue.
    desk_page_size: int = 25
    #: Minutes during which a person may undo their last decision on a comment (0: no undo).
    desk_undo_minutes: int = Field(default=10, ge=0)
    #: Seconds between two runs of the raid detector in `hierniet worker` (0: the worker does not look for raids;
    #: `hierniet raids detect` still does, once).
    raid_detect_interval_s: float = Field(default=60.0, ge=0)
    #: Minutes without a new comment after which an open raid is closed: its banner goes, its page stays.
    raid_close_after_minutes: int = Field(default=360, ge=1)
    #: Sign-in attempts for one name from one address (since the last success there) before each further one
    #: must wait: 1, 2, 4, ... minutes, at most an hour (hierniet.services.signin_throttle). 0 turns it off.
    login_max_failures: int = 5
    #: The key that encrypts channel credentials at rest (a Fernet key: make one with `hierniet channel key`).
    #: Without it no credentials can be stored or read. Keep it out of the database and its backups; several
    #: keys separated by commas decrypt old credentials while the first encrypts new ones (key rotation).
    credentials_key: str | None = None
    #: Largest webhook body accepted by /hooks/... (bytes); a larger one is answered 413 unread.
    webhook_max_bytes: int = 1_000_000
    #: Largest request body of every route without a limit of its own (the desk's forms, the sign-in page),
    #: in bytes. The bytes are counted as they arrive, chunked or not, and the request is answered 413 as soon
    #: as they pass it: nothing larger is parsed or spooled to disk.
    max_body_bytes: int = 1_000_000
    #: Largest request body of the JSON API under /api/v1 (bytes): room for HIERNIET_API_MAX_BATCH comments.
    api_max_body_bytes: int = 16_000_000
    #: Seconds a web process keeps a channel it opened for webhooks (its row and decrypted connector) before
    #: reading it again: a change made in another process (the CLI, another web process) is seen within this
    #: time; one made through this process at once. 0 reads the channel on every call.
    webhook_channel_ttl_s: float = Field(default=5.0, ge=0)
    #: How long a webhook event is remembered by the replay guard (seconds).
    webhook_replay_window_s: int = 7 * 24 * 3600
    #: Where people reach this desk from outside (e.g. `https://desk.example.org`): alerts link to the comment
    #: at this address plus /desk/comments/ID. Unset: alerts say the comment's number without a link.
    public_url: str | None = None
    #: The SMTP server that sends alerts to the lead (hierniet.services.alerts); unset: no e-mail is sent.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    #: The sender of alert e-mails.
    smtp_from: str = "hierniet@localhost"
    #: Upgrade the SMTP connection with STARTTLS before signing in (turn off only for a local relay).
    smtp_starttls: bool = True
    #: Addresses (comma-separated) told of every alert of every organisation, besides the ones its policy lists.
    alert_email_to: str | None = None
    #: Webhooks told of every alert, as JSON: `[{"url": "https://...", "format": "slack"}]` (teams, slack or
    #: matrix), besides the ones an organisation's policy lists.
    alert_webhooks: str | None = None


@cache
def get_settings() -> Settings:
    return Settings()
