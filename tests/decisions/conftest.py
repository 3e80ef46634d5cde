"""A development PKI in a temporary folder for the whole session, and the PDF tools."""

import subprocess
from dataclasses import replace
from datetime import date

from permits.decisions import pki
from permits.decisions.facts import DossierFacts, Opinion, PlanningDocument, Signatory

PASSPHRASE = "phrase-de-test-des-cles"


def write_key(directory, ca, key_name, given, family, capacity):
    return pki.write_pkcs12_signatory(
        directory,
        ca,
        PASSPHRASE.encode(),
        key_name=key_name,
        subject=pki.signatory_subject(given, family, capacity, "Épinay-sur-Orge"),
    )


MAYOR = Signatory(1, "Jean", "Durand", "Maire", "maire")
DEPUTY = Signatory(
    2,
    "Claire",
    "Petit",
    "Adjointe déléguée à l'urbanisme",
    "adjointe",
    delegation="arrêté n° 2026-014 du 5 janvier 2026",
)

FACTS = DossierFacts(
    number="PC 091 216 26 00001",
    procedure="PCMI",
    procedure_label="Permis de construire pour une maison individuelle",
    cerfa="13406*16",
    commune_name="Épinay-sur-Orge",
    commune_insee="91216",
    filed=date(2026, 3, 2),
    applicants=("Camille Martin",),
    applicant_address="3 rue des Lilas, 91360 Épinay-sur-Orge",
    site_address="12 rue de la Gare, 91360 Épinay-sur-Orge",
    parcels=("91216000AB0123",),
    description="Construction d'une maison individuelle de 120 m²",
    floor_area_created_m2=120,
    dwellings_created=1,
    planning=PlanningDocument("PLU", date(2017, 10, 13), ("modifié le 4 mai 2022",), ("UH",)),
    servitudes=("AC1 (abords de l'église Saint-Leu, monument historique)",),
    opinions=(
        Opinion(
            "l'architecte des Bâtiments de France",
            date(2026, 4, 2),
            "with_prescriptions",
            ("Les menuiseries extérieures seront en bois peint.",),
        ),
        Opinion("Enedis", None, "tacit_favourable"),
    ),
)
DP_FACTS = replace(
    FACTS,
    number="DP 091 216 26 00007",
    procedure="DP",
    procedure_label="Déclaration préalable (constructions, travaux, installations)",
    cerfa="16702*01",
    description="Pose d'une clôture",
    floor_area_created_m2=None,
)
CU_FACTS = replace(
    FACTS,
    number="CU 091 216 26 00003",
    procedure="CUB",
    procedure_label="Certificat d'urbanisme opérationnel",
    cerfa="13410*08",
    opinions=(),
)


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=False).stdout


def pdfsig(path) -> str:
    return run("pdfsig", str(path))


def assert_pdfsig_valid(path):
    """pdfsig says "Signature is Valid" even for a partly covered file: require both lines."""
    out = pdfsig(path)
    assert "Signature is Valid" in out, out
    assert "Total document signed" in out, out
    assert "Not total document signed" not in out, out
