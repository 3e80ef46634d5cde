"""The authorization matrix: every URL pattern × every role, in two communes (issue 5).

Each named URL pattern of the project has a rule below saying who may use it; a pattern
without a rule fails the first test, so a new view cannot ship unguarded. Outcomes:
  ok      — served (200, a redirect elsewhere, or a form error: not an authorization refusal)
  login   — sent to sign in (302 to the sign-in page, or 401 from a JSON API)
  denied  — 403 or 404 (a dossier of someone else is a 404: its existence is not revealed)
"""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import InstructionService, Membership, Role, User
from permits.counter import open_registration
from tests.factories import (
    CommuneFactory,
    DossierFactory,
    InstructionServiceFactory,
    UserFactory,
    filed_dossier,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# The policy, stated here rather than imported: who reads the filed dossiers of their commune.
READER_ROLES = {
    Role.GUICHET,
    Role.OFFICER,
    Role.SERVICE_HEAD,
    Role.SIGNATORY,
    Role.COMMUNE_ADMIN,
    Role.ADMINISTRATOR,
}  # not the consultees: they see the dossiers they are consulted on (consultations issue)
PUBLIC = "public"
SIGNED_IN = "signed_in"


def walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def project_patterns():
    return [(route, name) for route, name in walk(get_resolver().url_patterns)]


# Who may use each view: PUBLIC, SIGNED_IN, or a function (world, actor name) -> bool.
# `kwargs(world)` gives the URL's arguments; `method` defaults to GET.
def dossier_rule(dossier_key):
    def allowed(world, actor):
        dossier = world.dossiers[dossier_key]
        user = world.actors[actor]
        if user is None:
            return "login"
        if dossier.depositor_id == user.pk:
            return True
        if dossier.state == "draft":
            return False
        return actor in world.readers_of[dossier.commune_id]

    return allowed


def instructor_rule(actor, suffixes):
    if actor == "anonymous":
        return "login"
    return any(actor in (f"officer_{s}", f"service_head_{s}") for s in suffixes)


def role_rule(actor, allowed):
    return "login" if actor == "anonymous" else actor in allowed


def counter_rule(actor, suffixes):
    if actor == "anonymous":
        return "login"
    return any(actor in (f"guichet_{s}", f"officer_{s}", f"service_head_{s}") for s in suffixes)


def signatory_rule(actor):
    if actor == "anonymous":
        return "login"
    return actor in ("mayor_a", "mayor_b")


def api_reader(world, actor) -> bool:
    return any(actor in readers for readers in world.readers_of.values())


def api_rule(dossier_key):
    def allowed(world, actor):
        if world.actors[actor] is None:
            return "login"
        return actor in world.readers_of[world.dossiers[dossier_key].commune_id]

    return allowed


def run_kwargs(world):
    commune = world.dossiers["a1"].commune
    return {"insee_code": commune.insee_code, "pk": import_run_of(commune).pk}


def import_run_of(commune):
    from cadastre.models import ImportRun

    run, _ = ImportRun.objects.get_or_create(
        commune=commune,
        defaults={
            "kind": "parcels",
            "file": "cadastre-imports/x.json",
            "file_name": "x.json",
            "sha256": "0" * 64,
            "size_bytes": 1,
            "status": "simulated",
        },
    )
    return run


RULES = {
    "home": {"allowed": PUBLIC},
    "health": {"allowed": PUBLIC},
    # A network rule, not a role: the loopback (the test client) or the token (test_metrics.py).
    "metrics": {"allowed": PUBLIC},
    "decisions:verify": {"allowed": PUBLIC},
    # Cadastre data is public (Etalab): any signed-in person may look it up (JSON API, 401).
    "cadastre:parcel_check": {"allowed": SIGNED_IN},
    "cadastre:map_features": {"allowed": SIGNED_IN},
    "cadastre:address_search": {"allowed": SIGNED_IN},
    "permits:dossier_detail": {
        "cases": {
            "own dossier": (lambda w: {"pk": w.dossiers["a1"].pk}, dossier_rule("a1")),
            "another applicant's dossier": (
                lambda w: {"pk": w.dossiers["a2"].pk},
                dossier_rule("a2"),
            ),
            "other commune": (lambda w: {"pk": w.dossiers["b"].pk}, dossier_rule("b")),
            "a draft": (lambda w: {"pk": w.dossiers["draft"].pk}, dossier_rule("draft")),
        }
    },
    # The applicant journey (issue 7).
    "permits:choose": {"allowed": PUBLIC},
    "permits:start": {"allowed": SIGNED_IN, "method": "post"},
    "permits:dashboard": {"allowed": SIGNED_IN},
    "permits:mailbox": {"allowed": SIGNED_IN},  # the demo's mailbox: one's own e-mails
    **{
        name: {"kwargs": lambda w: {"pk": w.dossiers["draft"].pk}, "allowed": dossier_rule("draft")}
        for name in (
            "permits:draft",
            "permits:draft_step_demandeur",
            "permits:draft_step_terrain",
            "permits:draft_step_projet",
            "permits:draft_step_pieces",
            "permits:draft_review",
        )
    },
    # Switching a draft to the procedure its facts call for (issue 16): its depositor only.
    "permits:draft_switch": {
        "method": "post",
        "kwargs": lambda w: {"pk": w.dossiers["draft"].pk},
        "allowed": dossier_rule("draft"),
    },
    "permits:post_message": {
        "method": "post",
        "cases": {
            "own dossier": (lambda w: {"pk": w.dossiers["a1"].pk}, dossier_rule("a1")),
            "another applicant's dossier": (
                lambda w: {"pk": w.dossiers["a2"].pk},
                dossier_rule("a2"),
            ),
        },
    },
    # Acts of the depositor only (withdrawal, confirmation after a sursis, DOC, DAACT…).
    "permits:applicant_act": {
        "method": "post",
        "cases": {
            "own dossier": (
                lambda w: {"pk": w.dossiers["a1"].pk, "act": "confirmer"},
                lambda w, a: "login" if a == "anonymous" else a == "applicant_a",
            ),
        },
    },
    # The holder asks for the R462-10 attestation (refused with a message before conformity).
    "permits:conformity_attestation": {
        "method": "post",
        "cases": {
            "own dossier": (
                lambda w: {"pk": w.dossiers["a1"].pk},
                lambda w, a: "login" if a == "anonymous" else a == "applicant_a",
            ),
        },
    },
    # The holder's follow-up forms (DOC, DAACT, modificatif, transfert, prorogation): the
    # permit's depositor only (sent back to the page when the state does not allow it).
    "permits:follow_up": {
        "cases": {
            kind: (
                lambda w, kind=kind: {"pk": w.dossiers["a1"].pk, "kind": kind},
                lambda w, a: "login" if a == "anonymous" else a == "applicant_a",
            )
            for kind in ("achevement", "transfert")
        },
    },
    # Reachable only in a state the matrix's dossiers are not in (pieces awaited; a signed
    # document): the rule still proves that nobody else gets in.
    "permits:missing_pieces": {
        "kwargs": lambda w: {"pk": w.dossiers["a1"].pk},
        "allowed": lambda w, a: "login" if a == "anonymous" else False,
    },
    "permits:document_download": {
        "kwargs": lambda w: {"pk": w.dossiers["a1"].pk, "document_id": 0},
        "allowed": lambda w, a: "login" if a == "anonymous" else False,
    },
    "permits:piece_file": {
        "kwargs": lambda w: {"pk": w.dossiers["a1"].pk, "piece_id": 0},
        "allowed": lambda w, a: "login" if a == "anonymous" else False,
    },
    # The officers' screens (issue 8): the instruction service of the commune only.
    "permits:worklist": {"allowed": lambda w, a: instructor_rule(a, ("a", "b"))},
    "permits:assign": {"method": "post", "allowed": lambda w, a: instructor_rule(a, ("a", "b"))},
    **{
        name: {
            "kwargs": kwargs,
            "method": method,
            "allowed": lambda w, a: instructor_rule(a, ("a",)),
        }
        for name, kwargs, method in (
            ("permits:instruction", lambda w: {"pk": w.dossiers["a1"].pk}, "get"),
            # An unknown act: refused with a message, so the matrix changes no dossier.
            (
                "permits:officer_act",
                lambda w: {"pk": w.dossiers["a1"].pk, "name": "inconnu"},
                "post",
            ),
            ("permits:actes_export", lambda w: {"pk": w.dossiers["a1"].pk}, "get"),
            # Retrait, conformity, interruption: an unknown act changes nothing.
            (
                "permits:after_decision_act",
                lambda w: {"pk": w.dossiers["a1"].pk, "name": "inconnu"},
                "post",
            ),
        )
    },
    "permits:registers": {"allowed": PUBLIC},
    "permits:consultations": {"allowed": lambda w, a: role_rule(a, ("consultee_a", "consultee_b"))},
    "permits:answer": {
        "method": "post",
        "kwargs": lambda w: {"pk": 0},
        "allowed": lambda w, a: "login" if a == "anonymous" else False,
    },
    # The consulted services' workspace (issue 18): the matrix sends no consultation, so every
    # consultation, piece and opinion document is another's: not found, after the login.
    **{
        name: {
            "kwargs": kwargs,
            "method": method,
            "allowed": lambda w, a: "login" if a == "anonymous" else False,
        }
        for name, kwargs, method in (
            ("permits:consultation", lambda w: {"pk": 0}, "get"),
            ("permits:consultation_piece", lambda w: {"pk": 0, "piece_id": 0}, "get"),
            ("permits:opinion_document", lambda w: {"pk": 0, "document_id": 0}, "get"),
            (
                "permits:instructor_opinion_document",
                lambda w: {"pk": w.dossiers["a1"].pk, "document_id": 0},
                "get",
            ),
            (
                "permits:platau_resend",
                lambda w: {"pk": w.dossiers["a1"].pk, "exchange_id": 0},
                "post",
            ),
        )
    },
    # Commune a has no PLAT'AU account: its officers are told so; everyone else is refused.
    "permits:platau_transmit": {
        "method": "post",
        "kwargs": lambda w: {"pk": w.dossiers["a1"].pk},
        "allowed": lambda w, a: instructor_rule(a, ("a",)),
    },
    "permits:statistics": {
        "allowed": lambda w, a: role_rule(
            a,
            tuple(
                f"{role}_{s}"
                for role in ("officer", "service_head", "mayor", "commune_admin", "administrator")
                for s in "ab"
            ),
        ),
    },
    # The parapheur: signatories in force (not an expired delegation).
    "permits:parapheur": {"allowed": lambda w, a: signatory_rule(a)},
    # An empty selection: back to the parapheur with a message, for a signatory only.
    "permits:sign_batch": {"method": "post", "allowed": lambda w, a: signatory_rule(a)},
    # Nothing awaits signature in the matrix: a 404 even for the mayor, after the role check.
    "permits:preview": {
        "kwargs": lambda w: {"pk": w.dossiers["a1"].pk},
        "allowed": lambda w, a: "login" if a == "anonymous" else False,
    },
    "permits:send_back": {
        "method": "post",
        "kwargs": lambda w: {"pk": w.dossiers["a1"].pk},
        "allowed": lambda w, a: "login" if a == "anonymous" else False,
    },
    # Nothing awaits signature in the matrix: a 404 for every signatory too (the fresh
    # re-authentication is asked only on a dossier the signatory may sign).
    "permits:sign": {
        "method": "post",
        "kwargs": lambda w: {"pk": w.dossiers["a1"].pk},
        "allowed": lambda w, a: "login" if a == "anonymous" else False,
    },
    # No retrait is engaged in the matrix: a 404 for every signatory too, after the role check.
    "permits:pronounce_retrait": {
        "method": "post",
        "kwargs": lambda w: {"pk": w.dossiers["a1"].pk},
        "allowed": lambda w, a: "login" if a == "anonymous" else False,
    },
    # No tacit decision arose under a signature in the matrix: a 404 for every signatory too.
    "permits:start_retrait": {
        "method": "post",
        "kwargs": lambda w: {"pk": w.dossiers["a1"].pk},
        "allowed": lambda w, a: "login" if a == "anonymous" else False,
    },
    # The REST API (issue 9): agents of the dossier's commune by session (systems use tokens,
    # tests/api); applicants and other communes are refused, anonymous callers get 401.
    "api:schema": {"allowed": PUBLIC},
    # Any other path under /api/: a JSON 404 for everybody (docs/security.md).
    "api:not_found": {"allowed": lambda w, a: False},
    **{
        name: {"allowed": lambda w, a: "login" if a == "anonymous" else api_reader(w, a)}
        for name in ("api:dossiers", "api:events", "api:parcel_check")
    },
    **{
        name: {
            "cases": {
                "own commune": (lambda w: {"pk": w.dossiers["a1"].pk}, api_rule("a1")),
                "other commune": (lambda w: {"pk": w.dossiers["b"].pk}, api_rule("b")),
            }
        }
        for name in (
            "api:dossier",
            "api:dossier_events",
            "api:dossier_deadlines",
            "api:dossier_pieces",
            "api:dossier_documents",
            "api:dossier_platau",
        )
    },
    "accounts:login": {"allowed": PUBLIC},
    "accounts:franceconnect_start": {"allowed": PUBLIC},
    "accounts:franceconnect_callback": {"allowed": PUBLIC},
    "accounts:proconnect_start": {"allowed": PUBLIC},
    "accounts:proconnect_callback": {"allowed": PUBLIC},
    # Only reachable between the password and the code: everybody else is sent to sign in.
    "accounts:second_factor": {"allowed": lambda w, a: "login"},
    "accounts:totp_setup": {"allowed": lambda w, a: "login"},
    "accounts:reauthenticate": {"allowed": SIGNED_IN},
    "accounts:logout": {"allowed": PUBLIC, "method": "post"},
    "accounts:logged_out": {"allowed": PUBLIC},
    "accounts:account": {"allowed": SIGNED_IN},
    "accounts:identity": {"allowed": SIGNED_IN},
    "accounts:signup": {"allowed": PUBLIC},
    "accounts:verify_email": {"allowed": PUBLIC, "kwargs": lambda w: {"token": "invalide"}},
    # Personal data (issue 10): the notice is public; one's own data; the access log is for
    # the commune's administrator.
    "privacy:notice_index": {"allowed": PUBLIC},
    "accessibility:statement": {"allowed": PUBLIC},
    "privacy:notice": {
        "kwargs": lambda w: {"insee_code": w.dossiers["a1"].commune.insee_code},
        "allowed": PUBLIC,
    },
    "privacy:my_data": {"allowed": SIGNED_IN},
    "privacy:export": {"allowed": SIGNED_IN},
    "privacy:close_account": {"allowed": SIGNED_IN},  # GET: the confirmation form
    "privacy:reuse": {"allowed": SIGNED_IN},
    "privacy:reuse_start": {
        "method": "post",
        "kwargs": lambda w: {"pk": w.dossiers["a1"].pk},
        "allowed": lambda w, a: "login" if a == "anonymous" else a == "applicant_a",
    },
    "privacy:delete_draft": {  # GET: the confirmation page
        "kwargs": lambda w: {"pk": w.dossiers["draft"].pk},
        "allowed": dossier_rule("draft"),
    },
    # The counter (issue 23): guichet agents of the commune and its instruction service.
    "permits:counter": {"allowed": lambda w, a: counter_rule(a, ("a", "b"))},
    "permits:daily_register": {"allowed": lambda w, a: counter_rule(a, ("a", "b"))},
    **{
        name: {
            "kwargs": lambda w: {"pk": w.dossiers["counter"].pk},
            "method": method,
            "allowed": lambda w, a: counter_rule(a, ("a",)),
        }
        for name, method in (
            ("permits:counter_draft", "get"),
            ("permits:counter_demandeur", "get"),
            ("permits:counter_terrain", "get"),
            ("permits:counter_projet", "get"),
            ("permits:counter_pieces", "get"),
            ("permits:counter_split", "post"),  # no file: refused with a message
            ("permits:counter_register", "post"),  # no parcels yet: refused with a message
            ("permits:counter_registered", "get"),
        )
    },
    "permits:claim": {"allowed": SIGNED_IN},
    # The intercommunal portal (issue 23): public; starting a draft needs an account.
    "permits:service_home": {
        "kwargs": lambda w: {"service_id": InstructionService.objects.order_by("pk")[0].pk},
        "allowed": PUBLIC,
    },
    "permits:portal_start": {
        "kwargs": lambda w: {"service_id": InstructionService.objects.order_by("pk")[0].pk},
        "method": "post",
        "allowed": SIGNED_IN,
    },
    "privacy:access_log": {
        "kwargs": lambda w: {"insee_code": w.dossiers["a1"].commune.insee_code},
        "allowed": lambda w, a: "login" if a == "anonymous" else a == "commune_admin_a",
    },
    # The reference data page (issue 17): the commune's administrator only.
    "cadastre:reference_index": {
        "allowed": lambda w, a: "login" if a == "anonymous" else a.startswith("commune_admin_"),
    },
    "cadastre:reference_data": {
        "kwargs": lambda w: {"insee_code": w.dossiers["a1"].commune.insee_code},
        "allowed": lambda w, a: "login" if a == "anonymous" else a == "commune_admin_a",
    },
    **{
        name: {
            "method": method,
            "kwargs": run_kwargs,
            "allowed": lambda w, a: "login" if a == "anonymous" else a == "commune_admin_a",
        }
        for name, method in (
            ("cadastre:import_run", "get"),
            ("cadastre:import_run_state", "get"),
            ("cadastre:apply_run", "post"),
        )
    },
}


@pytest.fixture
def world(settings, oidc_peer):
    settings.EMAIL_BACKEND = "permits.mailbox.DatabaseBackend"  # the demo's, for its mailbox
    settings.FRANCECONNECT = {**settings.FRANCECONNECT, "ISSUER": oidc_peer.issuer}
    settings.FRANCECONNECT.update(CLIENT_ID="x", CLIENT_SECRET="y")
    settings.PROCONNECT = {**settings.FRANCECONNECT}
    commune_a = CommuneFactory()
    commune_b = CommuneFactory(insee_code="91345", name="Longjumeau", population=21000)
    service_a = InstructionServiceFactory(communes=[commune_a])
    service_b = InstructionServiceFactory(communes=[commune_b])
    actors = {"anonymous": None}
    readers = {commune_a.pk: set(), commune_b.pk: set()}

    def person(name, role=None, commune=None, service=None, **membership):
        user = UserFactory(username=name)
        if role:
            Membership.objects.create(
                user=user, role=role, commune=commune, service=service, **membership
            )
            place = commune or service.communes.get()
            if role in READER_ROLES and not membership.get("valid_until"):
                readers[place.pk].add(name)
        actors[name] = user
        return user

    applicant_a = person("applicant_a")
    applicant_b = person("applicant_b")
    for suffix, commune, service in (("a", commune_a, service_a), ("b", commune_b, service_b)):
        person(f"guichet_{suffix}", Role.GUICHET, commune=commune)
        person(f"officer_{suffix}", Role.OFFICER, service=service)
        person(f"service_head_{suffix}", Role.SERVICE_HEAD, service=service)
        person(f"mayor_{suffix}", Role.SIGNATORY, commune=commune, title="Maire")
        person(f"consultee_{suffix}", Role.CONSULTEE, commune=commune)
        person(f"commune_admin_{suffix}", Role.COMMUNE_ADMIN, commune=commune)
        person(f"administrator_{suffix}", Role.ADMINISTRATOR, service=service)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    person(
        "deputy_expired_a",
        Role.SIGNATORY,
        commune=commune_a,
        delegation_reference="2025-AR-001",
        valid_from=yesterday - datetime.timedelta(days=365),
        valid_until=yesterday,
    )
    superuser = person("superuser")
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    dossiers = {
        "a1": filed_dossier(SimpleNamespace(commune=commune_a, applicant=applicant_a)),
        "a2": filed_dossier(SimpleNamespace(commune=commune_a, applicant=applicant_b)),
        "b": filed_dossier(SimpleNamespace(commune=commune_b, applicant=applicant_b)),
        "draft": DossierFactory(commune=commune_a, depositor=applicant_a),
        "counter": open_registration(
            agent=actors["guichet_a"],
            commune=commune_a,
            procedure="DP",
            channel="paper",
            received_on=datetime.date.today(),
        ),
    }
    return SimpleNamespace(actors=actors, dossiers=dossiers, readers_of=readers)


def outcome(response) -> str:
    if response.status_code in (403, 404):
        return "denied"
    if response.status_code == 401:
        return "login"
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith(("/connexion/", "/admin/login/")):
        return "login"
    assert response.status_code < 500, response
    return "ok"


def expected(allowed, world, actor) -> str:
    if allowed == PUBLIC:
        return "ok"
    if allowed == SIGNED_IN:
        return "ok" if world.actors[actor] is not None else "login"
    result = allowed(world, actor)
    if isinstance(result, str):
        return result
    return "ok" if result else "denied"


def clients(world):
    result = {}
    for name, user in world.actors.items():
        result[name] = Client()
        if user is not None:
            result[name].force_login(user)
    return result


def test_every_url_pattern_has_a_rule():
    missing = [
        f"{route} ({name or 'sans nom'})"
        for route, name in project_patterns()
        if not route.startswith("admin/") and name not in RULES
    ]
    assert not missing, f"add these URL patterns to RULES: {missing}"


def test_the_matrix(world):
    mismatches = []
    browsers = clients(world)
    for name, rule in RULES.items():
        # A sign-out, or a failed sign-in, ends the session: sign in again where it did.
        for actor, user in world.actors.items():
            if user is not None and "_auth_user_id" not in browsers[actor].session:
                browsers[actor].force_login(user)
        cases = rule.get("cases") or {"": (rule.get("kwargs", lambda w: {}), rule["allowed"])}
        for case, (kwargs, allowed) in cases.items():
            url = reverse(name, kwargs=kwargs(world))
            for actor, browser in browsers.items():
                response = getattr(browser, rule.get("method", "get"))(url)
                got, want = outcome(response), expected(allowed, world, actor)
                if got != want:
                    mismatches.append(f"{name} {case} {actor}: {got}, expected {want}")
    assert not mismatches, "\n".join(mismatches)


def admin_kwargs(route: str, name: str) -> dict:
    """Arguments for an admin URL: an existing object of the URL's model where there is one."""
    model = next(
        (
            m
            for m in admin.site._registry
            if name.startswith(f"admin:{m._meta.app_label}_{m._meta.model_name}_")
        ),
        User,
    )
    obj = model.objects.first()
    values = {
        "object_id": str(obj.pk if obj else 1),
        "id": str(obj.pk if obj else 1),
        "content_type_id": ContentType.objects.get_for_model(User).pk,
        "app_label": "accounts",
        "url": "nulle-part/",
    }
    params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    return {param: values[param] for pair in params for param in pair if param}


def test_the_admin_is_for_superusers_only(world):
    browsers = clients(world)
    public = {"admin:login", "admin:logout"}
    mismatches = []
    for route, name in walk(get_resolver().url_patterns):
        if not route.startswith("admin/") or name in public or name is None:
            continue
        url = reverse(name, kwargs=admin_kwargs(route, name))
        for actor in ("anonymous", "applicant_a", "officer_a", "mayor_a", "superuser"):
            got = outcome(browsers[actor].get(url))
            # A superuser passes the admin's gate (then a view may still say 403 or 404:
            # no "add" for jobs, no public page for a user); nobody else does.
            if (actor == "superuser") == (got == "login"):
                mismatches.append(f"{name} {actor}: {got}")
    assert not mismatches, "\n".join(mismatches)
