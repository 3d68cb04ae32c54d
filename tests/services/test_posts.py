"""Posts in ingestion: a comment may bring the post it answers (id, text, link, time); the post is stored
once per channel and id, updated when a later comment says more, and shown with the comment."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from hierniet.services import queue
from hierniet.services.importer import import_file
from hierniet.services.ingest import ChannelRef, CommentIn, ingest
from hierniet.store.tables import Comment, Post
from store.dbfixtures import Desk, FakeTriage, item


def _posts(desk: Desk) -> list[Post]:
    with desk.store.session() as s:
        return list(s.scalars(select(Post).order_by(Post.id)))


def test_the_post_is_stored_once_and_shown_with_its_comments(desk: Desk, fake_triage: FakeTriage) -> None:
    post = {"post_id": "p1", "post_text": "Het zwembad gaat dicht voor werken.", "post_url": "https://fb.example/p1"}
    result = ingest(
        desk.store,
        fake_triage,
        [
            item("c1", "Hoe lang?", channel_id=desk.channel_id, **post),
            item("c2", "insult: prutsers", channel_id=desk.channel_id, author="a2", **post),
            item("c3", "Zonder post", channel_id=desk.channel_id),
        ],
        actor=desk.actors["moderator"],
    )
    assert len(result.created) == 3
    # The same post again in a later batch is no second row.
    ingest(
        desk.store,
        fake_triage,
        [item("c4", "En nu?", channel_id=desk.channel_id, **post)],
        actor=desk.actors["moderator"],
    )
    rows = _posts(desk)
    assert [(p.channel_id, p.external_id, p.text, p.url) for p in rows] == [
        (desk.channel_id, "p1", "Het zwembad gaat dicht voor werken.", "https://fb.example/p1")
    ]
    ids = {c.external_id: c.comment_id for c in result.created}
    detail = queue.comment_detail(desk.store, desk.actors["moderator"], ids["c2"])
    assert detail.thread == "p1"
    assert detail.post is not None and detail.post.text == "Het zwembad gaat dicht voor werken."
    assert detail.post.url == "https://fb.example/p1"
    assert queue.comment_detail(desk.store, desk.actors["moderator"], ids["c3"]).post is None


def test_a_later_comment_updates_the_post_and_a_bare_thread_changes_nothing(
    desk: Desk, fake_triage: FakeTriage
) -> None:
    when = datetime(2026, 3, 1, 9, tzinfo=UTC)
    ingest(
        desk.store,
        fake_triage,
        [item("c1", "a", channel_id=desk.channel_id, thread="p1", post_text="eerste versie")],
        actor=desk.actors["moderator"],
    )
    ingest(
        desk.store,
        fake_triage,
        [
            item("c2", "b", channel_id=desk.channel_id, thread="p1"),  # the id alone: the stored post stays
            item(
                "c3", "c", channel_id=desk.channel_id, thread="p1", post_text="bewerkt", post_posted_at=when.isoformat()
            ),
        ],
        actor=desk.actors["moderator"],
    )
    [post] = _posts(desk)
    assert (post.text, post.url, post.posted_at) == ("bewerkt", None, when)
    # A thread id without any post field stores no post.
    ingest(
        desk.store,
        fake_triage,
        [item("c4", "d", channel_id=desk.channel_id, thread="p2")],
        actor=desk.actors["moderator"],
    )
    assert [p.external_id for p in _posts(desk)] == ["p1"]


def test_posts_are_per_channel(desk: Desk, fake_triage: FakeTriage) -> None:
    ingest(
        desk.store,
        fake_triage,
        [
            item("c1", "a", channel_id=desk.channel_id, thread="p1", post_text="Gent"),
            item("c2", "b", channel_id=desk.other_channel_id, thread="p1", post_text="VZW"),
        ],
        actor=desk.actors["root"],
    )
    assert sorted((p.channel_id, p.text) for p in _posts(desk)) == sorted(
        [(desk.channel_id, "Gent"), (desk.other_channel_id, "VZW")]
    )


def test_post_fields_without_the_post_id_are_rejected(desk: Desk, fake_triage: FakeTriage) -> None:
    result = ingest(
        desk.store,
        fake_triage,
        [
            item("c1", "a", channel_id=desk.channel_id, post_text="tekst zonder id"),
            item("c2", "b", channel_id=desk.channel_id),
        ],
        actor=desk.actors["moderator"],
    )
    assert [c.external_id for c in result.created] == ["c2"]
    [rejected] = result.rejected
    assert rejected.index == 0 and "thread" in rejected.error and "post_id" in rejected.error
    assert _posts(desk) == []


def test_the_spellings_of_the_post_id() -> None:
    for key in ("thread", "post", "post_id"):
        assert CommentIn.model_validate({"id": "1", "text": "x", key: "p9"}).thread == "p9"
    blank = CommentIn.model_validate({"id": "1", "text": "x", "post_id": "p", "post_text": "", "post_url": " "})
    assert (blank.post_text, blank.post_url) == (None, None)


def test_import_file_reads_post_columns(desk: Desk, fake_triage: FakeTriage, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "id,text,post_id,post_text,post_url\n"
        'r1,Wanneer?,p7,"De tram rijdt niet op zondag.",https://x.example/p7\n'
        "r2,Waarom?,p7,,\n",
        encoding="utf-8",
    )
    report = import_file(
        desk.store,
        fake_triage,
        str(source),
        actor=desk.actors["moderator"],
        default_channel=ChannelRef(desk.channel_id),
    )
    assert (report.created, report.rejected) == (2, [])
    [post] = _posts(desk)
    assert (post.external_id, post.text, post.url) == ("p7", "De tram rijdt niet op zondag.", "https://x.example/p7")
    with desk.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Comment).where(Comment.thread_external_id == "p7")) == 2
