"""Where signed documents are kept: the Django storage named "documents" (settings.STORAGES).

The filesystem under PERMIS_DOCUMENTS_ROOT by default; the S3-compatible bucket, under the
`documents/` prefix, when PERMIS_S3_BUCKET is set (docs/scaling.md). `IssuedDocument.
storage_path` is the name inside that storage — the same relative name in both — so a
filesystem tree copied into the bucket under `documents/` keeps every row valid.
Files are private: they are only read back through the authorised views, never by URL.
"""

from __future__ import annotations

import os

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, storages

from permits.decisions import conf

ALIAS = "documents"


class DocumentFileSystemStorage(FileSystemStorage):
    """The filesystem default, rooted at PERMIS_DOCUMENTS_ROOT read at each use (like the rest
    of permits.decisions.conf), so that a test or a command can point it elsewhere."""

    @property
    def base_location(self):
        """The documents' root, read when used rather than at import: tests point
        PERMIS_DOCUMENTS_ROOT elsewhere."""
        return self._value_or_setting(self._location, str(conf.documents_root()))

    @property
    def location(self):
        """The absolute root, as FileSystemStorage expects it."""
        return os.path.abspath(self.base_location)


def documents_storage() -> Storage:
    """The storage of issued documents (STORAGES alias), separate from the uploaded pieces."""
    return storages[ALIAS]


def store(name: str, pdf: bytes) -> str:
    """Writes a new file and returns its final name (a backend may change it, never
    overwriting an existing file)."""
    return documents_storage().save(name, ContentFile(pdf), max_length=300)


def remove(name: str) -> None:
    """Deletes a written file the signing could not register (a race lost, a refusal, a crash)."""
    documents_storage().delete(name)


def remove_strays(kept: str, prefix: str) -> None:
    """Deletes the files beside `kept` whose names start with `prefix`: those of workers killed
    between writing their file and recording it. Called once the row names `kept`; a signed
    row never changes, so none of them can become the registered file."""
    folder, _, base = kept.rpartition("/")
    documents = documents_storage()
    for other in documents.listdir(folder)[1]:
        if other.startswith(prefix) and other != base:
            documents.delete(f"{folder}/{other}")


def open_signed(document) -> File:
    """The stored file of a signed document, to stream; FileNotFoundError if it is missing."""
    return documents_storage().open(document.storage_path, "rb")


def read_signed(document) -> bytes:
    """The registered file's bytes; FileNotFoundError when the store lost it, said to the reader,
    never hidden."""
    with open_signed(document) as stored:
        return stored.read()
