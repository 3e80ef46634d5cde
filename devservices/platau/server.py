"""A local PLAT'AU-shaped service playing the State's side for the demo and the tests.

It speaks the v10 resources the commune's connector calls (permits/platau), with PISTE's
OAuth2 client-credentials tokens, checks the shape of each call against the field names of
docs/platau.md, answers with PLAT'AU's paging (`numeroPage`, `nbElementsParPage`,
`nombrePages`, `resultats`) and keeps a journal. Under /_control/ a test scripts the State:
a prise en compte, an opinion (with prescriptions and a document, a refusal, a tacit one),
the préfecture's acknowledgement of an act, silence (do nothing), an HTTP error for the next
calls of a path (429, 503…), expired tokens.

Standard library only: `python devservices/platau/server.py --port 0` prints
`READY http://127.0.0.1:PORT` once listening. Loopback only.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import itertools
import json
import re
import secrets
import sys
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

API = "/mtes/platau/v10/"
TOKEN_PATH = "/api/oauth/token"  # noqa: S105 (a path, not a secret)
# The local client, known to the demo and the tests only.
CLIENT_ID, CLIENT_SECRET = "permis-local", "permis-local-secret"
TOKEN_SECONDS = 3600


class ShapeError(ValueError):
    """The call lacks a field PLAT'AU requires: answered 400 with PLAT'AU-like errors."""


def need(body: dict, *fields: str, where: str = "") -> None:
    missing = [f for f in fields if f not in body or body[f] in (None, "")]
    if missing:
        raise ShapeError(f"{where}champs obligatoires absents : {', '.join(missing)}")


def nomenclature(value, where: str) -> None:
    """PLAT'AU accepts a nomenclature as its integer code or as an `{idNom, libNom}` object."""
    if isinstance(value, dict):
        value = value.get("idNom")
    if not isinstance(value, int):
        raise ShapeError(f"{where} : code de nomenclature entier attendu")


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.tokens: dict[str, bool] = {}  # token -> still valid
        self.files: dict[str, bytes] = {}
        self.file_tokens: dict[str, str] = {}
        self.dossiers: dict[str, dict] = {}
        self.consultations: dict[str, dict] = {}
        self.acts: dict[str, dict] = {}
        self.notifications: list[dict] = []
        self.failures: list[dict] = []  # {"path": regex, "status": int, "times": int}
        self.journal: list[dict] = []
        self.actors = [
            {"idActeur": "ACT-UDAP-91", "designationActeur": "UDAP de l'Essonne (ABF)"},
            {"idActeur": "ACT-SDIS-91", "designationActeur": "SDIS 91"},
            {"idActeur": "ACT-PREF-91", "designationActeur": "Préfecture de l'Essonne"},
        ]

    def new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self.ids):05d}"

    def notify(self, kind: int, label: str, **ids) -> None:
        self.notifications.append(
            {
                "idNotification": len(self.notifications) + 1,
                "nomTypeEvenement": {"idNom": kind, "libNom": label},
                "dtCreationEvenement": date.today().isoformat(),
                **ids,
            }
        )


STATE = State()


def page(results: list, query: dict) -> dict:
    """PLAT'AU's paging: page numbers from 0, `nombrePages` of the whole result."""
    number = int(query.get("numeroPage", ["0"])[0])
    size = int(query.get("nbElementsParPage", ["100"])[0])
    pages = max(1, -(-len(results) // size)) if results else 0
    return {"nombrePages": pages, "resultats": results[number * size : (number + 1) * size]}


def consultation_view(c: dict) -> dict:
    """A consultation as `consultations/recherche` gives it: nested in its dossier."""
    dossier = STATE.dossiers[c["idDossier"]]
    inner = {k: v for k, v in c.items() if k != "idDossier"}
    return {
        "dossier": {
            "idDossier": dossier["idDossier"],
            "noVersion": dossier["noVersion"],
            "noLocal": dossier["noLocal"],
            "consultations": [inner],
        }
    }


class Handler(BaseHTTPRequestHandler):
    server_version = "PlatauLocal/10"

    def log_message(self, format, *args):
        sys.stderr.write("platau-local: " + (format % args) + "\n")

    # --- plumbing -------------------------------------------------------------------------

    def _reply(self, status: int, body=None, raw: bytes | None = None, headers=None):
        data = raw if raw is not None else json.dumps(body or {}, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header(
            "Content-Type",
            "application/octet-stream" if raw is not None else "application/json; charset=utf-8",
        )
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _json(self, raw: bytes):
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            raise ShapeError("corps JSON illisible") from None

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def _dispatch(self, method: str):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        raw = self._body() if method == "POST" else b""
        entry = {"method": method, "path": url.path, "query": url.query}
        with STATE.lock:
            STATE.journal.append(entry)
            try:
                status, body, extra = self._route(method, url.path, query, raw)
            except ShapeError as error:
                status, body, extra = 400, {"erreurs": [{"message": str(error)}]}, {}
            entry["status"] = status
            if method == "POST" and url.path.startswith(API) and not url.path.endswith("fichiers"):
                entry["body"] = self._json(raw) if raw else None
        if isinstance(body, bytes):
            self._reply(status, raw=body, headers=extra)
        else:
            self._reply(status, body, headers=extra)

    def _route(self, method, path, query, raw):
        if path.startswith("/_control/"):
            return self._control(path[len("/_control/") :], self._json(raw))
        if path == TOKEN_PATH and method == "POST":
            return self._token(raw)
        if path.startswith("/fichiers/"):
            return self._download(path.rsplit("/", 1)[1])
        if not path.startswith(API):
            return 404, {"erreurs": [{"message": "ressource inconnue"}]}, {}
        resource = path[len(API) :]
        for failure in STATE.failures:
            if failure["times"] > 0 and re.fullmatch(failure["path"], resource):
                failure["times"] -= 1
                return (
                    failure["status"],
                    {"erreurs": [{"message": "indisponible"}]},
                    ({"Retry-After": "0"} if failure["status"] == 429 else {}),
                )
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if not STATE.tokens.get(token):
            return 401, {"erreurs": [{"message": "jeton invalide ou expiré"}]}, {}
        if not self.headers.get("Id-Acteur-Appelant"):
            raise ShapeError("en-tête Id-Acteur-Appelant absent")
        if resource == "fichiers" and method == "POST":
            return self._upload(raw)
        body = self._json(raw) if method == "POST" else {}
        routes = {
            ("POST", "dossiers"): self._deposit,
            ("POST", "consultations"): self._consult,
            ("POST", "consultations/recherche"): self._search,
            ("POST", "pecMetier/consultations"): self._pec,
            ("POST", "avis"): self._opinion,
            ("POST", "acteurs/recherche"): self._actors,
            ("POST", "enrolement/acteurs"): self._enrol,
            ("POST", "actes"): self._act,
            ("GET", "notifications"): self._notifications,
        }
        pieces = re.fullmatch(r"dossiers/([\w-]+)/pieces", resource)
        if pieces and pieces.group(1) in STATE.dossiers:
            if method == "POST":
                return self._add_pieces(pieces.group(1), body)
            return 200, STATE.dossiers[pieces.group(1)]["pieces"], {}
        handler = routes.get((method, resource))
        if handler is None:
            return 404, {"erreurs": [{"message": "ressource inconnue"}]}, {}
        return handler(body, query)

    # --- PISTE ----------------------------------------------------------------------------

    def _token(self, raw: bytes):
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}, {}
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return 401, {"error": "invalid_client"}, {}
        token = secrets.token_urlsafe(24)
        STATE.tokens[token] = True
        return (
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": TOKEN_SECONDS,
                "scope": "openid",
            },
            {},
        )

    # --- files (Syncplicity's role in the real hub) ----------------------------------------

    def _upload(self, raw: bytes):
        if not raw:
            raise ShapeError("fichier vide")
        file_id = STATE.new_id("FIC")
        STATE.files[file_id] = raw
        return 201, {"fileId": file_id, "folderId": "DOSSIERS"}, {}

    def _download(self, file_id: str):
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if file_id not in STATE.files or STATE.file_tokens.get(file_id) != token:
            return 404, {"erreurs": [{"message": "fichier inconnu"}]}, {}
        return (
            200,
            STATE.files[file_id],
            {"Content-Disposition": f'attachment; filename="{file_id}.pdf"'},
        )

    def _documents(self, documents, where: str) -> list[dict]:
        """Documents refer to uploaded files by `fileId`, with `algoHash` SHA-512 and `hash`."""
        if not isinstance(documents, list):
            raise ShapeError(f"{where} : liste de documents attendue")
        for d in documents:
            need(
                d,
                "fileId",
                "algoHash",
                "hash",
                "nomTypeDocument",
                "dtProduction",
                where=f"{where} : ",
            )
            if d["algoHash"] != "SHA-512":
                raise ShapeError(f"{where} : algoHash SHA-512 attendu")
            content = STATE.files.get(d["fileId"])
            if content is None or hashlib.sha512(content).hexdigest() != d["hash"]:
                raise ShapeError(f"{where} : empreinte différente du fichier déposé")
        return documents

    # --- the commune's calls ---------------------------------------------------------------

    def _deposit(self, body, query):
        dossiers = body.get("dossiers")
        if not isinstance(dossiers, list) or not dossiers:
            raise ShapeError("dossiers : liste attendue")
        created = []
        for d in dossiers:
            need(
                d,
                "noLocal",
                "nomTypeDossier",
                "dtDepot",
                "txDescriptifGlobal",
                "idActeurServiceInstructeur",
                "codeInseeCommune",
                where="dossier : ",
            )
            nomenclature(d["nomTypeDossier"], "nomTypeDossier")
            date.fromisoformat(d["dtDepot"])
            if not re.fullmatch(r"[A-Z]{2}\d{13}", d["noLocal"]):
                raise ShapeError("noLocal : numéro A423-3 attendu (type, puis 13 chiffres)")
            same = [
                x
                for x in STATE.dossiers.values()
                if (x["noLocal"], x["suffixeNoLocal"])
                == (d["noLocal"], d.get("suffixeNoLocal", ""))
            ]
            if same:  # PLAT'AU refuses a second dossier with the same local number
                return (
                    409,
                    {
                        "erreurs": [
                            {"message": "dossier déjà déposé", "idDossier": same[0]["idDossier"]}
                        ]
                    },
                    {},
                )
            id_dossier = STATE.new_id("DOS")
            STATE.dossiers[id_dossier] = {
                "idDossier": id_dossier,
                "noVersion": 1,
                "suffixeNoLocal": d.get("suffixeNoLocal", ""),
                "pieces": [],
                **d,
            }
            created.append({"idDossier": id_dossier, "noLocal": d["noLocal"]})
        return 201, {"dossiers": created}, {}

    def _add_pieces(self, id_dossier, body):
        pieces = body.get("pieces")
        if not isinstance(pieces, list) or not pieces:
            raise ShapeError("pieces : liste attendue")
        created = []
        for p in pieces:
            need(
                p, "noPiece", "noVersion", "nomTypePiece", "dtDepot", "documents", where="pièce : "
            )
            self._documents(p["documents"], f"pièce {p['noPiece']}")
            id_piece = STATE.new_id("PIE")
            STATE.dossiers[id_dossier]["pieces"].append({"idPiece": id_piece, **p})
            created.append({"idPiece": id_piece, "noPiece": p["noPiece"]})
        return 201, {"pieces": created}, {}

    def _consult(self, body, query):
        need(body, "idDossier", "consultations")
        if body["idDossier"] not in STATE.dossiers:
            return 404, {"erreurs": [{"message": "dossier inconnu"}]}, {}
        created = []
        for c in body["consultations"]:
            need(
                c,
                "dtConsultation",
                "delaiDeReponse",
                "nomTypeDelai",
                "txObjetDeLaConsultation",
                "nomTypeConsultation",
                "idServiceConsulte",
                where="consultation : ",
            )
            nomenclature(c["nomTypeDelai"], "nomTypeDelai")
            nomenclature(c["nomTypeConsultation"], "nomTypeConsultation")
            if not isinstance(c["delaiDeReponse"], int) or c["delaiDeReponse"] <= 0:
                raise ShapeError("delaiDeReponse : entier positif attendu")
            id_consultation = STATE.new_id("CON")
            STATE.consultations[id_consultation] = {
                "idConsultation": id_consultation,
                "idDossier": body["idDossier"],
                "noVersion": 1,
                "dtEmission": date.today().isoformat(),
                "nomEtatConsultation": {"idNom": 1, "libNom": "Transmise"},
                "pecMetier": None,
                "avis": [],
                **c,
            }
            created.append({"idConsultation": id_consultation})
        return 201, {"consultations": created}, {}

    def _search(self, body, query):
        criteria = body.get("criteresSurConsultations")
        if not isinstance(criteria, dict):
            raise ShapeError("criteresSurConsultations : objet attendu")
        found = [
            consultation_view(c)
            for c in STATE.consultations.values()
            if all(c.get(k) == v for k, v in criteria.items() if k == "idConsultation")
        ]
        return 200, page(found, query), {}

    def _actors(self, body, query):
        wanted = body.get("designationActeur") or body.get("idActeur")
        found = [a for a in STATE.actors if wanted in (a["idActeur"], a["designationActeur"])]
        return 200, page(found, query), {}

    def _enrol(self, body, query):
        services = body.get("servicesConsultables")
        if not isinstance(services, list) or not services:
            raise ShapeError("servicesConsultables : liste attendue")
        created = []
        for s in services:
            need(s, "designationActeur", "mail", "siren", where="service consultable : ")
            actor = {"idActeur": STATE.new_id("ACT"), "designationActeur": s["designationActeur"]}
            STATE.actors.append(actor)
            created.append(actor)
        return 201, {"servicesConsultables": created}, {}

    def _act(self, body, query):
        need(body, "idDossier", "nomTypeActe", "dtSignature", "documents")
        if body["idDossier"] not in STATE.dossiers:
            return 404, {"erreurs": [{"message": "dossier inconnu"}]}, {}
        nomenclature(body["nomTypeActe"], "nomTypeActe")
        self._documents(body["documents"], "acte")
        id_acte = STATE.new_id("ACTE")
        STATE.acts[id_acte] = body
        return 201, {"idActe": id_acte}, {}

    def _notifications(self, body, query):
        after = int(query.get("offset", ["0"])[0])
        return (
            200,
            {"notifications": [n for n in STATE.notifications if n["idNotification"] > after]},
            {},
        )

    # --- the consulted service's calls (as prevarisc-passerelle-platau makes them) ----------

    def _consultation_of(self, item: dict) -> dict:
        need(item, "idConsultation")
        found = STATE.consultations.get(item["idConsultation"])
        if found is None:
            raise ShapeError(f"consultation inconnue : {item['idConsultation']}")
        return found

    def _pec(self, body, query):
        for entry in body if isinstance(body, list) else [body]:
            need(entry, "idDossier", "noVersion", "consultations", where="PEC : ")
            for item in entry["consultations"]:
                need(item, "idConsultation", "noVersion", "pecMetier", where="PEC : ")
                pec = item["pecMetier"]
                need(
                    pec,
                    "dtPecMetier",
                    "dtLimiteReponse",
                    "idActeurEmetteur",
                    "nomStatutPecMetier",
                    where="pecMetier : ",
                )
                nomenclature(pec["nomStatutPecMetier"], "nomStatutPecMetier")
                consultation = self._consultation_of(item)
                consultation["pecMetier"] = pec
                consultation["nomEtatConsultation"] = {"idNom": 3, "libNom": "Prise en compte"}
                STATE.notify(
                    20,
                    "Prise en compte métier d'une consultation",
                    idDossier=entry["idDossier"],
                    idConsultation=item["idConsultation"],
                )
        return 201, {}, {}

    def _opinion(self, body, query):
        for entry in body if isinstance(body, list) else [body]:
            need(entry, "idDossier", "noVersion", "avis", where="avis : ")
            for avis in entry["avis"]:
                need(
                    avis,
                    "idConsultation",
                    "nomNatureAvisRendu",
                    "nomTypeAvis",
                    "dtAvis",
                    "idActeurAuteur",
                    where="avis : ",
                )
                if not isinstance(avis.get("boEstTacite"), bool):
                    raise ShapeError("boEstTacite : booléen attendu")
                nomenclature(avis["nomNatureAvisRendu"], "nomNatureAvisRendu")
                nomenclature(avis["nomTypeAvis"], "nomTypeAvis")
                if not avis["boEstTacite"]:
                    need(avis, "txAvis", where="avis exprès : ")
                documents = self._documents(avis.get("documents", []), "avis")
                consultation = self._consultation_of(avis)
                id_avis = STATE.new_id("AVI")
                for d in documents:  # the hub serves each file behind its own token
                    STATE.file_tokens[d["fileId"]] = token = secrets.token_urlsafe(12)
                    d["url"] = f"{self._base()}/fichiers/{d['fileId']}"
                    d["token"] = token
                consultation["avis"].append({"idAvis": id_avis, **avis})
                consultation["nomEtatConsultation"] = {"idNom": 6, "libNom": "Avis rendu"}
                STATE.notify(
                    30,
                    "Avis rendu sur une consultation",
                    idDossier=entry["idDossier"],
                    idConsultation=avis["idConsultation"],
                    idAvis=id_avis,
                )
        return 201, {}, {}

    def _base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    # --- the tests' controls ---------------------------------------------------------------

    def _control(self, action: str, body: dict):
        if action == "reset":  # a new test starts from an empty hub
            global STATE
            STATE = State()
            return 200, {}, {}
        if action == "journal":
            return 200, {"journal": STATE.journal}, {}
        if action == "fail":  # the next `times` calls of `path` (a regex) answer `status`
            STATE.failures.append(
                {
                    "path": body["path"],
                    "status": int(body["status"]),
                    "times": int(body.get("times", 1)),
                }
            )
            return 200, {}, {}
        if action == "expire-tokens":
            STATE.tokens = dict.fromkeys(STATE.tokens, False)
            return 200, {}, {}
        if action == "state":
            return (
                200,
                {
                    "dossiers": STATE.dossiers,
                    "consultations": STATE.consultations,
                    "acts": STATE.acts,
                    "actors": STATE.actors,
                },
                {},
            )
        if action == "notify":  # a raw notification, e.g. about a consultation nobody sent
            STATE.notify(body["kind"], body["label"], **body.get("ids", {}))
            return 200, {}, {}
        consultation_action = re.fullmatch(r"consultations/([\w-]+)/(pec|avis)", action)
        if consultation_action:
            return self._play_service(*consultation_action.groups(), body)
        act_action = re.fullmatch(r"actes/([\w-]+)/accuse", action)
        if act_action:
            act = STATE.acts[act_action.group(1)]
            STATE.notify(
                40,
                "Accusé de réception du contrôle de légalité",
                idDossier=act["idDossier"],
                idActe=act_action.group(1),
                dtAccuseReception=body.get("on", date.today().isoformat()),
            )
            return 200, {}, {}
        return 404, {}, {}

    def _play_service(self, id_consultation: str, what: str, body: dict):
        """The consulted service answers through the hub's own resources, checked as any
        caller's: a prise en compte, or an opinion with its text, prescriptions and files."""
        consultation = STATE.consultations[id_consultation]
        dossier = STATE.dossiers[consultation["idDossier"]]
        actor = consultation["idServiceConsulte"]
        today = date.today()
        if what == "pec":
            limit = today + timedelta(days=consultation["delaiDeReponse"])
            return self._pec(
                [
                    {
                        "idDossier": dossier["idDossier"],
                        "noVersion": dossier["noVersion"],
                        "consultations": [
                            {
                                "idConsultation": id_consultation,
                                "noVersion": 1,
                                "pecMetier": {
                                    "dtPecMetier": today.isoformat(),
                                    "dtLimiteReponse": limit.isoformat(),
                                    "idActeurEmetteur": actor,
                                    "nomStatutPecMetier": 1,
                                    "txObservations": "",
                                    "documents": [],
                                },
                            }
                        ],
                    }
                ],
                {},
            )
        documents = []
        for document in body.get("documents", []):
            content = base64.b64decode(document["base64"])
            file_id = STATE.new_id("FIC")
            STATE.files[file_id] = content
            digest = hashlib.sha512(content).hexdigest()
            documents.append(
                {
                    "fileId": file_id,
                    "folderId": "AVIS",
                    "algoHash": "SHA-512",
                    "hash": digest,
                    "nomTypeDocument": 9,
                    "nomTypeProducteurDoc": 1,
                    "dtProduction": today.isoformat(),
                    "idActeurProducteur": actor,
                    "nomDocument": document.get("name", "avis.pdf"),
                }
            )
        prescriptions = body.get("prescriptions", [])
        text = body.get("text", "")
        if prescriptions:
            text += "\nPrescriptions :\n" + "\n".join(f"- {p}" for p in prescriptions)
        avis = {
            "idConsultation": id_consultation,
            "boEstTacite": bool(body.get("tacit")),
            "nomNatureAvisRendu": int(body.get("nature", 2 if prescriptions else 1)),
            "nomTypeAvis": int(body.get("type", 1)),
            "txAvis": text,
            "dtAvis": body.get("on", today.isoformat()),
            "idActeurAuteur": actor,
            "documents": documents,
        }
        entry = {
            "idDossier": dossier["idDossier"],
            "noVersion": dossier["noVersion"],
            "avis": [avis],
        }
        status, reply, extra = self._opinion([entry], {})
        for d, original in zip(documents, body.get("documents", []), strict=True):
            if original.get("corrupt_after_hash"):  # the file served no longer matches its hash
                STATE.files[d["fileId"]] += b"altered"
        return status, reply, extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    host, port = server.server_address[:2]
    print(f"READY http://{host}:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
