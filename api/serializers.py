"""Field names in English; French labels live in the site, not in the API."""

from rest_framework import serializers

from cadastre.check import MAX_REFERENCES
from cadastre.idu import INSEE_RE
from permits.models import Dossier, Piece
from permits.models.documents import IssuedDocument
from permits.models.dossiers import WorksNature
from workflow.models import Event
from workflow.outcomes import Outcome


class DossierSerializer(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune.insee_code")
    display_number = serializers.CharField()
    # DRF's Field has a `parent` attribute too; the metaclass takes declared fields off the class.
    parent = serializers.IntegerField(source="parent_id", allow_null=True)  # type: ignore[assignment]
    # Blank until known: said explicitly, read-only fields lose `allow_blank` otherwise.
    works_nature = serializers.ChoiceField(WorksNature.choices, allow_blank=True, read_only=True)
    decision_outcome = serializers.ChoiceField(Outcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Dossier
        fields = [
            "id",
            "number",
            "display_number",
            "procedure",
            "cerfa",
            "commune",
            "state",
            "parent",
            "filed_at",
            "channel",
            "site_address",
            "site_postcode",
            "site_locality",
            "site_area_m2",
            "works_nature",
            "description",
            "floor_area_created_m2",
            "dwellings_created",
            "decision_outcome",
            "decision_signed_at",
            "decision_notified_on",
            "tacit_on",
            "executory_on",
            "updated_at",
        ]
        read_only_fields = fields


class DeadlineSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # shadows Field.label, as `parent`
    date = serializers.DateField()
    consequence = serializers.SerializerMethodField()
    basis = serializers.CharField()
    explanation = serializers.CharField()

    def get_consequence(self, deadline) -> str:
        """The consequence's machine value (an enum's `value`), stable for connectors whatever its
        label."""
        value = deadline.consequence
        return getattr(value, "value", value)


class EventSerializer(serializers.ModelSerializer):
    dossier = serializers.IntegerField(source="dossier_id")

    class Meta:
        model = Event
        fields = [
            "id",
            "dossier",
            "sequence",
            "kind",
            "occurred_at",
            "actor_label",
            "from_state",
            "to_state",
            "payload",
            "hash",
        ]
        read_only_fields = fields


class EventFeedSerializer(serializers.Serializer):
    events = EventSerializer(many=True)
    next_cursor = serializers.IntegerField(help_text="Pass it as `after` to get what follows.")
    has_more = serializers.BooleanField()


class PieceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Piece
        fields = [
            "id",
            "code",
            "version",
            "original_name",
            "content_type",
            "size_bytes",
            "pages",
            "sha256",
            "uploaded_at",
            "after_filing",
        ]
        read_only_fields = fields


class IssuedDocumentSerializer(serializers.ModelSerializer):
    outcome = serializers.ChoiceField(Outcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = IssuedDocument
        fields = [
            "id",
            "kind",
            "outcome",
            "reference",
            "status",
            "signatory_label",
            "sha256",
            "size_bytes",
            "signature_level",
            "signed_at",
            "created_at",
        ]
        read_only_fields = fields


# PLAT'AU's own field names (camelCase) below, on purpose.
class NomenclatureSerializer(serializers.Serializer):
    idNom = serializers.IntegerField(allow_null=True)
    libNom = serializers.CharField()


class PlatauPieceSerializer(serializers.Serializer):
    noPiece = serializers.CharField()
    noVersion = serializers.IntegerField()
    nomTypePiece = NomenclatureSerializer()
    dtDepot = serializers.DateField()
    sha256 = serializers.CharField()


class PlatauOpinionSerializer(serializers.Serializer):
    nomNatureAvisRendu = NomenclatureSerializer(allow_null=True)
    boEstTacite = serializers.BooleanField()
    dtEmission = serializers.DateField(allow_null=True)


class PlatauConsultationSerializer(serializers.Serializer):
    dtConsultation = serializers.DateField()
    dtLimiteReponse = serializers.DateField()
    service = serializers.CharField()
    avis = PlatauOpinionSerializer(allow_null=True)


class PlatauDossierSerializer(serializers.Serializer):
    noLocal = serializers.CharField(allow_null=True)
    suffixeNoLocal = serializers.CharField(allow_blank=True)
    nomTypeDossier = NomenclatureSerializer(allow_null=True)
    txDescriptifGlobal = serializers.CharField(allow_blank=True)
    dtDepot = serializers.DateField(allow_null=True)
    commune = serializers.CharField()
    procedure = serializers.CharField()
    state = serializers.CharField()
    pieces = PlatauPieceSerializer(many=True)
    consultations = PlatauConsultationSerializer(many=True)


class ParcelCheckQuerySerializer(serializers.Serializer):
    commune = serializers.RegexField(INSEE_RE)
    ref = serializers.ListField(
        child=serializers.CharField(max_length=40), min_length=1, max_length=MAX_REFERENCES
    )
