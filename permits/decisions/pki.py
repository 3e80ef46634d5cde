"""The development PKI: a commune CA, one certificate per signatory, the commune's organisation
seal, a time-stamping unit.

ECDSA P-256 for the CA and the signatories (architecture: chosen parts). Private keys are
never written in clear: the CA and TSA keys as encrypted PKCS#8, each signatory's key and
certificate as an encrypted PKCS#12 (AES-256, PBKDF2), all with PERMIS_PKI_PASSPHRASE. A real
deployment replaces this with RGS/eIDAS certificates (§7.2, §7.3) held on a token (PKCS#11) or
in such PKCS#12 files; only the trust roots in PERMIS_PKI_DIR change.

Layout of the folder:
  ca.pem, ca.key.pem, crl.pem       commune CA, its encrypted key, its (empty) CRL
  tsa.pem, tsa.key.pem              the development time-stamping unit (PERMIS_TSA_URL=dev)
  signatories/<key_name>.p12        one per signatory
  signatories/<key_name>.pem        the certificate alone (PKCS#11 signatories: key in token)
  seals/cachet-<INSEE>.p12          the commune's seal (a certificate of the commune as a legal
  seals/cachet-<INSEE>.pem          person, ETSI EN 319 412-3): letters issued by an officer's act
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from permits.french import of_place

CA_YEARS = 10
SIGNATORY_YEARS = 3
CURVE = ec.SECP256R1()


@dataclass(frozen=True)
class Authority:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _encryption(passphrase: bytes):
    return (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(50000)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(passphrase)
    )


def _name(**parts: str) -> x509.Name:
    oids = {
        "cn": NameOID.COMMON_NAME,
        "given": NameOID.GIVEN_NAME,
        "surname": NameOID.SURNAME,
        "title": NameOID.TITLE,
        "org": NameOID.ORGANIZATION_NAME,
        "org_id": NameOID.ORGANIZATION_IDENTIFIER,
        "country": NameOID.COUNTRY_NAME,
    }
    return x509.Name([x509.NameAttribute(oids[k], v) for k, v in parts.items() if v])


def create_ca(commune_name: str) -> Authority:
    """A self-signed development CA for the commune, so that the demo and the tests sign real PAdES
    documents without a qualified provider."""
    key = ec.generate_private_key(CURVE)
    name = _name(
        cn=f"AC de développement – {commune_name}"[:64],  # X.520: CN ≤ 64 characters
        org=f"Commune {of_place(commune_name)}"[:64],
        country="FR",
    )
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(key, cert)


def issue(
    ca: Authority,
    public_key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey,
    subject: x509.Name,
    *,
    timestamping: bool = False,
    years: int = SIGNATORY_YEARS,
) -> x509.Certificate:
    """A signatory certificate (non-repudiation) or, with `timestamping`, a TSA certificate."""
    now = _now()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not timestamping,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if timestamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return builder.sign(ca.key, hashes.SHA256())


def signatory_subject(given_name: str, family_name: str, capacity: str, commune: str) -> x509.Name:
    """The certificate subject of a signatory: name, capacity and commune, what a PDF reader shows
    as the signer."""
    return _name(
        cn=f"{given_name} {family_name.upper()}",
        given=given_name,
        surname=family_name.upper(),
        title=capacity[:64],
        org=f"Commune {of_place(commune)}"[:64],
        country="FR",
    )


def seal_key_name(insee_code: str) -> str:
    """The seal's key name: its PKCS#12 file in seals/, or its key label in a PKCS#11 token."""
    return f"cachet-{insee_code}"


def seal_subject(organisation: str, insee_code: str) -> x509.Name:
    """A legal person's certificate (ETSI EN 319 412-3): the organisation's name and identifier,
    no given name or surname — which is how /verifier tells a seal from a person's signature.
    The identifier is a development one (national scheme "FR:", INSEE code); a real seal
    certificate carries the commune's SIREN ("NTRFR-2…")."""
    organisation = organisation[:64]  # X.520: ≤ 64 characters
    return _name(cn=organisation, org=organisation, org_id=f"FR:INSEE-{insee_code}", country="FR")


def empty_crl(ca: Authority) -> x509.CertificateRevocationList:
    """The development CA's CRL, empty: the revocation data a B-LT signature embeds."""
    now = _now()
    return (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.cert.subject)
        .last_update(now - dt.timedelta(minutes=5))
        .next_update(now + dt.timedelta(days=365))
        .sign(ca.key, hashes.SHA256())
    )


# --- files ------------------------------------------------------------------------------------


def _write(path: Path, data: bytes, *, secret: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if secret:
        path.chmod(0o600)


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key, passphrase: bytes) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )


def load_authority(directory: Path, name: str, passphrase: bytes) -> Authority:
    """A CA or TSA kept by ensure_authorities, its key decrypted with the passphrase."""
    cert = x509.load_pem_x509_certificate((directory / f"{name}.pem").read_bytes())
    key = serialization.load_pem_private_key(
        (directory / f"{name}.key.pem").read_bytes(), passphrase
    )
    return Authority(key, cert)


def ensure_authorities(directory: Path, passphrase: bytes, commune_name: str) -> Authority:
    """The CA, its CRL and the development TSA, created once; returns the CA."""
    if (directory / "ca.pem").exists():
        return load_authority(directory, "ca", passphrase)
    ca = create_ca(commune_name)
    _write(directory / "ca.pem", _pem(ca.cert))
    _write(directory / "ca.key.pem", _key_pem(ca.key, passphrase), secret=True)
    _write(directory / "crl.pem", empty_crl(ca).public_bytes(serialization.Encoding.PEM))
    # RSA for the time-stamping unit only: pyHanko's in-process TSA signs with RSA. Signatory
    # keys stay ECDSA P-256.
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    tsa_cert = issue(
        ca,
        tsa_key.public_key(),
        _name(cn=f"Horodatage de développement – {commune_name}"[:64], country="FR"),
        timestamping=True,
        years=CA_YEARS - 1,
    )
    _write(directory / "tsa.pem", _pem(tsa_cert))
    _write(directory / "tsa.key.pem", _key_pem(tsa_key, passphrase), secret=True)
    return ca


def write_pkcs12_signatory(
    directory: Path,
    ca: Authority,
    passphrase: bytes,
    *,
    key_name: str,
    subject: x509.Name,
    folder: str = "signatories",
) -> Path:
    """A new key pair and certificate for one signatory (or, in folder "seals", the commune's
    seal), as an encrypted PKCS#12."""
    key = ec.generate_private_key(CURVE)
    cert = issue(ca, key.public_key(), subject)
    path = directory / folder / f"{key_name}.p12"
    data = pkcs12.serialize_key_and_certificates(
        key_name.encode(), key, cert, [ca.cert], _encryption(passphrase)
    )
    _write(path, data, secret=True)
    _write(path.with_suffix(".pem"), _pem(cert))
    return path


def write_pkcs12_seal(
    directory: Path, ca: Authority, passphrase: bytes, *, organisation: str, insee_code: str
) -> Path:
    """The commune's organisation seal, as an encrypted PKCS#12 in seals/. `organisation`:
    "Commune d'Épinay-sur-Orge" (permits.decisions.content.commune_organisation)."""
    return write_pkcs12_signatory(
        directory,
        ca,
        passphrase,
        key_name=seal_key_name(insee_code),
        subject=seal_subject(organisation, insee_code),
        folder="seals",
    )
