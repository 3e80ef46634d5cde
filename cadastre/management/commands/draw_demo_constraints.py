"""`python manage.py draw_demo_constraints INSEE`: an ILLUSTRATIVE zoning and one fictitious
monument for the demo commune, drawn from its imported parcels.

The real PLU and AC1 samples of ../shared/data lie elsewhere (Gard, Cher, Corse-du-Sud): to
show zones and an ABF case on the demo's real cadastre (91216), this command draws zones from
the cadastral sections (large parcels: A or N; small ones: U) and the 500 m abords of a
fictitious monument. Every object is flagged `illustrative` and labelled as such; the command
refuses to run in production. Idempotent.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from cadastre.models import Parcel, Servitude, Zone

LABEL = "ILLUSTRATIF — zonage dessiné pour la démonstration, sans valeur réglementaire"

ZONES_SQL = """
INSERT INTO cadastre_zone (idurba, document_code, typedoc, approved_on, validated_on, libelle,
                           libelong, typezone, destdomi, regulation_file, regulation_url,
                           insee, is_current, illustrative, geom, imported_at)
SELECT %(idurba)s, %(code)s, 'PLU', NULL, NULL, kind || section,
       %(label)s, kind, '', '', '', %(insee)s, true, true, geom, now()
FROM (
    SELECT section,
           CASE WHEN avg(contenance_m2) > 20000 THEN 'N'
                WHEN avg(contenance_m2) > 5000 THEN 'A' ELSE 'U' END AS kind,
           ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(geom)), 3)) AS geom
    FROM cadastre_parcel WHERE commune = %(insee)s AND retired_at IS NULL GROUP BY section
) s
"""

MONUMENT_SQL = """
WITH centre AS (
    SELECT ST_PointOnSurface(geom) AS p FROM cadastre_parcel
    WHERE commune = %(insee)s AND retired_at IS NULL
    ORDER BY ST_Distance(geom, (SELECT ST_Centroid(ST_Collect(geom)) FROM cadastre_parcel
                                WHERE commune = %(insee)s)) LIMIT 1
), generator AS (
    INSERT INTO cadastre_servitudegenerator (id_gen, servitude_id, name, kind, protection,
                                             address, geom)
    SELECT %(id)s, %(servitude)s, 'Monument fictif', 'Monument', 'Inscrit', %(insee)s,
           ST_Buffer(p, 10, 'quad_segs=1') FROM centre
    RETURNING id, geom
)
INSERT INTO cadastre_servitudeassiette (id_ass, servitude_id, generator_id, category, name,
                                        kind, mode, buffer_m, geom)
SELECT %(id)s || '-abords', %(servitude)s, id, 'AC1', 'Abords du monument fictif',
       'Périmètre de protection', 'Zone tampon', 500, ST_Buffer(geom, 500) FROM generator
"""


class Command(BaseCommand):
    requires_system_checks = []
    help = (
        "Dessine un zonage ILLUSTRATIF et les abords d'un monument fictif pour la commune de "
        "démonstration, à partir de son cadastre importé (refusé en production)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("insee")

    def handle(self, *args: Any, insee: str, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("draw_demo_constraints refuses to run with PERMIS_ENV=production")
        if not Parcel.objects.filter(commune=insee).exists():
            raise CommandError(f"Importez d'abord le cadastre de la commune {insee}.")
        idurba = f"{insee}_ILLUSTRATIF_20000101"
        id_sup = f"AC1-ILLUSTRATIF-{insee}"
        with transaction.atomic():
            Zone.objects.filter(idurba=idurba).delete()
            Servitude.objects.filter(id_sup=id_sup).delete()
            servitude = Servitude.objects.create(
                id_sup=id_sup,
                category="AC1",
                name="Monument fictif (ILLUSTRATIF, démonstration)",
                description=LABEL,
                illustrative=True,
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    ZONES_SQL,
                    {
                        "idurba": idurba,
                        "code": f"{insee}_ILLUSTRATIF",
                        "label": LABEL,
                        "insee": insee,
                    },
                )
                cursor.execute(
                    MONUMENT_SQL, {"insee": insee, "id": id_sup, "servitude": servitude.pk}
                )
        kinds = sorted(set(Zone.objects.filter(idurba=idurba).values_list("typezone", flat=True)))
        count = Zone.objects.filter(idurba=idurba).count()
        self.stdout.write(
            f"{count} zones illustratives ({', '.join(kinds)}) et les abords d'un monument "
            f"fictif dessinés pour {insee}."
        )
