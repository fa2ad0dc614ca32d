"""The vault folder and its key hierarchy.

    passphrase --Argon2id--> KEK_p --AES-256-GCM--> data key  (vault.key, wrap "passphrase")
    recovery code --HKDF---> KEK_r --AES-256-GCM--> data key  (vault.key, wrap "recovery")
    data key (random 256 bits) = SQLCipher raw key of vault.db

Changing the passphrase rewrites only vault.key, atomically (temp file, fsync,
rename, fsync of the folder), so a kill at any point leaves exactly the old or the
new header on disk.

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
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from testimony_app.core.errors import InputError, VaultError, WrongSecret

log = logging.getLogger(__name__)

HEADER_FILE = "vault.key"
ESCROW_FILE = "vault.key.escrow.age"
MAX_HEADER_BYTES = 64 * 1024
DB_FILE = "vault.db"
HEADER_FORMAT = "testimony-vault"
HEADER_VERSION = 1
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

# Floor from DESIGN.md: never below 256 MiB, t=3, p=4. Ceiling so that a forged
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
    # The code holds 200 random bits: no dictionary to slow down, so HKDF suffices
    # and recovery stays instant even on a slow laptop.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                info=b"testimony vault recovery v1").derive(normalise_recovery_code(code).encode())


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise VaultError("not_a_vault", path="?")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise VaultError("not_a_vault", path="?") from None


def _aad(vault_id: str, wrap: str, kdf: dict[str, Any] | None) -> bytes:
    # Binds each wrap to its vault, its purpose and its KDF parameters.
    return json.dumps([HEADER_FORMAT, HEADER_VERSION, vault_id, wrap, kdf],
                      sort_keys=True).encode()


def _wrap(kek: bytes, data_key: bytes, vault_id: str, name: str,
          kdf: dict[str, Any] | None, salt: bytes) -> dict[str, Any]:
    nonce = os.urandom(12)
    sealed = AESGCM(kek).encrypt(nonce, data_key, _aad(vault_id, name, kdf))
    wrap: dict[str, Any] = {"salt": _b64(salt), "nonce": _b64(nonce), "key": _b64(sealed)}
    if kdf is not None:
        wrap["kdf"] = kdf
    return wrap


def _unwrap(kek: bytes, wrap: dict[str, Any], vault_id: str, name: str) -> bytes:
    try:
        key = AESGCM(kek).decrypt(_unb64(wrap.get("nonce")), _unb64(wrap.get("key")),
                                  _aad(vault_id, name, wrap.get("kdf")))
    except (InvalidTag, ValueError):
        code = "wrong_secret" if name == "passphrase" else "wrong_recovery_code"
        raise WrongSecret(code) from None
    if len(key) != 32:
        raise VaultError("not_a_vault")
    return key


@dataclass(frozen=True)
class Header:
    vault_id: str
    created: str
    wraps: dict[str, dict[str, Any]]

    def to_json(self) -> bytes:
        return json.dumps({"format": HEADER_FORMAT, "version": HEADER_VERSION,
                           "vault_id": self.vault_id, "created": self.created,
                           "cipher": "sqlcipher4-raw-key", "passphrase_form": "utf-8-nfc",
                           "wraps": self.wraps},
                          indent=1, sort_keys=True).encode() + b"\n"


def read_header(folder: Path) -> Header:
    path = folder / HEADER_FILE
    if not path.exists():
        raise VaultError("no_vault", path=str(folder))
    try:
        raw = path.read_bytes()
    except OSError:
        raise VaultError("not_a_vault", path=str(folder)) from None
    return parse_header(raw, folder)


def _header_object(raw: bytes, folder: Path) -> dict[str, Any]:
    try:
        if len(raw) > MAX_HEADER_BYTES:
            raise ValueError
        obj = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise VaultError("not_a_vault", path=str(folder)) from None
    if not isinstance(obj, dict) or obj.get("format") != HEADER_FORMAT:
        raise VaultError("not_a_vault", path=str(folder))
    return obj


def parse_header(raw: bytes, folder: Path) -> Header:
    obj = _header_object(raw, folder)
    if "destroyed" in obj:
        raise VaultError("keys_destroyed", path=str(folder))
    if obj.get("version") != HEADER_VERSION:
        raise VaultError("vault_newer" if isinstance(obj.get("version"), int)
                         and obj["version"] > HEADER_VERSION else "not_a_vault", path=str(folder))
    wraps = obj.get("wraps")
    vault_id = obj.get("vault_id")
    if (not isinstance(wraps, dict) or not isinstance(vault_id, str)
            or not isinstance(wraps.get("passphrase"), dict)):
        raise VaultError("not_a_vault", path=str(folder))
    for name, wrap in wraps.items():
        if not isinstance(wrap, dict) or not _sizes_ok(wrap):
            raise VaultError("not_a_vault", path=str(folder))
        if name == "passphrase":
            KdfParams.from_json(wrap.get("kdf"), folder)
    return Header(vault_id, str(obj.get("created", "")), wraps)


def _sizes_ok(wrap: dict[str, Any]) -> bool:
    try:
        return [len(_unb64(wrap.get(k))) for k in ("salt", "nonce", "key")] == [16, 12, 48]
    except VaultError:
        return False


def write_header(folder: Path, header: Header) -> None:
    """Atomic replace: temp file, fsync, rename, fsync of the folder."""
    target = folder / HEADER_FILE
    temp = folder / (HEADER_FILE + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, header.to_json())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, target)
    fsync_dir(folder)


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


def create_keys(folder: Path, passphrase: str, params: KdfParams | None = None) -> NewVault:
    """Write vault.key for a new vault; the caller creates vault.db with `data_key`."""
    check_passphrase(passphrase)
    params = params or calibrate()
    if (params.memory_kib < FLOOR.memory_kib or params.iterations < FLOOR.iterations
            or params.lanes < FLOOR.lanes):
        raise ValueError("KDF parameters below the floor")
    data_key = secrets.token_bytes(32)
    vault_id = str(uuid.uuid4())
    code = new_recovery_code()
    salt_p, salt_r = os.urandom(16), os.urandom(16)
    kek_p = derive_passphrase_key(passphrase, salt_p, params)
    header = Header(
        vault_id=vault_id,
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        wraps={
            "passphrase": _wrap(kek_p, data_key, vault_id, "passphrase", params.as_json(), salt_p),
            "recovery": _wrap(_recovery_kek(code, salt_r), data_key, vault_id, "recovery",
                              None, salt_r),
        },
    )
    write_header(folder, header)
    return NewVault(data_key, code, vault_id)


def unlock(folder: Path, passphrase: str) -> bytes:
    header = read_header(folder)
    wrap = header.wraps["passphrase"]
    params = KdfParams.from_json(wrap.get("kdf"))
    kek = derive_passphrase_key(passphrase, _unb64(wrap.get("salt")), params)
    return _unwrap(kek, wrap, header.vault_id, "passphrase")


def unlock_with_recovery(folder: Path, code: str) -> bytes:
    header = read_header(folder)
    wrap = header.wraps.get("recovery")
    if not isinstance(wrap, dict):
        raise VaultError("not_a_vault", path=str(folder))
    return _unwrap(_recovery_kek(code, _unb64(wrap.get("salt"))), wrap, header.vault_id,
                   "recovery")


# Key-derivation strengths a person can choose in the settings.
STRENGTHS = {
    "standard": lambda: calibrate(),
    "strong": lambda: KdfParams(512 * 1024, 4, 4),
    "maximum": lambda: KdfParams(1024 * 1024, 6, 4),
}


def current_params(folder: Path) -> KdfParams:
    return KdfParams.from_json(read_header(folder).wraps["passphrase"].get("kdf"))


def set_passphrase(folder: Path, data_key: bytes, new_passphrase: str,
                   params: KdfParams | None = None) -> None:
    """Rewrap the data key under a new passphrase. The recovery wrap is kept."""
    check_passphrase(new_passphrase)
    header = read_header(folder)
    old = KdfParams.from_json(header.wraps["passphrase"].get("kdf"))
    params = params or max(old, calibrate(), key=lambda p: (p.memory_kib, p.iterations))
    salt = os.urandom(16)
    kek = derive_passphrase_key(new_passphrase, salt, params)
    wraps = dict(header.wraps)
    wraps["passphrase"] = _wrap(kek, data_key, header.vault_id, "passphrase",
                                params.as_json(), salt)
    write_header(folder, Header(header.vault_id, header.created, wraps))


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
    returned. Then vault.key (and a leftover vault.key.tmp) is overwritten in place
    with random bytes and replaced by a tombstone holding only the vault id.
    Overwriting cannot reach copies an SSD or a journaling file system keeps
    elsewhere; see SECURITY.md.
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
    temp = folder / (HEADER_FILE + ".tmp")
    _overwrite(temp)
    temp.unlink(missing_ok=True)
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
