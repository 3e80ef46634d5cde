"""Decision documents: arrêtés, certificates and letters as signed PDF/A, and their verification.

facts.py      plain dataclasses read once from a dossier (no ORM below this line)
content.py    what each document says: visas, considérants, articles, annex (pure Python)
rendering.py  HTML templates → PDF/A-3b (WeasyPrint), with the verification QR code
pki.py        the development PKI (commune CA, signatories, TSA), ECDSA P-256
signing.py    PAdES signature with pyHanko (PKCS#12 or PKCS#11 keys)
verification.py  the checks behind /verifier
issuing.py    the pending → signed life of an IssuedDocument, with its event
tasks.py      the signing job (procrastinate)
"""

import logging

# WeasyPrint logs each rendering step at INFO: keep its warnings only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
