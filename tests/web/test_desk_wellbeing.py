"""The desk's wellbeing pages (issue 13, part 4): one's own days, the team's anonymous days, the severe
rotation, the daily cap in the queue and on the reveal, and the break nudge for time in the queue."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from hierniet.store import repo
from hierniet.store.tables import AuditEntry, DeskActivity, utcnow

from . import desk_fixtures
from .desk_fixtures import Pages, text_of

pages = desk_fixtures.pages


def _set_policy(pages: Pages, text: str) -> None:
    with pages.desk.store.transaction() as tx:
        organisation = repo.get_organisation(tx, pages.desk.organisation_id)
        assert organisation is not None
        organisation.policy_yaml = text


def _minutes(pages: Pages) -> int:
    with pages.desk.store.session() as s:
        return int(s.scalar(select(func.count()).select_from(DeskActivity)) or 0)


def test_my_days_count_what_i_revealed_and_my_minutes(pages: Pages) -> None:
    r = pages.login("moderator")
    assert 'href="/desk/me/wellbeing"' in r.text
    assert _minutes(pages) == 1  # the queue after signing in: this minute noted
    pages.get(f"/desk/comments/{pages.comments['hate1']}")  # seen shielded
    pages.post(f"/desk/comments/{pages.comments['thr1']}/reveal")
    r = pages.get("/desk/me/wellbeing")
    assert r.status_code == 200
    page = text_of(r.text)
    assert "My days at the desk" in page
    # Today's row: 1 revealed, 1 seen shielded, 1 minute; then 13 empty days.
    assert re.search(r"Minutes in the queue \S+ 1 1 1 ", page), page
    assert page.count(" 0 0 0") == 13
    assert '<th scope="row">' in r.text and '<caption id="my-days">' in r.text
    # A plot of the same days above the table, drawn on the server, named for screen readers.
    plot = r.text.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in plot and "<title" in plot and "Severe items per day" in plot


def test_the_team_page_has_no_names_and_only_leads_see_it(pages: Pages) -> None:
    pages.login("moderator")
    pages.post(f"/desk/comments/{pages.comments['thr1']}/reveal")
    assert pages.get("/desk/team/wellbeing").status_code == 403
    pages.logout()
    pages.login("lead")
    r = pages.get("/desk/team/wellbeing")
    assert r.status_code == 200
    table = r.text.split("<table", 1)[1].split("</table>", 1)[0]
    assert "moderator1" not in table and "lead1" not in table
    # Today: 2 people worked (moderator: 1 revealed, 1 minute; lead: 1 minute), median revealed 0.5, most 1.
    assert re.search(r"</time></th>\s*<td>2</td>\s*<td>0\.5</td>\s*<td>1</td>", table), table
    plot = r.text.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Severe items revealed per day" in plot and "moderator1" not in plot


def test_a_lead_sets_the_rotation_and_the_others_see_its_comments_shielded(pages: Pages) -> None:
    pages.login("lead")
    r = pages.get("/desk/team/wellbeing")
    lead_id = pages.desk.actors["lead"].user_id
    assert f'name="user_ids" value="{lead_id}"' in r.text
    r = pages.post("/desk/team/rotation", {"user_ids": [str(lead_id)]})
    assert "The severe rotation is saved." in text_of(r.text)
    assert re.search(rf'value="{lead_id}" id="rotation-{lead_id}" checked', r.text)
    r = pages.post("/desk/team/rotation", {"user_ids": ["abc"]})
    assert "Not a person of this organisation" in text_of(r.text)
    with pages.desk.store.session() as s:
        assert s.scalar(select(func.count()).where(AuditEntry.action == "rotation.set")) == 1
    assert "For the severe rotation" not in text_of(pages.get("/desk/?clear").text)
    pages.logout()
    pages.login("moderator")
    r = pages.get("/desk/")
    row = r.text.split(f'data-row="{pages.comments["thr1"]}"', 1)[1].split("</tr>", 1)[0]
    assert "For the severe rotation: the colleagues on it take this one first." in text_of(row)
    assert "reveal-form" in row  # still there to reveal when needed
    other = r.text.split(f'data-row="{pages.comments["ins1"]}"', 1)[1].split("</tr>", 1)[0]
    assert "severe rotation" not in other


def test_the_rotation_comes_first_in_the_queue_of_its_people(pages: Pages) -> None:
    lead_id = pages.desk.actors["lead"].user_id
    pages.login("lead")
    pages.post("/desk/team/rotation", {"user_ids": [str(lead_id)]})
    threat, insult = (f'data-row="{pages.comments[k]}"' for k in ("thr1", "ins1"))
    # Oldest first, the threat (the newest) is offered first to the lead on the rotation, and shown unshielded.
    r = pages.get("/desk/?order=oldest")
    assert r.text.index(threat) < r.text.index(insult)
    assert "For the severe rotation" not in text_of(r.text)
    pages.logout()
    pages.login("moderator")
    r = pages.get("/desk/?order=oldest")
    assert r.text.index(insult) < r.text.index(threat)
    # The API reads the same service: the lead's queue starts with the threat, the moderator's does not.
    lead_api = pages.client.get(
        "/api/v1/queue?order=oldest", headers={"Authorization": f"Bearer {pages.desk.tokens['lead']}"}
    )
    mod_api = pages.client.get(
        "/api/v1/queue?order=oldest", headers={"Authorization": f"Bearer {pages.desk.tokens['moderator']}"}
    )
    assert lead_api.json()["items"][0]["id"] == pages.comments["thr1"]
    assert mod_api.json()["items"][-1]["id"] == pages.comments["thr1"]


def test_past_the_daily_cap_severe_comments_are_left_to_colleagues(pages: Pages) -> None:
    _set_policy(pages, "extends: default\nwellbeing:\n  daily_severe_cap: 1\n")
    pages.login("moderator")
    pages.post(f"/desk/comments/{pages.comments['hate1']}/reveal")
    r = pages.get("/desk/")
    page = text_of(r.text)
    assert "You reached today's limit of 1 severe items" in page
    row = r.text.split(f'data-row="{pages.comments["thr1"]}"', 1)[1].split("</tr>", 1)[0]
    assert "your colleagues will take this one" in text_of(row) and "reveal-form" not in row
    # The comment stays in the queue for everyone: the lead still sees it, with a reveal button.
    r = pages.post(f"/desk/comments/{pages.comments['thr1']}/reveal")
    assert r.status_code == 422
    assert "your organisation's daily limit is 1" in text_of(r.text)
    with pages.desk.store.session() as s:
        assert s.scalar(select(func.count()).where(AuditEntry.action == "comment.revealed")) == 1
    # The comment revealed before the cap stays readable.
    r = pages.get(f"/desk/comments/{pages.comments['hate1']}")
    assert "is-shielded" not in r.text.split('id="text-', 1)[1].split(">", 1)[0]
    pages.logout()
    pages.login("lead")
    row = pages.get("/desk/").text.split(f'data-row="{pages.comments["thr1"]}"', 1)[1].split("</tr>", 1)[0]
    assert "reveal-form" in row


def test_a_break_is_suggested_after_time_in_the_queue(pages: Pages) -> None:
    _set_policy(pages, "extends: default\nwellbeing:\n  break_after_minutes: 20\n")
    user_id = pages.desk.actors["moderator"].user_id
    now = utcnow().replace(second=0, microsecond=0)
    with pages.desk.store.transaction() as tx:
        for n in range(1, 25):
            tx.add(DeskActivity(user_id=user_id, minute=now - timedelta(minutes=n), severe_seen=0))
    r = pages.login("moderator")
    assert not re.search(r'id="break-note"[^>]* hidden', r.text)
    page = text_of(r.text)
    assert "You have been working in the queue for 25 minutes without a pause." in page
    assert (
        "Community Help Service +32 2 648 40 14"
        in page.split("Time for a break?", 1)[1].split("Looking after yourself", 1)[0]
    )
    pages.logout()
    r = pages.login("lead")
    assert re.search(r'id="break-note"[^>]* hidden', r.text)
