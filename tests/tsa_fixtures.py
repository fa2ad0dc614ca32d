"""A Time-Stamp Authority on 127.0.0.1 for the tests (RFC 3161 over HTTP): its own
CA and TSA certificate made with `cryptography`, responses encoded in DER here (a
TSA is the server side, which no maintained Python client provides). Variants: a
TSA whose certificate has expired, and one whose CA nobody trusts."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from rfc3161_client._rust import parse_timestamp_request

# -- DER ------------------------------------------------------------------------


def _len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + _len(len(value)) + value


def seq(*parts: bytes) -> bytes:
    return tlv(0x30, b"".join(parts))


def set_of(*parts: bytes) -> bytes:
    return tlv(0x31, b"".join(sorted(parts)))


def integer(n: int) -> bytes:
    raw = n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big", signed=True)
    return tlv(0x02, raw)


def oid(dotted: str) -> bytes:
    nums = [int(x) for x in dotted.split(".")]
    body = bytes([40 * nums[0] + nums[1]])
    for n in nums[2:]:
        chunk = [n & 0x7F]
        n >>= 7
        while n:
            chunk.insert(0, 0x80 | (n & 0x7F))
            n >>= 7
        body += bytes(chunk)
    return tlv(0x06, body)


def octets(data: bytes) -> bytes:
    return tlv(0x04, data)


def explicit(n: int, value: bytes) -> bytes:
    return tlv(0xA0 + n, value)


NULL = b"\x05\x00"
SHA256 = "2.16.840.1.101.3.4.2.1"
SHA256_RSA = "1.2.840.113549.1.1.11"
SIGNED_DATA = "1.2.840.113549.1.7.2"
TST_INFO = "1.2.840.113549.1.9.16.1.4"
CONTENT_TYPE = "1.2.840.113549.1.9.3"
MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
SIGNING_CERT_V2 = "1.2.840.113549.1.9.16.2.47"
POLICY = "1.3.6.1.4.1.99999.1"


# -- certificates ------------------------------------------------------------------


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


@dataclass
class Authority:
    """A CA and the TSA certificate it issued."""

    ca_cert: x509.Certificate
    tsa_cert: x509.Certificate
    tsa_key: rsa.RSAPrivateKey

    def ca_pem(self) -> bytes:
        return self.ca_cert.public_bytes(serialization.Encoding.PEM)


def make_authority(name: str = "Test TSA", expired: bool = False) -> Authority:
    now = dt.datetime.now(dt.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_cert = (x509.CertificateBuilder().subject_name(_name(name + " CA"))
               .issuer_name(_name(name + " CA")).public_key(ca_key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=30))
               .not_valid_after(now + dt.timedelta(days=3650))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                            False), critical=True)
               .sign(ca_key, hashes.SHA256()))
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    until = now - dt.timedelta(days=1) if expired else now + dt.timedelta(days=365)
    tsa_cert = (x509.CertificateBuilder().subject_name(_name(name))
                .issuer_name(ca_cert.subject).public_key(tsa_key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=10)).not_valid_after(until)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                               critical=True)
                .add_extension(x509.KeyUsage(True, False, False, False, False, False, False,
                                             False, False), critical=True)
                .sign(ca_key, hashes.SHA256()))
    return Authority(ca_cert, tsa_cert, tsa_key)


# -- responses ----------------------------------------------------------------------


def respond(authority: Authority, request_der: bytes, serial: int) -> bytes:
    request = parse_timestamp_request(request_der)
    imprint = request.message_imprint
    gen_time = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%SZ").encode("ascii")
    tst_fields = [integer(1), oid(POLICY),
                  seq(seq(oid(imprint.hash_algorithm.dotted_string), NULL),
                      octets(imprint.message)),
                  integer(serial), tlv(0x18, gen_time)]
    if request.nonce is not None:
        tst_fields.append(integer(request.nonce))
    tst_info = seq(*tst_fields)
    cert_der = authority.tsa_cert.public_bytes(serialization.Encoding.DER)
    ess = seq(seq(seq(octets(hashlib.sha256(cert_der).digest()))))  # SigningCertificateV2
    attributes = [seq(oid(CONTENT_TYPE), set_of(oid(TST_INFO))),
                  seq(oid(MESSAGE_DIGEST), set_of(octets(hashlib.sha256(tst_info).digest()))),
                  seq(oid(SIGNING_CERT_V2), set_of(ess))]
    signed_attrs = set_of(*attributes)
    signature = authority.tsa_key.sign(signed_attrs, padding.PKCS1v15(), hashes.SHA256())
    issuer = authority.tsa_cert.issuer.public_bytes()
    signer_info = seq(integer(1), seq(issuer, integer(authority.tsa_cert.serial_number)),
                      seq(oid(SHA256), NULL), tlv(0xA0, _strip(signed_attrs)),
                      seq(oid(SHA256_RSA), NULL), octets(signature))
    signed_data = seq(integer(3), set_of(seq(oid(SHA256), NULL)),
                      seq(oid(TST_INFO), explicit(0, octets(tst_info))),
                      tlv(0xA0, cert_der), set_of(signer_info))
    token = seq(oid(SIGNED_DATA), explicit(0, signed_data))
    return seq(seq(integer(0)), token)


def _strip(der: bytes) -> bytes:
    """The contents of a TLV (its value without tag and length)."""
    first = der[1]
    if first < 0x80:
        return der[2:]
    return der[2 + (first & 0x7F):]


@dataclass
class TSA:
    url: str
    authority: Authority
    requests: list[bytes] = field(default_factory=list)
    serial: int = 0


def _serve(authority: Authority) -> tuple[TSA, ThreadingHTTPServer]:
    tsa = TSA("", authority)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            tsa.requests.append(body)
            tsa.serial += 1
            reply = respond(authority, body, tsa.serial)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tsa.url = f"http://127.0.0.1:{server.server_address[1]}/tsa"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return tsa, server


@pytest.fixture(scope="session")
def authority() -> Authority:
    return make_authority()


@pytest.fixture
def tsa(authority: Authority) -> Iterator[TSA]:
    served, server = _serve(authority)
    yield served
    server.shutdown()
    server.server_close()


@pytest.fixture
def expired_tsa() -> Iterator[TSA]:
    served, server = _serve(make_authority("Expired TSA", expired=True))
    yield served
    server.shutdown()
    server.server_close()
