"""Ingestion through a queue: webhooks and pollers append raw events, triage workers store them.

`hierniet.streams.queue` (the interface and the in-process queue), `hierniet.streams.redis_queue` (a Redis
stream with a consumer group), `hierniet.streams.service` (the webhook side, the consumer loop) and
`hierniet.streams.workers` (`hierniet worker --role ingest`). docs/operations.md says how to run it.
"""
