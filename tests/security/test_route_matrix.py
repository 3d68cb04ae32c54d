"""Issue 11: who may use which route, over EVERY route of the app (desk, API, site, hooks).

The routes come from `create_app().routes` (tests/security/app_routes.py): a new route without an entry in
ACCESS below fails `test_every_route_has_an_expected_access`, so nobody adds a page or an endpoint without
saying who may use it. Each route is then called by every identity:

    anonymous; a moderator, a lead and an admin of organisation A; a moderator of organisation B; and the
    platform admin of every organisation (root) -- on the desk with a signed-in session, on the API with
    each one's token.

Path parameters name objects of organisation A (its comment, author, channel, a user and their token) or a
pending join request. An identity in a route's `granted` set must get through (any answer but 401, 403, 404
or the desk's sign-in redirect: a 422 for an empty form still means the door opened); everyone else must be
refused (401, 403 or 404 as the app answers; the desk sends anonymous people to its sign-in page). `ALIKE`
routes do not look at who calls (webhooks, sign-in, sign-out): every identity must get the same answer.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from crisis.crisis_fixtures import WordReader
from hierniet.services import crisis as crisis_service
from hierniet.services import signatories
from hierniet.services.actions import action_rows
from hierniet.services.auth import CLI_ACTOR, Role, hash_token, new_token, token_prefix
from hierniet.services.ingest import ingest
from hierniet.services.signatories import JoinRequest
from hierniet.store import repo, repo_desk, repo_raids, repo_team
from hierniet.store.tables import Comment, QueuedAction, utcnow
from hierniet.web.site.content import LANGUAGES
from hierniet.web.site.routes import page_path
from security.app_routes import app_routes
from seed import PASSWORD, SeedTriage, password_hash
from store import dbfixtures
from store.dbfixtures import Desk, item
from web.desk_fixtures import NAMES, make_app, seed_comments

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

database = dbfixtures.database
store = dbfixtures.store
desk = dbfixtures.desk

ANON, MOD_A, LEAD_A, ADMIN_A, MOD_B, ROOT = "anonymous", "moderator A", "lead A", "admin A", "moderator B", "root"
IDENTITIES = (ANON, MOD_A, LEAD_A, ADMIN_A, MOD_B, ROOT)

EVERYONE = frozenset(IDENTITIES)
SIGNED_IN = EVERYONE - {ANON}
#: People who see organisation A's comments, authors and channels.
OF_A = frozenset({MOD_A, LEAD_A, ADMIN_A, ROOT})
LEADS = frozenset({LEAD_A, ADMIN_A, ROOT})
ADMINS = frozenset({ADMIN_A, ROOT})
#: The charter's join requests are for the platform's admin (no organisation), not an organisation's admin.
CHARTER_ADMIN = frozenset({ROOT})


@dataclass(frozen=True)
class Access:
    """Who gets through (`granted`), or `alike`: the route answers everyone the same."""

    granted: frozenset[str] = frozenset()
    alike: bool = False
    #: Why, for the routes whose rule is not obvious from its path.
    note: str = ""


ALIKE = Access(alike=True)
PUBLIC = Access(EVERYONE)

_SITE_PAGES = ("home", "code-of-conduct", "flowchart", "tips", "help", "signatories", "join")

#: The expected access of every route: (method, path template) -> Access.
ACCESS: dict[tuple[str, str], Access] = {
    # --- the public charter site -----------------------------------------------------------------------
    ("GET", "/"): PUBLIC,
    **{("GET", f"/{lang}"): PUBLIC for lang in LANGUAGES},
    **{("GET", page_path(lang, page)): PUBLIC for lang in LANGUAGES for page in _SITE_PAGES},
    **{("POST", page_path(lang, "join")): PUBLIC for lang in LANGUAGES},
    ("GET", "/site-assets/site.css"): PUBLIC,
    ("GET", "/site-assets/logos/{signatory_id}"): Access(alike=True, note="only approved logos, to anyone"),
    # --- API documents --------------------------------------------------------------------------------------
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    # --- the platforms' webhooks: signed by the platform, never by a desk cookie or an API token ------------
    ("GET", "/hooks/{platform}/{channel_id}"): ALIKE,
    ("POST", "/hooks/{platform}/{channel_id}"): ALIKE,
    # --- the desk ------------------------------------------------------------------------------------------
    ("GET", "/desk"): PUBLIC,  # a redirect to /desk/
    ("GET", "/desk/static/{path}"): PUBLIC,
    ("GET", "/desk/login"): PUBLIC,
    ("POST", "/desk/login"): Access(alike=True, note="a wrong password is refused alike, whoever is signed in"),
    ("POST", "/desk/logout"): Access(alike=True, note="everyone ends on the sign-in page"),
    ("POST", "/desk/language"): PUBLIC,
    ("GET", "/desk/"): Access(SIGNED_IN),
    ("POST", "/desk/bulk"): Access(SIGNED_IN, note="another organisation's ids fail one by one inside"),
    ("GET", "/desk/comments/{comment_id}"): Access(OF_A),
    ("POST", "/desk/comments/{comment_id}/decide"): Access(OF_A),
    ("POST", "/desk/comments/{comment_id}/reveal"): Access(OF_A),
    ("GET", "/desk/authors/{author_id}"): Access(OF_A, note="the author page: their comments on A's channels"),
    ("POST", "/desk/comments/{comment_id}/undo"): Access(OF_A, note="only the person who decided undoes, inside"),
    ("GET", "/favicon.ico"): PUBLIC,
    # --- operations (issue 16): liveness and readiness for load balancers; metrics only with their own token --
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): Access(
        alike=True, note="off (404) without HIERNIET_METRICS_TOKEN; no desk session or API token opens it"
    ),
    ("GET", "/desk/authors/{author_id}/export"): Access(LEADS, note="manage_personal_data"),
    ("POST", "/desk/authors/{author_id}/erase"): Access(LEADS, note="without the confirmation box nothing is erased"),
    ("POST", "/desk/comments/{comment_id}/evidence"): Access(LEADS, note="manage_personal_data (issue 13)"),
    ("POST", "/desk/authors/{author_id}/evidence"): Access(LEADS, note="manage_personal_data (issue 13)"),
    ("GET", "/desk/settings"): Access(SIGNED_IN),
    ("POST", "/desk/settings"): Access(SIGNED_IN),
    ("POST", "/desk/settings/password"): Access(SIGNED_IN),
    ("POST", "/desk/settings/email"): Access(SIGNED_IN, note="one's own address for alerts, nobody else's"),
    ("POST", "/desk/density"): Access(SIGNED_IN),
    ("GET", "/desk/team"): Access(LEADS),
    ("GET", "/desk/me/wellbeing"): Access(SIGNED_IN, note="one's own figures"),
    ("GET", "/desk/team/wellbeing"): Access(LEADS, note="read_audit; no names"),
    ("POST", "/desk/team/rotation"): Access(LEADS, note="assign"),
    ("GET", "/desk/audit"): Access(LEADS),
    # Raids (issue 14): manage_raids; blocking the core is a lead's step too (decide_severe).
    ("GET", "/desk/raids"): Access(LEADS, note="manage_raids"),
    ("GET", "/desk/raids/{raid_id}"): Access(LEADS, note="manage_raids; another organisation's raid is a 404"),
    ("POST", "/desk/raids/{raid_id}/hide"): Access(LEADS),
    ("POST", "/desk/raids/{raid_id}/hold"): Access(LEADS),
    ("POST", "/desk/raids/{raid_id}/block-core"): Access(LEADS, note="decide_severe too"),
    ("POST", "/desk/raids/{raid_id}/evidence"): Access(LEADS, note="manage_personal_data too"),
    ("POST", "/desk/raids/{raid_id}/dismiss"): Access(LEADS),
    ("POST", "/desk/raids/{raid_id}/moves/{move_id}/undo"): Access(LEADS, note="only the person who moved, inside"),
    ("GET", "/desk/channels"): Access(ADMINS),
    ("POST", "/desk/channels"): Access(ADMINS),
    ("POST", "/desk/channels/{channel_id}/disconnect"): Access(ADMINS),
    ("POST", "/desk/comments/{comment_id}/take-over"): Access(OF_A),
    ("POST", "/desk/comments/{comment_id}/assign"): Access(LEADS, note="assign; an empty choice is refused inside"),
    ("POST", "/desk/filters"): Access(SIGNED_IN, note="one's own saved filters"),
    ("POST", "/desk/filters/{filter_id}/delete"): Access(frozenset({MOD_A}), note="only the filter's owner"),
    ("GET", "/desk/outbox"): Access(LEADS, note="manage_outbox"),
    ("GET", "/desk/insight"): Access(LEADS, note="read_insight; a lead sees their organisation"),
    ("GET", "/desk/insight.csv"): Access(LEADS, note="read_insight"),
    ("GET", "/desk/insight/report"): Access(LEADS, note="read_insight"),
    ("GET", "/desk/insight/report.pdf"): Access(LEADS, note="read_insight"),
    ("POST", "/desk/outbox/{action_id}/retry"): Access(LEADS, note="manage_outbox; refused inside unless failed"),
    ("POST", "/desk/outbox/{action_id}/done"): Access(OF_A, note="a to-do: anyone who decides; failed: leads"),
    ("GET", "/desk/people"): Access(ADMINS),
    ("POST", "/desk/people"): Access(ADMINS),
    ("POST", "/desk/people/{user_id}/role"): Access(ADMINS),
    ("POST", "/desk/people/{user_id}/active"): Access(ADMINS),
    ("POST", "/desk/people/{user_id}/password"): Access(ADMINS),
    ("POST", "/desk/people/{user_id}/email"): Access(ADMINS),
    ("GET", "/desk/organisations"): Access(ADMINS, note="an organisation's admin sees only their own"),
    ("POST", "/desk/organisations"): Access(CHARTER_ADMIN, note="as POST /api/v1/organisations"),
    ("GET", "/desk/signatories"): Access(CHARTER_ADMIN),
    ("POST", "/desk/signatories/{signatory_id}/approve"): Access(CHARTER_ADMIN),
    ("POST", "/desk/signatories/{signatory_id}/reject"): Access(CHARTER_ADMIN),
    # --- the JSON API (a token per identity) ----------------------------------------------------------------
    ("GET", "/api/v1/me"): Access(SIGNED_IN),
    ("GET", "/api/v1/queue"): Access(SIGNED_IN),
    ("GET", "/api/v1/counts"): Access(SIGNED_IN),
    ("POST", "/api/v1/comments"): Access(SIGNED_IN, note="items for another organisation's channel fail inside"),
    ("POST", "/api/v1/comments/retriage"): Access(LEADS),
    ("GET", "/api/v1/comments/{comment_id}"): Access(OF_A),
    ("POST", "/api/v1/comments/{comment_id}/decisions"): Access(OF_A),
    ("POST", "/api/v1/comments/{comment_id}/undo"): Access(OF_A, note="only the decider undoes, inside (403/409)"),
    ("POST", "/api/v1/comments/{comment_id}/escalation"): Access(OF_A),
    ("GET", "/api/v1/authors"): Access(SIGNED_IN),
    ("GET", "/api/v1/authors/{author_id}"): Access(OF_A),
    ("POST", "/api/v1/authors/{author_id}/clear"): Access(LEADS),
    ("GET", "/api/v1/authors/{author_id}/export"): Access(LEADS, note="manage_personal_data"),
    ("POST", "/api/v1/comments/{comment_id}/evidence-pack"): Access(LEADS, note="manage_personal_data (issue 13)"),
    ("POST", "/api/v1/authors/{author_id}/evidence-pack"): Access(LEADS, note="manage_personal_data (issue 13)"),
    ("POST", "/api/v1/evidence-packs/verify"): Access(LEADS, note="read_audit; a body that is no ZIP is a 422"),
    ("DELETE", "/api/v1/authors/{author_id}"): Access(LEADS, note="manage_personal_data; a fresh author per call"),
    ("PUT", "/api/v1/comments/{comment_id}/evidence"): Access(LEADS, note="manage_personal_data"),
    ("GET", "/api/v1/audit"): Access(LEADS),
    ("GET", "/api/v1/organisations"): Access(SIGNED_IN),
    ("POST", "/api/v1/organisations"): Access(CHARTER_ADMIN),
    ("GET", "/api/v1/channels"): Access(SIGNED_IN),
    ("POST", "/api/v1/channels"): Access(ADMINS),
    ("PATCH", "/api/v1/channels/{channel_id}"): Access(ADMINS),
    ("GET", "/api/v1/users"): Access(ADMINS),
    ("POST", "/api/v1/users"): Access(ADMINS),
    ("PATCH", "/api/v1/users/{user_id}"): Access(ADMINS, note="anyone may send their own `email` (not tested here)"),
    ("GET", "/api/v1/users/{user_id}/tokens"): Access(ADMINS),
    ("POST", "/api/v1/users/{user_id}/tokens"): Access(ADMINS),
    ("DELETE", "/api/v1/tokens/{token_id}"): Access(ADMINS),
    ("POST", "/api/v1/comments/{comment_id}/claim"): Access(OF_A),
    ("PUT", "/api/v1/comments/{comment_id}/assignment"): Access(LEADS, note="assign"),
    ("GET", "/api/v1/outbox"): Access(LEADS, note="manage_outbox"),
    ("GET", "/api/v1/insight"): Access(LEADS, note="read_insight"),
    ("GET", "/api/v1/insight.csv"): Access(LEADS, note="read_insight"),
    ("POST", "/api/v1/outbox/{action_id}/retry"): Access(LEADS, note="manage_outbox; 409 unless failed"),
    ("POST", "/api/v1/outbox/{action_id}/done"): Access(OF_A, note="a to-do: anyone who decides; failed: leads"),
    ("GET", "/api/v1/me/filters"): Access(SIGNED_IN, note="one's own saved filters"),
    ("POST", "/api/v1/me/filters"): Access(SIGNED_IN, note="one's own saved filters"),
    ("DELETE", "/api/v1/me/filters/{filter_id}"): Access(frozenset({MOD_A}), note="only the filter's owner"),
    ("GET", "/api/v1/me/filters/last"): Access(SIGNED_IN),
    ("PUT", "/api/v1/me/filters/last"): Access(SIGNED_IN),
    ("GET", "/api/v1/me/wellbeing"): Access(SIGNED_IN, note="one's own figures"),
    ("GET", "/api/v1/raids"): Access(LEADS, note="manage_raids (issue 14)"),
    ("GET", "/api/v1/raids/{raid_id}"): Access(LEADS, note="manage_raids"),
    ("POST", "/api/v1/raids/{raid_id}/hide"): Access(LEADS),
    ("POST", "/api/v1/raids/{raid_id}/hold"): Access(LEADS),
    ("POST", "/api/v1/raids/{raid_id}/block-core"): Access(LEADS, note="decide_severe too"),
    ("POST", "/api/v1/raids/{raid_id}/evidence-pack"): Access(LEADS, note="manage_personal_data too"),
    ("POST", "/api/v1/raids/{raid_id}/dismiss"): Access(LEADS),
    ("POST", "/api/v1/raids/{raid_id}/moves/{move_id}/undo"): Access(LEADS, note="only the person who moved"),
    ("GET", "/api/v1/team/wellbeing"): Access(LEADS, note="read_audit; no names"),
    ("GET", "/api/v1/team/rotation"): Access(LEADS, note="assign"),
    ("PUT", "/api/v1/team/rotation"): Access(LEADS, note="assign; 422 for an admin of every organisation"),
    # --- the crisis desk (issue 15): a crisis of organisation A with a request, an offer and their pair -----
    ("GET", "/desk/crisis"): Access(SIGNED_IN, note="each sees their organisation's crises"),
    ("POST", "/desk/crisis"): Access(LEADS, note="manage_crisis; 422 for an admin of every organisation"),
    ("GET", "/desk/crisis/{crisis_id}"): Access(OF_A),
    ("POST", "/desk/crisis/{crisis_id}/close"): Access(LEADS, note="manage_crisis; closed once, then a flash"),
    ("POST", "/desk/crisis/{crisis_id}/pull"): Access(OF_A),
    ("POST", "/desk/crisis/{crisis_id}/cards/{card_id}/status"): Access(OF_A),
    ("POST", "/desk/crisis/{crisis_id}/cards/{card_id}/reply"): Access(OF_A),
    ("POST", "/desk/crisis/{crisis_id}/matches/{match_id}"): Access(OF_A),
    ("GET", "/desk/crisis/{crisis_id}/export"): Access(LEADS, note="manage_crisis: it holds the posters' contacts"),
    ("GET", "/api/v1/crises"): Access(SIGNED_IN, note="each sees their organisation's crises"),
    ("POST", "/api/v1/crises"): Access(LEADS, note="manage_crisis; 422 for an admin of every organisation"),
    ("GET", "/api/v1/crises/{crisis_id}"): Access(OF_A),
    ("POST", "/api/v1/crises/{crisis_id}/close"): Access(LEADS, note="manage_crisis; 409 once closed"),
    ("POST", "/api/v1/crises/{crisis_id}/posts"): Access(OF_A, note="409 once closed"),
    ("POST", "/api/v1/crises/{crisis_id}/pull"): Access(OF_A),
    ("PUT", "/api/v1/crises/{crisis_id}/cards/{card_id}/status"): Access(OF_A),
    ("POST", "/api/v1/crises/{crisis_id}/cards/{card_id}/reply"): Access(OF_A, note="422: imported, no comment"),
    ("POST", "/api/v1/crises/{crisis_id}/matches/{match_id}"): Access(OF_A, note="409 once decided"),
    ("GET", "/api/v1/crises/{crisis_id}/export"): Access(LEADS, note="manage_crisis: it holds the posters' contacts"),
    ("GET", "/api/v1/signatories"): Access(CHARTER_ADMIN),
    ("GET", "/api/v1/signatories/{signatory_id}"): Access(CHARTER_ADMIN),
    ("POST", "/api/v1/signatories/{signatory_id}/approve"): Access(CHARTER_ADMIN),
    ("POST", "/api/v1/signatories/{signatory_id}/reject"): Access(CHARTER_ADMIN),
}


#: Valid JSON bodies for the API routes that validate one before the handler runs (otherwise everyone would
#: get the same 422 and the role check would never be reached). `{name}` is filled from World.params.
API_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/authors/{author_id}/clear"): {"reason": "matrix test"},
    ("POST", "/api/v1/channels"): {"organisation_id": "{organisation_id}", "platform": "facebook", "external_id": "m"},
    ("POST", "/api/v1/comments/retriage"): {"comment_ids": ["{comment_id}"]},
    ("POST", "/api/v1/comments/{comment_id}/decisions"): {"step": "refer", "reason": "matrix test"},
    ("POST", "/api/v1/comments/{comment_id}/undo"): {"decision_id": 1},
    ("PUT", "/api/v1/comments/{comment_id}/evidence"): {"hold": True, "reason": "matrix test"},
    ("PUT", "/api/v1/comments/{comment_id}/assignment"): {"user_id": "{user_id}"},
    ("POST", "/api/v1/organisations"): {"slug": "matrix-org", "name": "Matrix"},
    ("POST", "/api/v1/me/filters"): {"name": "matrix api", "query": "status=any"},
    ("PUT", "/api/v1/me/filters/last"): {"query": "status=any"},
    ("PUT", "/api/v1/team/rotation"): {"user_ids": []},
    ("POST", "/api/v1/raids/{raid_id}/dismiss"): {"reason": "matrix test"},
    ("POST", "/api/v1/crises"): {"name": "matrix crisis"},
    # "open" keeps the card the machine's: a mark would end its pair, which the pair's route still needs.
    ("PUT", "/api/v1/crises/{crisis_id}/cards/{card_id}/status"): {"status": "open"},
    ("POST", "/api/v1/crises/{crisis_id}/posts"): [{"id": "matrix", "text": "We need water in Hasselt"}],
    ("POST", "/api/v1/crises/{crisis_id}/matches/{match_id}"): {"decision": "reject"},
    ("POST", "/api/v1/users"): {"name": "matrix-user", "role": "moderator", "organisation_id": "{organisation_id}"},
}


def _filled(value: Any, params: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _filled(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, params) for v in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return int(params[value[1:-1]])
    return value


# --- the world the requests run in ----------------------------------------------------------------------------


@dataclass
class World:
    """The seeded desk, organisation B's moderator, the objects path parameters name, a client per identity."""

    desk: Desk
    params: dict[str, str]
    app: Any
    tokens: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


def _seed(desk: Desk) -> World:
    comments = seed_comments(desk)
    with desk.store.transaction() as tx:
        for actor in desk.actors.values():
            assert actor.user_id is not None
            repo_desk.set_password_hash(tx, actor.user_id, password_hash())
        mod_b = repo.add_user(
            tx, name="moderator-b", role=Role.MODERATOR.value, organisation_id=desk.other_organisation_id
        )
        repo_desk.set_password_hash(tx, mod_b.id, password_hash())
        token_b = new_token()
        repo.add_token(tx, user_id=mod_b.id, name="test", token_hash=hash_token(token_b), prefix=token_prefix(token_b))
        # The user and token that PATCH /users/{id} and DELETE /tokens/{id} act on (never an identity's own).
        victim = repo.add_user(tx, name="victim-a", role=Role.MODERATOR.value, organisation_id=desk.organisation_id)
        victim_token = new_token()
        token_row = repo.add_token(
            tx, user_id=victim.id, name="victim", token_hash=hash_token(victim_token), prefix=token_prefix(victim_token)
        )
        victim_id, token_id = victim.id, token_row.id
        # A to-do for a person on organisation A's comment (the outbox routes) and a filter of moderator A.
        (action_id,) = repo.insert_rows(
            tx,
            QueuedAction,
            action_rows(
                comment_id=comments["ins1"],
                channel_id=desk.channel_id,
                calls=["report"],
                reply="",
                now=utcnow(),
                platform="facebook",
            ),
        )
        mod_a = desk.actors["moderator"].user_id
        assert mod_a is not None
        filter_id = repo_team.save_filter(tx, mod_a, "matrix", "status=any", utcnow()).id
        # A raid of organisation A with no comments (its moves then change nothing the other routes read), and
        # a move on it by lead A for the undo route.
        raid = repo_raids.add_raid(
            tx,
            organisation_id=desk.organisation_id,
            key="matrix",
            kind="raid",
            post="p-matrix",
            target=None,
            score=0.9,
            started_at=utcnow(),
            last_at=utcnow(),
            reasons=[],
            clusters=[],
            channels=[],
            status="open",
        )
        lead_a = desk.actors["lead"].user_id
        move_id = repo_raids.add_action(tx, raid_id=raid.id, action="dismiss", user_id=lead_a, detail={}).id
        raid_id = raid.id
    crisis_id, card_id, match_id = _seed_crisis(desk)
    join = signatories.submit_join(
        desk.store,
        JoinRequest(
            name="Vzw Matrix", type="ngo", website="https://matrix.example", email="a@matrix.example", language="nl"
        ),
        client="198.51.100.77",
    )
    with desk.store.session() as s:
        comment = s.get(Comment, comments["ins1"])
        assert comment is not None and comment.author_id is not None
        author_id = comment.author_id
    params = {
        "comment_id": str(comments["ins1"]),
        "author_id": str(author_id),
        "channel_id": str(desk.channel_id),
        "organisation_id": str(desk.organisation_id),
        "user_id": str(victim_id),
        "token_id": str(token_id),
        "signatory_id": str(join.id),
        "action_id": str(action_id),
        "filter_id": str(filter_id),
        "raid_id": str(raid_id),
        "move_id": str(move_id),
        "crisis_id": str(crisis_id),
        "card_id": str(card_id),
        "match_id": str(match_id),
        "platform": "facebook",
        "path": "desk.js",
    }
    world = World(desk, params, make_app(desk))
    world.tokens = {
        MOD_A: desk.tokens["moderator"],
        LEAD_A: desk.tokens["lead"],
        ADMIN_A: desk.tokens["admin"],
        MOD_B: token_b,
        ROOT: desk.tokens["root"],
    }
    world.names = {MOD_A: NAMES["moderator"], LEAD_A: NAMES["lead"], ADMIN_A: NAMES["admin"], MOD_B: "moderator-b"}
    world.names[ROOT] = NAMES["root"]
    return world


def _seed_crisis(desk: Desk) -> tuple[int, int, int]:
    """A crisis of organisation A with a request and an offer paired (the crisis routes' parameters)."""
    lead = desk.actors["lead"]
    crisis = crisis_service.open_crisis(desk.store, lead, name="matrix storm")
    posts = [
        crisis_service.CrisisPostIn(external_id="r", text="Need a lift from Kiewit to Hasselt station for 3 people"),
        crisis_service.CrisisPostIn(external_id="o", text="We offer free transport with our van from Genk to Hasselt"),
    ]
    crisis_service.add_posts(desk.store, lead, crisis.id, posts, WordReader())
    (pair,) = crisis_service.board(desk.store, lead, crisis.id).pairs
    return crisis.id, pair.request.id, pair.id


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_SITE_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Caller:
    """One identity's client: a signed-in desk session (cookies) and its API token."""

    def __init__(self, world: World, identity: str) -> None:
        self.world = world
        self.identity = identity
        address = f"192.0.2.{IDENTITIES.index(identity) + 1}"
        self.client = TestClient(world.app, base_url="https://testserver", client=(address, 1))
        self.csrf = ""
        if identity != ANON:
            page = self.client.get("/desk/login")
            token = _CSRF.search(page.text)
            assert token is not None
            r = self.client.post(
                "/desk/login", data={"name": world.names[identity], "password": PASSWORD, "csrf_token": token.group(1)}
            )
            assert r.status_code == 200 and r.url.path == "/desk/", (identity, r.status_code)
        self._refresh_csrf()

    def _refresh_csrf(self) -> None:
        found = _CSRF.search(self.client.get("/desk/login").text)
        assert found is not None
        self.csrf = found.group(1)

    def call(self, method: str, template: str) -> httpx.Response:
        path = template
        if (method, template) in FRESH_AUTHOR:
            # Erasure removes the author: every identity gets an author of organisation A of its own.
            path = path.replace("{author_id}", str(_fresh_author(self.world, self.identity)))
        if (method, template) in FRESH_FILTER:
            # The desk's delete and the API's delete each need moderator A's filter still there.
            path = path.replace("{filter_id}", str(_fresh_filter(self.world, self.identity)))
        for name, value in self.world.params.items():
            path = path.replace("{" + name + "}", value)
        assert "{" not in path, f"no value for a parameter of {template}: add one to World.params"
        headers: dict[str, str] = {}
        kwargs: dict[str, Any] = {"follow_redirects": False}
        if path.startswith("/api/") and self.identity != ANON:
            headers["Authorization"] = f"Bearer {self.world.tokens[self.identity]}"
        if method in ("POST", "PATCH", "PUT", "DELETE"):
            if path.startswith("/desk/"):
                kwargs["data"] = {"csrf_token": self.csrf, "name": f"nobody-{self.identity}", "password": "wrong"}
            elif path.startswith("/api/"):
                if method != "DELETE":
                    kwargs["json"] = _filled(API_BODIES.get((method, template), {}), self.world.params)
            elif path.startswith("/hooks/"):
                kwargs["content"] = b"{}"
                headers["Content-Type"] = "application/json"
            else:  # the site's join form, with its own double-submit token
                page = self.client.get(path)
                token = _SITE_CSRF.search(page.text)
                assert token is not None, path
                kwargs["data"] = {"csrf": token.group(1)}
        return self.client.request(method, path, headers=headers, **kwargs)


#: Routes that destroy what they name: each call gets its own object.
FRESH_AUTHOR = frozenset({("DELETE", "/api/v1/authors/{author_id}")})


#: Routes that delete moderator A's filter: each call gets a filter of its own (moderator A's).
FRESH_FILTER = frozenset({("DELETE", "/api/v1/me/filters/{filter_id}")})


def _fresh_filter(world: World, identity: str) -> int:
    owner = world.desk.actors["moderator"].user_id
    assert owner is not None
    with world.desk.store.transaction() as tx:
        return repo_team.save_filter(tx, owner, f"fresh {identity}", "status=any", utcnow()).id


def _fresh_author(world: World, identity: str) -> int:
    ref = f"fresh-{identity.replace(' ', '-')}-{len(world.params)}"
    result = ingest(
        world.desk.store,
        SeedTriage(),
        [item(ref, "insult: jij idioot", channel_id=world.desk.channel_id, author=ref, day=7)],
        actor=CLI_ACTOR,
    )
    assert not result.rejected, result.rejected
    with world.desk.store.session() as s:
        comment = s.get(Comment, result.created[0].comment_id)
        assert comment is not None and comment.author_id is not None
        return comment.author_id


def _outcome(response: httpx.Response) -> str:
    """'granted', or how the app refused: 'sign-in' (the desk's redirect), 'denied' (401, 403), 'hidden' (404)."""
    if response.status_code in (302, 303, 307) and response.headers.get("location", "").startswith("/desk/login"):
        return "sign-in"
    if response.status_code in (401, 403):
        return "denied"
    if response.status_code == 404:
        return "hidden"
    return "granted"


@pytest.fixture
def world(desk: Desk) -> World:
    return _seed(desk)


@pytest.fixture
def callers(world: World) -> Iterator[dict[str, Caller]]:
    made = {identity: Caller(world, identity) for identity in IDENTITIES}
    yield made
    for caller in made.values():
        caller.client.close()


def _routes(world: World) -> list[tuple[str, str]]:
    # Sign-out last: it ends the session the other desk routes are called with.
    return sorted(set(app_routes(world.app)), key=lambda r: (r == ("POST", "/desk/logout"), r[1], r[0]))


def test_every_route_has_an_expected_access(world: World) -> None:
    routes = set(app_routes(world.app))
    missing = sorted(routes - set(ACCESS))
    assert not missing, f"routes without an entry in ACCESS (say who may use them): {missing}"
    stale = sorted(set(ACCESS) - routes)
    assert not stale, f"entries in ACCESS for routes the app no longer has: {stale}"


def test_each_identity_gets_exactly_the_access_it_should(world: World, callers: dict[str, Caller]) -> None:
    wrong: list[str] = []
    for method, template in _routes(world):
        access = ACCESS[(method, template)]
        answers = {identity: callers[identity].call(method, template) for identity in IDENTITIES}
        if access.alike:
            statuses = {identity: r.status_code for identity, r in answers.items()}
            if len(set(statuses.values())) != 1:
                wrong.append(f"{method} {template}: answers differ by identity {statuses}")
            continue
        for identity, response in answers.items():
            outcome = _outcome(response)
            expected_granted = identity in access.granted
            anonymous_api = template.startswith("/api/") and identity == ANON
            if expected_granted and outcome != "granted":
                wrong.append(f"{method} {template}: {identity} refused ({response.status_code}, {outcome})")
            elif not expected_granted and outcome == "granted":
                wrong.append(f"{method} {template}: {identity} got through ({response.status_code})")
            elif not expected_granted and template.startswith("/desk/") and identity == ANON and outcome != "sign-in":
                wrong.append(f"{method} {template}: anonymous not sent to sign in ({response.status_code})")
            elif not expected_granted and anonymous_api and response.status_code != 401:
                wrong.append(f"{method} {template}: anonymous got {response.status_code}, not 401")
    assert not wrong, "\n".join(wrong)
