"""Every page of the site, for each role, at 1280, 390 and 320 px (issue 19 §3, WCAG 2.1
1.4.10 reflow): answered 200, no horizontal scroll, axe-core clean (recorded for the
accessibility statement), a screenshot kept in var/e2e/reflow/. Downloads, JSON, the API and
POST-only actions are left out; each GET page is listed with the arguments it needs."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.models import ConsultedService, Membership, Role
from permits import counter
from permits.models import Dossier
from permits.models.channels import Channel
from tests.e2e.conftest import record_axe
from tests.e2e.test_applicant_browser import WCAG
from tests.factories import DossierFactory, UserFactory, filed_dossier, make_team
from tests.journey.test_follow_ups import granted
from workflow.consultations import send_consultation
from workflow.states import State
from workflow.transitions import fire

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SHOTS = settings.BASE_DIR / "var" / "e2e" / "reflow"
WIDTHS = (1280, 390, 320)
# The elements sticking out on the right (innermost last): what to fix when a page overflows.
WIDEST = """[...document.body.querySelectorAll('*')].filter(e =>
    e.getBoundingClientRect().right > window.innerWidth + 1 || e.scrollWidth > e.clientWidth + 1
  ).slice(-4).map(e => e.outerHTML.slice(0, 120))"""


def the_commune_and_its_dossiers():
    """The test team, one person per role, and dossiers in the states each role sees."""
    team = make_team()
    team.mayor.username = "maire"  # the key of the development PKI
    team.mayor.save()
    team.guichet = UserFactory(first_name="Inès", last_name="Roche")
    Membership.objects.create(user=team.guichet, role=Role.GUICHET, commune=team.commune)
    team.admin = UserFactory(first_name="Paul", last_name="Lambert")
    Membership.objects.create(user=team.admin, role=Role.COMMUNE_ADMIN, commune=team.commune)
    udap = ConsultedService.objects.create(name="UDAP de l'Essonne (ABF)", kind="abf")
    team.architect = UserFactory(first_name="Hélène", last_name="Roux")
    Membership.objects.create(user=team.architect, role=Role.CONSULTEE, consulted_service=udap)

    today = timezone.localdate()
    draft = DossierFactory(procedure="PCMI", commune=team.commune, depositor=team.applicant)
    filed = filed_dossier(team, "PCMI", on=today - timedelta(days=3),
                          site_address="12 rue de la Gare", site_postcode="91360",
                          site_locality="Épinay-sur-Orge",
                          description="Extension d'une maison individuelle de 35 m².")  # fmt: skip
    consulted = filed_dossier(team, "PCMI", on=today - timedelta(days=5),
                              flags=["ABF_ACCORD_REQUIRED"])  # fmt: skip
    Dossier.objects.filter(pk=consulted.pk).update(state=State.UNDER_INSTRUCTION)
    consulted.refresh_from_db()
    consultation = send_consultation(consulted, service=udap, actor=team.officer)
    to_sign = filed_dossier(team, "PCMI", on=today - timedelta(days=10))
    to_sign = fire(to_sign, "declare_complete", actor=team.officer)
    to_sign = fire(to_sign, "propose_decision", actor=team.officer, outcome="grant")
    to_sign = fire(to_sign, "send_for_signature", actor=team.officer)
    executory = granted(team)
    at_counter = counter.open_registration(
        agent=team.guichet, commune=team.commune, procedure="PC", channel=Channel.PAPER,
        received_on=today,
    )  # fmt: skip
    insee = team.commune.insee_code
    service = team.service.pk

    # Left out: /cadastre/donnees/ and /donnees-personnelles/ (they redirect to the one
    # commune's page) and the TOTP set-up (only within a sign-in: test_totp_qr_browser.py).
    public = ["/", "/demarches/", "/registres/", "/verifier/", f"/donnees-personnelles/{insee}/",
              "/accessibilite/", f"/services/{service}/"]  # fmt: skip
    d = f"/dossiers/{draft.pk}/brouillon/"
    return {
        "anonyme": (None, [*public, "/connexion/", "/compte/creer/", "/deconnexion/terminee/"]),
        "demandeur": (
            team.applicant,
            [
                "/dossiers/",
                f"/dossiers/{filed.pk}/",
                f"/dossiers/{executory.pk}/",
                d,
                d + "demandeur/",
                d + "terrain/",
                d + "projet/",
                d + "pieces/",
                d + "verifier/",
                d + "supprimer/",
                *(
                    f"/dossiers/{executory.pk}/suite/{kind}/"
                    for kind in ("ouverture-chantier", "prorogation", "transfert", "modificatif")
                ),
                "/dossiers/suivre-un-depot-en-mairie/",
                "/demarches/reprendre/",
                "/boite-mail/",
                "/compte/",
                "/compte/identite/",
                "/compte/mes-donnees/",
                "/compte/cloturer/",
                "/demarches/?works=new_building&floor_area_m2=120&single_house=on",
                *public,
            ],
        ),
        "instructeur": (
            team.officer,
            [
                "/instruction/",
                "/statistiques/",
                *(f"/instruction/{x.pk}/" for x in (filed, consulted, to_sign, executory)),
                "/guichet/",
                "/guichet/registre/",
                "/compte/",
            ],
        ),
        "maire": (
            team.mayor,
            [
                "/parapheur/",
                f"/parapheur/{to_sign.pk}/apercu/",
                "/compte/",
            ],
        ),
        "service-consulte": (
            team.architect,
            ["/consultations/", f"/consultations/{consultation.pk}/"],
        ),
        "admin-commune": (
            team.admin,
            [
                f"/cadastre/communes/{insee}/donnees/",
                f"/communes/{insee}/journal-des-acces/",
            ],
        ),
        "guichet": (
            team.guichet,
            [
                "/guichet/",
                "/guichet/registre/",
                *(
                    f"/guichet/{at_counter.pk}/{step}"
                    for step in ("", "demandeur/", "terrain/", "projet/", "pieces/")
                ),
            ],
        ),
    }


def signed_in(browser, base_url: str, user):
    """A browser context holding `user`'s session (none for the anonymous visitor)."""
    context = browser.new_context(locale="fr-FR")
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": base_url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def check(page, base_url: str, role: str, path: str, width: int) -> list[str]:
    """The page at one width: its problems (none when it answers, reflows and passes axe)."""
    from axe_playwright_python.sync_playwright import Axe

    problems = []
    name = f"{role}{path.split('?')[0].replace('/', '-').rstrip('-')}-{width}"
    response = page.goto(base_url + path)
    page.wait_for_load_state("load")
    if response.status != 200 or page.url != base_url + path:
        problems.append(f"{role} {path} @{width}: status {response.status}, at {page.url}")
    overflow = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if overflow[0] > overflow[1]:
        (SHOTS / f"{name}.html").write_text(page.content())  # to find the cause offline
        problems.append(f"{role} {path} @{width}: scrollWidth {overflow[0]} > {overflow[1]}, "
                        f"widest: {page.evaluate(WIDEST)}")  # fmt: skip
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    record_axe(page, name, results.response)
    if results.violations_count:
        problems.append(f"{role} {path} @{width}: {results.generate_report()}")
    return problems


def test_every_page_reflows_at_320_px_and_passes_axe(live_server, browser_page, pki_dir,
                                                     documents_root, settings):  # fmt: skip
    settings.EMAIL_BACKEND = "permits.mailbox.DatabaseBackend"  # the demo's mailbox page
    visits = the_commune_and_its_dossiers()
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser = browser_page.context.browser
    problems = []
    for role, (user, paths) in visits.items():
        page = signed_in(browser, live_server.url, user)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            for path in paths:
                problems += check(page, live_server.url, role, path, width)
        page.context.close()
    assert not problems, "\n".join(problems)
