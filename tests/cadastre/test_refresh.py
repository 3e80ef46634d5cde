"""The periodic refresh against a local HTTP server playing cadastre.data.gouv.fr and the
Géoportail de l'urbanisme: off by default; when configured, the changed files are imported
through simulated-then-applied runs, an already applied file (same SHA-256) is skipped."""

import functools
import json
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cadastre.models import ImportRun, Parcel, Zone
from cadastre.refresh import refresh
from tests.cadastre.conftest import CADASTRE_91216, PLU_30014
from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def source_server(tmp_path):
    """A real HTTP server on 127.0.0.1 serving tmp_path/www."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def publish(root):
    data = json.loads(CADASTRE_91216.read_text())
    data["features"][0]["properties"]["contenance"] += 1  # a new millésime changes one parcel
    etalab = root / "etalab" / "91" / "91216"
    etalab.mkdir(parents=True)
    (etalab / "cadastre-91216-parcelles.json").write_text(json.dumps(data))
    (root / "gpu").mkdir()
    with zipfile.ZipFile(root / "gpu" / "DU_30014.zip", "w", zipfile.ZIP_DEFLATED) as out:
        for path in PLU_30014.rglob("*"):
            if path.is_file() and "Pieces_ecrites" not in path.parts:
                out.write(path, path.relative_to(PLU_30014))


def test_refresh_is_off_without_a_configured_url(settings):
    settings.PERMIS_CADASTRE_REFRESH_URL = settings.PERMIS_GPU_REFRESH_URL = ""
    CommuneFactory()
    assert refresh() == []
    assert not ImportRun.objects.exists()


def test_refresh_imports_what_changed_and_skips_what_was_applied(
    settings, cadastre_91216, source_server, tmp_path
):
    root, base = source_server
    publish(root)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PERMIS_CADASTRE_REFRESH_URL = (
        base + "/etalab/{dep}/{insee}/cadastre-{insee}-parcelles.json"
    )
    settings.PERMIS_GPU_REFRESH_URL = base + "/gpu/{partition}.zip"
    CommuneFactory()  # 91216: its cadastre; no GPU document published (404, logged)
    CommuneFactory(insee_code="30014", name="Beaucaire", population=16000)  # no cadastre (404)

    done = refresh()
    assert sorted((r.commune.insee_code, r.kind, r.status) for r in done) == [
        ("30014", "urba", "applied"),
        ("91216", "parcels", "applied"),
    ]
    by_kind = {r.kind: r for r in done}
    assert by_kind["parcels"].report["updated"] == 1 and by_kind["parcels"].created_by is None
    assert by_kind["urba"].report["counts"] == {"zones": 90}
    assert Zone.objects.filter(idurba="30014_PLU_20171013").count() == 90
    feature = json.loads(CADASTRE_91216.read_text())["features"][0]
    changed = Parcel.objects.get(idu=feature["id"]).contenance_m2
    assert changed == feature["properties"]["contenance"] + 1

    assert refresh() == []  # the same files again: nothing imported
    assert ImportRun.objects.count() == 2
