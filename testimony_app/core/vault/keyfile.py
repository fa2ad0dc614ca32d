"""The vault folder and its key hierarchy.

    passphrase --Argon2id--> KEK_p --AES-256-GCM--> data key  (vault.key, wrap "passphrase")
    recovery code --HKDF--> X25519 key pair; its public key is in vault.key, and the
        data key is wrapped to it (ephemeral X25519, HKDF, AES-256-GCM: wrap "recovery")
    data key (random 256 bits) = SQLCipher raw key of vault.db

The data key changes whenever the header is rewritten (a new passphrase, a new
key-derivation strength): vault.db is re-encrypted under a new key (`rekey.py`),
so a copy of an earlier vault.key, which a file system or an SSD may keep in free
blocks, unwraps a key that opens nothing. Because the recovery wrap is made to a
public key, the new data key is wrapped for the same recovery code without the
code being known. Headers of version 1 (recovery wrap under an HKDF key of the
code) still open; they become version 2 at the next change.

During a change the new header waits in `vault.key.pending` until the database is
re-encrypted; opening tries vault.key and then the pending header, so a kill at
any point leaves a vault that opens with the old or the new passphrase (and the
recovery code), never neither.

Destroying the keys (panic) overwrites both wraps in place with random bytes and
leaves a tombstone header that names the vault and nothing else; on an enrolled
vault the header is first escrowed, age-encrypted to the organisation's
recipients, to `vault.key.escrow.age`, from which only the coordinator can put it
back (`restore_header`). The escrow alone opens nothing: it holds the same wraps,
so the passphrase or recovery code is still needed afterwards.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import time
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from testimony_app.core.common import safejson
from testimony_app.core.common.errors import InputError, VaultError, WrongSecret

log = logging.getLogger(__name__)

HEADER_FILE = "vault.key"
PENDING_FILE = "vault.key.pending"
ESCROW_FILE = "vault.key.escrow.age"
MAX_HEADER_BYTES = 64 * 1024
DB_FILE = "vault.db"
HEADER_FORMAT = "testimony-vault"
HEADER_VERSION = 2
READABLE_VERSIONS = (1, 2)
MIN_PASSPHRASE = 12


def default_vault_dir() -> Path:
    env = os.environ.get("TESTIMONY_VAULT")
    if env:
        return Path(env)
    from testimony_app import portable

    carried = portable.root()
    if carried is not None:
        return carried / "vault"
    return Path(platformdirs.user_data_dir("Testimony", appauthor=False)) / "vault"


def is_vault(folder: Path) -> bool:
    return (folder / HEADER_FILE).exists()

# Floor (docs/ARCHITECTURE.md): never below 256 MiB, t=3, p=4. Ceiling so that a forged
# header cannot make unlock allocate the machine's memory or run for an hour.
KDF_FLOOR = (256 * 1024, 3, 4)
KDF_MAX_MEMORY_KIB = 4 * 1024 * 1024
KDF_MAX_ITERATIONS = 64
CALIBRATE_TARGET_S = 0.5
CALIBRATE_LIMIT_S = 1.0

# Recovery code: 200 random bits as 8 groups of 5 Crockford base32 characters.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_GROUPS = 8


@dataclass(frozen=True)
class KdfParams:
    memory_kib: int
    iterations: int
    lanes: int

    def as_json(self) -> dict[str, Any]:
        return {"name": "argon2id", "memory_kib": self.memory_kib,
                "iterations": self.iterations, "lanes": self.lanes}

    @classmethod
    def from_json(cls, obj: Any, folder: Path | None = None) -> KdfParams:
        where = str(folder) if folder else "?"
        if not isinstance(obj, dict) or obj.get("name") != "argon2id":
            raise VaultError("not_a_vault", path=where)
        try:
            params = cls(int(obj["memory_kib"]), int(obj["iterations"]), int(obj["lanes"]))
        except (KeyError, TypeError, ValueError):
            raise VaultError("not_a_vault", path=where) from None
        if not (8 * params.lanes <= params.memory_kib <= KDF_MAX_MEMORY_KIB
                and 1 <= params.iterations <= KDF_MAX_ITERATIONS and 1 <= params.lanes <= 64):
            raise VaultError("not_a_vault", path=where)
        return params


FLOOR = KdfParams(*KDF_FLOOR)


def derive_passphrase_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    kdf = Argon2id(salt=salt, length=32, iterations=params.iterations, lanes=params.lanes,
                   memory_cost=params.memory_kib)
    # NFC: the same passphrase typed on two systems may arrive composed or decomposed.
    return kdf.derive(unicodedata.normalize("NFC", passphrase).encode("utf-8"))


def calibrate(target_s: float = CALIBRATE_TARGET_S) -> KdfParams:
    """Raise iterations above the floor until one derivation takes ~target_s."""
    params = FLOOR
    salt = os.urandom(16)
    start = time.perf_counter()
    derive_passphrase_key("calibration", salt, params)
    elapsed = time.perf_counter() - start
    if elapsed < target_s:
        scaled = int(params.iterations * target_s / max(elapsed, 1e-3))
        iterations = min(max(params.iterations, scaled), KDF_MAX_ITERATIONS)
        # never past the limit, whatever the noise of one measurement says
        limit = int(params.iterations * CALIBRATE_LIMIT_S / max(elapsed, 1e-3))
        iterations = min(iterations, limit)
        params = KdfParams(params.memory_kib, max(iterations, FLOOR.iterations), params.lanes)
    return params


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise InputError("passphrase_short", minimum=MIN_PASSPHRASE)


def new_recovery_code() -> str:
    raw = secrets.randbits(5 * 5 * RECOVERY_GROUPS)
    chars = []
    for _ in range(5 * RECOVERY_GROUPS):
        chars.append(_CROCKFORD[raw & 31])
        raw >>= 5
    text = "".join(chars)
    return "-".join(text[i:i + 5] for i in range(0, len(text), 5))


def normalise_recovery_code(code: str) -> str:
    """Accept lower case, spaces, and the letters people confuse with digits."""
    cleaned = code.upper().translate(str.maketrans("OIL", "011"))
    cleaned = "".join(ch for ch in cleaned if ch not in " -\t\r\n")
    if len(cleaned) != 5 * RECOVERY_GROUPS or any(ch not in _CROCKFORD for ch in cleaned):
        raise InputError("recovery_code_format")
    return cleaned


def normalise_group(text: str) -> str:
    """One group of a recovery code as typed, in canonical form (for the written-down check)."""
    cleaned = text.upper().translate(str.maketrans("OIL", "011"))
    return "".join(ch for ch in cleaned if ch not in " -\t\r\n")


def _recovery_kek(code: str, salt: bytes) -> bytes:
    """Version 1: the recovery wrap's key, derived from the code alone."""
    # The code holds 200 random bits: no dictionary to slow down, so HKDF suffices
    # and recovery stays instant even on a slow laptop.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                info=b"testimony vault recovery v1").derive(normalise_recovery_code(code).encode())


def _recovery_private(code: str, salt: bytes) -> X25519PrivateKey:
    """Version 2: the recovery code's X25519 private key. HKDF, not Argon2id, for the
    same reason as in version 1: 200 random bits leave nothing to guess, even with
    the public key in hand, and recovery stays instant."""
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                info=b"testimony vault recovery x25519 v2"
                ).derive(normalise_recovery_code(code).encode())
    return X25519PrivateKey.from_private_bytes(seed)


def _raw_public(key: X25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _recovery_kek_v2(shared: bytes, ephemeral: bytes, public: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + public,
                info=b"testimony vault recovery wrap v2").derive(shared)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise VaultError("not_a_vault", path="?")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise VaultError("not_a_vault", path="?") from None


def _aad(version: int, vault_id: str, wrap: str, bound: Any) -> bytes:
    # Binds each wrap to its vault, its purpose and its KDF parameters (passphrase)
    # or the public key it was made to (recovery, version 2).
    return json.dumps([HEADER_FORMAT, version, vault_id, wrap, bound],
                      sort_keys=True).encode()


def _wrap(kek: bytes, data_key: bytes, vault_id: str, name: str,
          kdf: dict[str, Any] | None, salt: bytes) -> dict[str, Any]:
    nonce = os.urandom(12)
    sealed = AESGCM(kek).encrypt(nonce, data_key, _aad(HEADER_VERSION, vault_id, name, kdf))
    wrap: dict[str, Any] = {"salt": _b64(salt), "nonce": _b64(nonce), "key": _b64(sealed)}
    if kdf is not None:
        wrap["kdf"] = kdf
    return wrap


def _unwrap(kek: bytes, wrap: dict[str, Any], version: int, vault_id: str, name: str,
            bound: Any) -> bytes:
    try:
        key = AESGCM(kek).decrypt(_unb64(wrap.get("nonce")), _unb64(wrap.get("key")),
                                  _aad(version, vault_id, name, bound))
    except (InvalidTag, ValueError):
        code = "wrong_secret" if name == "passphrase" else "wrong_recovery_code"
        raise WrongSecret(code) from None
    if len(key) != 32:
        raise VaultError("not_a_vault")
    return key


def _wrap_to_recovery(data_key: bytes, vault_id: str, recovery_key: dict[str, Any]
                      ) -> dict[str, Any]:
    """Wrap the data key so that only the recovery code's private key unwraps it."""
    public = _unb64(recovery_key.get("public"))
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = _raw_public(ephemeral.public_key())
    kek = _recovery_kek_v2(ephemeral.exchange(X25519PublicKey.from_public_bytes(public)),
                           ephemeral_raw, public)
    nonce = os.urandom(12)
    sealed = AESGCM(kek).encrypt(nonce, data_key, _aad(HEADER_VERSION, vault_id, "recovery",
                                                       recovery_key["public"]))
    return {"ephemeral": _b64(ephemeral_raw), "nonce": _b64(nonce), "key": _b64(sealed)}


def _recovery_key(code: str) -> dict[str, Any]:
    """The header's public half of a recovery code: a salt and an X25519 public key."""
    salt = os.urandom(16)
    public = _raw_public(_recovery_private(code, salt).public_key())
    return {"kdf": "hkdf-sha256", "salt": _b64(salt), "public": _b64(public)}


@dataclass(frozen=True)
class Header:
    vault_id: str
    created: str
    wraps: dict[str, dict[str, Any]]
    version: int = HEADER_VERSION
    # Version 2: the recovery code's salt and X25519 public key.
    recovery_key: dict[str, Any] | None = None

    def to_json(self) -> bytes:
        obj: dict[str, Any] = {
            "format": HEADER_FORMAT, "version": self.version, "vault_id": self.vault_id,
            "created": self.created, "cipher": "sqlcipher4-raw-key",
            "passphrase_form": "utf-8-nfc", "wraps": self.wraps}
        if self.recovery_key is not None:
            obj["recovery_key"] = self.recovery_key
        return json.dumps(obj, indent=1, sort_keys=True).encode() + b"\n"

    def unwrap_passphrase(self, passphrase: str) -> bytes:
        wrap = self.wraps["passphrase"]
        params = KdfParams.from_json(wrap.get("kdf"))
        kek = derive_passphrase_key(passphrase, _unb64(wrap.get("salt")), params)
        return _unwrap(kek, wrap, self.version, self.vault_id, "passphrase", wrap.get("kdf"))

    def unwrap_recovery(self, code: str) -> bytes:
        wrap = self.wraps.get("recovery")
        if not isinstance(wrap, dict):
            raise VaultError("not_a_vault", path="?")
        if self.version == 1:
            return _unwrap(_recovery_kek(code, _unb64(wrap.get("salt"))), wrap, 1,
                           self.vault_id, "recovery", None)
        if self.recovery_key is None:
            raise VaultError("not_a_vault", path="?")
        public = _unb64(self.recovery_key.get("public"))
        private = _recovery_private(code, _unb64(self.recovery_key.get("salt")))
        if _raw_public(private.public_key()) != public:
            raise WrongSecret("wrong_recovery_code")
        ephemeral = _unb64(wrap.get("ephemeral"))
        try:
            shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
        except ValueError:  # a low-order point: a forged header
            raise VaultError("not_a_vault", path="?") from None
        return _unwrap(_recovery_kek_v2(shared, ephemeral, public), wrap, 2, self.vault_id,
                       "recovery", self.recovery_key.get("public"))


def read_header(folder: Path) -> Header:
    """vault.key, parsed and checked: the one way to read a vault's header."""
    path = folder / HEADER_FILE
    if not path.exists():
        raise VaultError("no_vault", path=str(folder))
    try:
        raw = path.read_bytes()
    except OSError:
        raise VaultError("not_a_vault", path=str(folder)) from None
    return parse_header(raw, folder)


def read_pending(folder: Path) -> Header | None:
    """The header a passphrase change had written but not yet put in place; None when
    there is none or it was cut short (the change never reached the database then)."""
    try:
        raw = (folder / PENDING_FILE).read_bytes()
        return parse_header(raw, folder)
    except (OSError, VaultError):
        return None


def _header_object(raw: bytes, folder: Path) -> dict[str, Any]:
    try:
        if len(raw) > MAX_HEADER_BYTES:
            raise ValueError
        obj = safejson.loads(raw)  # a folder anyone could have handed over
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise VaultError("not_a_vault", path=str(folder)) from None
    if not isinstance(obj, dict) or obj.get("format") != HEADER_FORMAT:
        raise VaultError("not_a_vault", path=str(folder))
    return obj


def parse_header(raw: bytes, folder: Path) -> Header:
    obj = _header_object(raw, folder)
    if "destroyed" in obj:
        raise VaultError("keys_destroyed", path=str(folder))
    version = obj.get("version")
    if version not in READABLE_VERSIONS or isinstance(version, bool):
        raise VaultError("vault_newer" if isinstance(version, int)
                         and version > HEADER_VERSION else "not_a_vault", path=str(folder))
    wraps = obj.get("wraps")
    vault_id = obj.get("vault_id")
    if (not isinstance(wraps, dict) or not isinstance(vault_id, str)
            or not isinstance(wraps.get("passphrase"), dict)):
        raise VaultError("not_a_vault", path=str(folder))
    recovery_key = obj.get("recovery_key") if version == 2 else None
    if version == 2 and not (isinstance(recovery_key, dict)
                             and recovery_key.get("kdf") == "hkdf-sha256"
                             and _lengths(recovery_key, ("salt", "public")) == [16, 32]):
        raise VaultError("not_a_vault", path=str(folder))
    for name, wrap in wraps.items():
        if not isinstance(wrap, dict) or not _sizes_ok(wrap, version == 2 and name == "recovery"):
            raise VaultError("not_a_vault", path=str(folder))
        if name == "passphrase":
            KdfParams.from_json(wrap.get("kdf"), folder)
    return Header(vault_id, str(obj.get("created", "")), wraps, version, recovery_key)


def _lengths(obj: dict[str, Any], fields: tuple[str, ...]) -> list[int]:
    try:
        return [len(_unb64(obj.get(k))) for k in fields]
    except VaultError:
        return []


def _sizes_ok(wrap: dict[str, Any], to_public_key: bool = False) -> bool:
    if to_public_key:
        return _lengths(wrap, ("ephemeral", "nonce", "key")) == [32, 12, 48]
    return _lengths(wrap, ("salt", "nonce", "key")) == [16, 12, 48]


def write_header(folder: Path, header: Header, name: str = HEADER_FILE) -> None:
    """Atomic replace: temp file, fsync, rename, fsync of the folder."""
    _write_atomic(folder, name, header.to_json())


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class NewVault:
    data_key: bytes
    recovery_code: str
    vault_id: str


def _check_floor(params: KdfParams) -> None:
    if (params.memory_kib < FLOOR.memory_kib or params.iterations < FLOOR.iterations
            or params.lanes < FLOOR.lanes):
        raise ValueError("KDF parameters below the floor")


def _passphrase_wrap(passphrase: str, data_key: bytes, vault_id: str,
                     params: KdfParams) -> dict[str, Any]:
    salt = os.urandom(16)
    kek = derive_passphrase_key(passphrase, salt, params)
    return _wrap(kek, data_key, vault_id, "passphrase", params.as_json(), salt)


def create_keys(folder: Path, passphrase: str, params: KdfParams | None = None) -> NewVault:
    """Write vault.key for a new vault; the caller creates vault.db with `data_key`."""
    check_passphrase(passphrase)
    params = params or calibrate()
    _check_floor(params)
    data_key = secrets.token_bytes(32)
    vault_id = str(uuid.uuid4())
    code = new_recovery_code()
    recovery_key = _recovery_key(code)
    header = Header(
        vault_id=vault_id,
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        wraps={
            "passphrase": _passphrase_wrap(passphrase, data_key, vault_id, params),
            "recovery": _wrap_to_recovery(data_key, vault_id, recovery_key),
        },
        recovery_key=recovery_key,
    )
    write_header(folder, header)
    return NewVault(data_key, code, vault_id)


def unlock(folder: Path, passphrase: str) -> bytes:
    """The data key vault.key holds under this passphrase (raises WrongSecret)."""
    return read_header(folder).unwrap_passphrase(passphrase)


def unlock_with_recovery(folder: Path, code: str) -> bytes:
    return read_header(folder).unwrap_recovery(code)


def candidate_keys(folder: Path, passphrase: str | None = None, code: str | None = None
                   ) -> list[tuple[bool, bytes]]:
    """Every data key the passphrase (or the recovery code) unwraps, as (from the
    pending header, key): vault.key first, then vault.key.pending. Raises the first
    WrongSecret when it unwraps none."""
    found: list[tuple[bool, bytes]] = []
    first: WrongSecret | None = None
    header = read_header(folder)
    for pending, candidate in ((False, header), (True, read_pending(folder))):
        if candidate is None or candidate.vault_id != header.vault_id:
            continue
        try:
            key = (candidate.unwrap_passphrase(passphrase) if passphrase is not None
                   else candidate.unwrap_recovery(code or ""))
        except WrongSecret as exc:
            first = first or exc
            continue
        found.append((pending, key))
    if not found:
        raise first or WrongSecret("wrong_secret")
    return found


# Key-derivation strengths a person can choose in the settings.
STRENGTHS = {
    "standard": lambda: calibrate(),
    "strong": lambda: KdfParams(512 * 1024, 4, 4),
    "maximum": lambda: KdfParams(1024 * 1024, 6, 4),
}


def current_params(folder: Path) -> KdfParams:
    return KdfParams.from_json(read_header(folder).wraps["passphrase"].get("kdf"))


@dataclass(frozen=True)
class NextHeader:
    """The header a change writes, for a data key the database is not yet under."""

    header: Header
    data_key: bytes
    # A recovery code issued with it, shown once; None when the old one stays valid.
    recovery_code: str | None


def next_header(folder: Path, new_passphrase: str, params: KdfParams | None = None,
                recovery_code: str | None = None) -> NextHeader:
    """A version-2 header for a fresh data key, under `new_passphrase`.

    The recovery wrap goes to the public key already in vault.key, so the code the
    person wrote down stays valid. A version-1 header has no such key: with
    `recovery_code` (known when opening with it) it is made from that code; without,
    a new code is issued and returned.
    """
    check_passphrase(new_passphrase)
    header = read_header(folder)
    old = KdfParams.from_json(header.wraps["passphrase"].get("kdf"))
    params = params or max(old, calibrate(), key=lambda p: (p.memory_kib, p.iterations))
    _check_floor(params)
    data_key = secrets.token_bytes(32)
    issued: str | None = None
    recovery_key = header.recovery_key
    if recovery_key is None:
        if recovery_code is None:
            issued = recovery_code = new_recovery_code()
        else:
            header.unwrap_recovery(recovery_code)  # proves it before keeping it
        recovery_key = _recovery_key(recovery_code)
    wraps = {
        "passphrase": _passphrase_wrap(new_passphrase, data_key, header.vault_id, params),
        "recovery": _wrap_to_recovery(data_key, header.vault_id, recovery_key),
    }
    return NextHeader(Header(header.vault_id, header.created, wraps, HEADER_VERSION,
                             recovery_key), data_key, issued)


def write_pending(folder: Path, header: Header) -> None:
    write_header(folder, header, PENDING_FILE)


def promote_pending(folder: Path) -> None:
    """Put the pending header in place of vault.key (the database is under its key)."""
    os.replace(folder / PENDING_FILE, folder / HEADER_FILE)
    fsync_dir(folder)


def discard_pending(folder: Path) -> None:
    """Drop a pending header whose change never reached the database."""
    _overwrite(folder / PENDING_FILE)
    (folder / PENDING_FILE).unlink(missing_ok=True)
    fsync_dir(folder)

# -- panic: destroy the keys, escrow them for the organisation -------------------


def _overwrite(path: Path) -> None:
    """Overwrite a file's bytes in place with random bytes and flush them to disk."""
    try:
        fd = os.open(path, os.O_WRONLY)
    except FileNotFoundError:
        return
    try:
        size = os.fstat(fd).st_size
        os.write(fd, os.urandom(max(size, 1)))
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(folder: Path, name: str, data: bytes) -> None:
    target = folder / name
    temp = folder / (name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, target)
    fsync_dir(folder)


def destroy_keys(folder: Path, escrow_recipients: list[str] | tuple[str, ...] = ()) -> Path | None:
    """Make the vault unopenable by anyone, passphrase and recovery code included.

    With `escrow_recipients` (age X25519 recipients: the organisation's), the
    header is first written, encrypted to them, to ESCROW_FILE; that path is
    returned. Then vault.key (and a leftover vault.key.tmp or vault.key.pending) is
    overwritten in place with random bytes and replaced by a tombstone holding only
    the vault id. Overwriting cannot reach copies an SSD or a journaling file system
    keeps elsewhere; earlier headers unwrap keys the database is no longer under
    (every header change re-encrypts it), so only the last one matters; see
    SECURITY.md.
    """
    import pyrage
    from pyrage import x25519

    header = read_header(folder)
    raw = (folder / HEADER_FILE).read_bytes()
    escrow: Path | None = None
    if escrow_recipients:
        try:
            recipients = [x25519.Recipient.from_str(r) for r in escrow_recipients]
        except Exception:  # pyrage raises its own types for a malformed key
            raise InputError("recipient_format") from None
        _write_atomic(folder, ESCROW_FILE, pyrage.encrypt(raw, recipients))
        escrow = folder / ESCROW_FILE
    # A header a change left half-written or pending holds wraps too.
    for leftover in (HEADER_FILE + ".tmp", PENDING_FILE, PENDING_FILE + ".tmp"):
        _overwrite(folder / leftover)
        (folder / leftover).unlink(missing_ok=True)
    _overwrite(folder / HEADER_FILE)
    tombstone = json.dumps({"format": HEADER_FORMAT, "version": HEADER_VERSION,
                            "vault_id": header.vault_id,
                            "destroyed": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
                           indent=1, sort_keys=True).encode() + b"\n"
    _write_atomic(folder, HEADER_FILE, tombstone)
    log.info("vault keys destroyed")
    return escrow


def restore_header(folder: Path, raw: bytes) -> Header:
    """Put an escrowed header back into a vault whose keys were destroyed.

    Refused when the folder's own keys are intact, or when its tombstone names
    another vault. The vault then opens with its old passphrase or recovery code.
    """
    header = parse_header(raw, folder)
    path = folder / HEADER_FILE
    if path.exists():
        try:
            current = _header_object(path.read_bytes(), folder)
        except (OSError, VaultError):
            current = None  # overwritten but not yet replaced: nothing to keep
        if current is not None:
            if "destroyed" not in current:
                raise VaultError("keys_intact", path=str(folder))
            if current.get("vault_id") != header.vault_id:
                raise VaultError("escrow_mismatch")
    elif not (folder / DB_FILE).exists():
        raise VaultError("no_vault", path=str(folder))
    _write_atomic(folder, HEADER_FILE, raw)
    log.info("vault header restored from escrow")
    return header
