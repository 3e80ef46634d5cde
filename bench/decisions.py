"""Benchmark: render and sign one arrêté (PDF/A-3b + PAdES B-B), against a bare WeasyPrint
render of the same HTML in the same run.

    .venv/bin/python bench/decisions.py [--runs 20] [--per-worker 10]

Measures, on one arrêté (accord avec prescriptions, 4 pages, QR code):
- the median time of a bare render (`HTML(string).write_pdf()`, no PDF/A) — the baseline;
- the median time of the PDF/A render, and of render + signature (what the signing job does,
  minus the database);
- documents per second with two worker processes, for the bare render and for render + sign.
Targets (issue 6): the time per signed arrêté and the ratio render+sign / bare render, as
recorded in docs/benchmarks.md.
No database is used: the PKI is created in a temporary folder.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
PKI = tempfile.mkdtemp(prefix="bench-pki-")
os.environ["PERMIS_PKI_DIR"] = PKI
os.environ.pop("PERMIS_TSA_URL", None)

import django  # noqa: E402

django.setup()

from permits.decisions import conf, pki  # noqa: E402
from permits.decisions.content import Judgement, decision_content  # noqa: E402
from permits.decisions.rendering import html_to_pdf, render_html  # noqa: E402
from permits.decisions.signing import sign_document  # noqa: E402
from tests.decisions.conftest import FACTS, MAYOR  # noqa: E402  (the arrêté the tests sign)
from workflow.outcomes import Outcome  # noqa: E402


def content(i: int) -> dict:
    return decision_content(
        FACTS,
        Judgement(
            Outcome.GRANT_WITH_PRESCRIPTIONS,
            considerants=("que le projet est situé aux abords d'un monument historique",),
            prescriptions=("Toiture en tuiles plates.",),
        ),
        MAYOR,
        reference=f"URBA2026_{i:05d}",
        issued_on=date(2026, 5, 4),
    ).as_dict()


def bare(i: int) -> float:
    html = render_html(content(i))
    start = time.perf_counter()
    html_to_pdf(html, pdfa=False)
    return time.perf_counter() - start


def pdfa(i: int) -> float:
    html = render_html(content(i))
    start = time.perf_counter()
    html_to_pdf(html)
    return time.perf_counter() - start


def render_and_sign(i: int) -> float:
    start = time.perf_counter()
    pdf = html_to_pdf(render_html(content(i)))
    sign_document(pdf, key_name="maire", reason="bench", location="Épinay-sur-Orge")
    return time.perf_counter() - start


def _warm(fn) -> None:
    fn(0)  # each worker loads fonts, templates, pyHanko and the key once
    fn(1)


def throughput(fn, count: int) -> float:
    with ProcessPoolExecutor(max_workers=2, initializer=_warm, initargs=(fn,)) as pool:
        list(pool.map(time.sleep, [0.5, 0.5]))  # wait until both workers are up and warm
        start = time.perf_counter()
        list(pool.map(fn, range(count)))
        return count / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--per-worker", type=int, default=10)
    args = parser.parse_args()
    ca = pki.ensure_authorities(Path(PKI), conf.pki_passphrase(), "Épinay-sur-Orge")
    pki.write_pkcs12_signatory(
        Path(PKI),
        ca,
        conf.pki_passphrase(),
        key_name="maire",
        subject=pki.signatory_subject("Jean", "Durand", "Maire", "Épinay-sur-Orge"),
    )
    for i in range(2):  # warm-up: fonts, templates, pyHanko imports
        render_and_sign(i)
    times = {"bare": [], "pdfa": [], "signed": []}
    for i in range(args.runs):  # interleaved, so that load on the machine hits all three
        times["bare"].append(bare(i))
        times["pdfa"].append(pdfa(i))
        times["signed"].append(render_and_sign(i))
    med = {k: statistics.median(v) for k, v in times.items()}
    count = 2 * args.per_worker
    bare_rate = throughput(bare, count)
    signed_rate = throughput(render_and_sign, count)
    pages = len(html_to_pdf(render_html(content(0)))) // 1024
    print(f"| measure ({args.runs} runs, medians) | value |")
    print("|---|---|")
    print(f"| bare WeasyPrint render (baseline) | {med['bare'] * 1000:.0f} ms |")
    print(f"| PDF/A-3b render | {med['pdfa'] * 1000:.0f} ms |")
    print(f"| PDF/A-3b render + PAdES B-B signature | {med['signed'] * 1000:.0f} ms |")
    print(f"| overhead ratio (render+sign / bare) | {med['signed'] / med['bare']:.2f} |")
    print(f"| 2 workers, bare render | {bare_rate:.2f} documents/s |")
    print(f"| 2 workers, render + sign | {signed_rate:.2f} documents/s |")
    print(f"| size of the unsigned PDF/A | {pages} KiB |")


if __name__ == "__main__":
    main()
