"""Identity (issue 5): the INSEE referential's first load, the pre-fill, and the ID token check.

    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/identity.py

1. Referential: building the code → commune index (accounts.referential) against the baseline
   of only parsing the same JSON file; it happens once per process, on the first pre-fill.
2. Pre-fill: applicant_fields_from_claims on FranceConnect's 38 test identities.
3. ID token: accounts.oidc's verification (header, algorithm allow-list, key by kid, signature,
   claims) against a bare joserfc `jwt.decode` with the key given, interleaved, ES256.
No database, no network (the keys are put in the client's cache).
"""

import csv
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.conf import settings  # noqa: E402
from joserfc import jwt  # noqa: E402
from joserfc.jwk import ECKey, KeySet  # noqa: E402

from accounts import referential  # noqa: E402
from accounts.identity import applicant_fields_from_claims  # noqa: E402
from accounts.oidc import client as oidc  # noqa: E402
from accounts.oidc.providers import ProviderConfig  # noqa: E402

IDENTITIES = Path(settings.BASE_DIR).parent / "shared/data/franceconnect/fcp-low_citizen_base.csv"


def timed(fn, repeat=1):
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def referential_load():
    path = settings.PERMIS_COG_DATA_DIR / "communes.json"
    baseline = timed(lambda: json.loads(path.read_text(encoding="utf-8")))
    ours = timed(referential._communes)
    referential._communes.cache_clear()
    tracemalloc.start()  # a second build, for memory only (tracing slows it down)
    referential._communes()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    referential._departments()
    print(
        f"referential: parse only {baseline * 1000:.0f} ms; index built {ours * 1000:.0f} ms "
        f"({ours / baseline:.2f}×), {len(referential._communes()):,} codes, "
        f"peak {peak / 2**20:.0f} MiB while building"
    )


def prefill():
    with IDENTITIES.open(encoding="utf-8") as file:
        rows = [{k: v for k, v in row.items() if v} for row in csv.DictReader(file)]
    per_call = timed(lambda: [applicant_fields_from_claims(row) for row in rows], 200) / len(rows)
    print(f"pre-fill: {per_call * 1e6:.1f} µs per identity ({len(rows)} identities)")


def id_token(rounds=2000):
    key = ECKey.generate_key("P-256", parameters={"kid": "ec-1", "use": "sig"})
    config = ProviderConfig(
        name="franceconnect",
        label="FranceConnect",
        issuer="https://fc.example/api/v2",
        client_id="c",
        client_secret="s",
        scopes="openid",
        acr_values="eidas1",
        redirect_uri="",
        post_logout_redirect_uri="",
    )
    oidc._jwks[config.issuer] = KeySet.import_key_set({"keys": [key.as_dict(private=False)]})
    client = oidc.OIDCClient(config, "https://site.example/retour/")
    now = int(time.time())
    claims = {
        "iss": config.issuer,
        "aud": "c",
        "sub": "x" * 66,
        "iat": now,
        "exp": now + 600,
        "nonce": "n" * 43,
        "acr": "eidas1",
    }
    token = jwt.encode({"alg": "ES256", "kid": "ec-1"}, claims, key)
    ours, bare = [], []
    for _ in range(rounds):  # interleaved, so both see the same machine load
        ours.append(timed(lambda: client._check_id_token(client._verify_jwt(token), "n" * 43)))
        bare.append(timed(lambda: jwt.decode(token, key, algorithms=["ES256"])))
    o, b = statistics.median(ours), statistics.median(bare)
    print(
        f"ID token ES256: ours {o * 1e6:.0f} µs, bare joserfc {b * 1e6:.0f} µs "
        f"(×{o / b:.2f}), median of {rounds}"
    )


if __name__ == "__main__":
    referential_load()
    prefill()
    id_token()
