"""Finding what a PDF would run or carry beyond its pages: such a piece is refused, not cleaned.

A piece is opened by the officers who instruct it and by the public on the registers: a PDF that
runs JavaScript, launches a program, submits a form or carries other files is refused with the
feature and the page named, so the applicant can export a plain copy (docs/security.md). Nothing
is neutralised: what is stored is what was filed, byte for byte, as the evidence of the dossier.

The walk follows every object reachable from the trailer through pypdf, which reads object
streams too: JavaScript hidden in a compressed object stream is found like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

# Action types (/S) that run code, open or send something (ISO 32000-1 §12.6.4).
ACTIONS = {
    "/JavaScript": "du JavaScript",
    "/Launch": "une commande qui lance un programme (action Launch)",
    "/SubmitForm": "un formulaire qui envoie des données (action SubmitForm)",
    "/ImportData": "une importation de données (action ImportData)",
    "/GoToE": "un lien vers un document incorporé (action GoToE)",
    "/Rendition": "une lecture de média (action Rendition)",
    "/RichMediaExecute": "un contenu multimédia actif (RichMedia)",
}
# Keys whose mere presence is an active feature or a carried file.
KEYS = {
    "/JS": "du JavaScript",
    "/JavaScript": "du JavaScript",  # the catalogue's name tree of document scripts
    "/AA": "des actions automatiques (AA)",
    "/XFA": "un formulaire dynamique XFA",
    "/EmbeddedFiles": "un fichier incorporé",
    "/EF": "un fichier incorporé",
    "/RichMediaContent": "un contenu multimédia actif (RichMedia)",
}
TYPES = {
    "/EmbeddedFile": "un fichier incorporé",
    "/RichMedia": "un contenu multimédia actif (RichMedia)",
    "/FileAttachment": "un fichier incorporé (annotation FileAttachment)",
}
PAGE_TYPES = {"/Page", "/Pages"}


@dataclass(frozen=True)
class ActiveContent:
    feature: str  # French, "du JavaScript"
    where: str  # French, "en page 3", "à l'ouverture du document", "dans le document"

    def message(self) -> str:
        """The French refusal shown to the uploader, with the way to fix the file."""
        return (
            f"Ce PDF contient {self.feature}, {self.where}. Les contenus actifs ne sont pas "
            "acceptés dans une pièce, car ils s'exécuteraient chez les personnes qui "
            "l'ouvrent. Réenregistrez le document avec « Imprimer › Enregistrer au format PDF » "
            "(ou exportez-le sans ce contenu), puis déposez la nouvelle version."
        )


def _feature(obj: DictionaryObject) -> str | None:
    for key, feature in KEYS.items():
        if key in obj:
            return feature
    kind = obj.get("/S")
    if kind in ACTIONS:
        return ACTIONS[kind]
    for key in ("/Type", "/Subtype"):
        if obj.get(key) in TYPES:
            return TYPES[obj[key]]
    return None


class _Walker:
    """Visits each object once; a page's walk stops at other pages, so what a page holds is
    named with that page's number."""

    def __init__(self):
        self.seen: set[tuple[int, int]] = set()

    def find(self, start, where: str, pages=True, own_page=None) -> ActiveContent | None:
        """`pages=False`: stop at page objects, except `own_page` (a reference)."""
        stack = [start]
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                ref = (obj.idnum, obj.generation)
                if ref in self.seen:
                    continue
                resolved = obj.get_object()
                if (
                    not pages
                    and isinstance(resolved, DictionaryObject)
                    and resolved.get("/Type") in PAGE_TYPES
                    and ref != own_page
                ):
                    continue  # another page, or the tree: walked in its own turn
                self.seen.add(ref)
                obj = resolved
            if isinstance(obj, DictionaryObject):  # streams are dictionaries too
                feature = _feature(obj)
                if feature:
                    return ActiveContent(feature, where)
                stack.extend(v for k, v in obj.items() if k != "/Parent")
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)
        return None


def find_active_content(reader: PdfReader) -> ActiveContent | None:
    """The first active feature of the document, where it is; None for a plain PDF."""
    walker = _Walker()
    root = reader.trailer["/Root"]
    opening = root.get_object().get("/OpenAction")
    if opening is not None:
        found = walker.find(opening, "à l'ouverture du document", pages=False)
        if found:
            return found
    for number, page in enumerate(reader.pages, start=1):
        ref = page.indirect_reference
        own = (ref.idnum, ref.generation) if ref is not None else None
        found = walker.find(
            page if ref is None else ref, f"en page {number}", pages=False, own_page=own
        )
        if found:
            return found
    # The catalogue (names, forms, outlines…) and everything else reachable.
    return walker.find(reader.trailer.get("/Root"), "dans le document")
