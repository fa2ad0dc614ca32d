"""The organisation and the people in it: keys, enrolment, fingerprints, trust.

Every installation has an Ed25519 signing key (it signs bundles) and an age
X25519 identity (receipts are encrypted to it), made on first use and kept in
the vault's `meta` table, inside the encrypted database. A coordinator's vault
also holds the organisation's keys (`org init`): the age identity bundles are
encrypted to, an Ed25519 key that signs receipts, and the matching key. A
researcher's vault learns the public half and the matching key from an
enrolment file, encrypted (age, passphrase) under a one-time code passed in
person.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from pyrage import x25519

from testimony_app.core.common import outfile, safejson
from testimony_app.core.common.errors import InputError, NotFound, VaultError, WrongSecret
from testimony_app.core.vault import activity
from testimony_app.core.vault.connection import Connection
from testimony_app.core.vault.db import transaction

log = logging.getLogger(__name__)

ENROLMENT_FORMAT = "testimony-enrolment/1"
MAX_ENROLMENT_BYTES = 1024 * 1024
ROLE_COORDINATOR = "coordinator"
ROLE_MEMBER = "member"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 5  # 5 groups of 5 characters: 125 random bits

# One byte per word: the first 8 bytes of a fingerprint read aloud as 8 words.
WORDS = (
    "acid", "acorn", "actor", "adult", "agent", "alarm", "album", "alert", "alley", "amber",
    "angle", "ankle", "apple", "april", "apron", "arena", "armor", "arrow", "aspen", "atlas",
    "attic", "audio", "award", "bacon", "badge", "bagel", "baker", "bamboo", "banjo", "barley",
    "basil", "basin", "beach", "beard", "beaver", "bench", "berry", "bison", "blade", "blank",
    "blaze", "blimp", "bloom", "board", "bonus", "boost", "brass", "bread", "brick", "bride",
    "broom", "brush", "bucket", "buddy", "bugle", "cabin", "cable", "cactus", "camel", "canal",
    "candy", "canoe", "canvas", "cargo", "carpet", "carrot", "castle", "cedar", "chalk",
    "charm", "cheek", "chess", "chief", "chili", "cider", "cigar", "cinema", "circus",
    "citrus", "claim", "clerk", "cliff", "clock", "cloud", "clown", "coast", "cobra", "cocoa",
    "comet", "coral", "cotton", "couch", "cousin", "crane", "crayon", "cream", "crown",
    "cubic", "curry", "cycle", "daisy", "dance", "delta", "denim", "depot", "desert", "diary",
    "dingo", "disco", "dolphin", "donkey", "dragon", "drama", "dream", "drum", "eagle",
    "easel", "ebony", "echo", "eclipse", "elbow", "elder", "ember", "empire", "engine",
    "envoy", "epoch", "equal", "error", "essay", "ethics", "fable", "falcon", "fancy",
    "farmer", "feast", "fence", "ferry", "fiber", "field", "finch", "flame", "flute", "focus",
    "forest", "fossil", "fox", "frost", "fruit", "gadget", "galaxy", "garden", "garlic",
    "gecko", "geyser", "giant", "ginger", "glacier", "globe", "goat", "gold", "gorilla",
    "grape", "gravel", "guitar", "habit", "hammer", "harbor", "hazel", "heron", "hinge",
    "honey", "hotel", "husky", "igloo", "index", "ink", "insect", "island", "ivory", "jacket",
    "jaguar", "jelly", "jewel", "jockey", "judge", "juice", "jungle", "kayak", "kettle",
    "kidney", "king", "kitten", "koala", "label", "ladder", "lagoon", "lamp", "laser", "lemon",
    "lens", "letter", "lily", "linen", "lion", "lizard", "llama", "lobster", "locket", "lotus",
    "lunar", "magnet", "mango", "maple", "marble", "meadow", "melon", "metal", "mirror",
    "monkey", "motor", "mural", "museum", "napkin", "nectar", "needle", "nickel", "noodle",
    "novel", "oasis", "ocean", "olive", "onion", "opera", "orbit", "orchid", "otter", "oven",
    "owl", "oyster", "paddle", "palace", "panda", "parrot", "pasta", "peach", "pearl",
    "pencil", "pepper", "piano", "pillow", "pilot", "planet", "plum", "poem", "pony",
)


@dataclass(frozen=True)
class Me:
    """This installation, as others see it."""

    fingerprint: str
    words: str
    signing_key: bytes  # Ed25519 public key, raw
    age_recipient: str
    device_id: str


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    role: str  # coordinator or member
    recipients: tuple[str, ...]
    signing_key: bytes  # the organisation's Ed25519 public key, raw
    settings: dict[str, Any]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing_key)


@dataclass(frozen=True)
class Person:
    fingerprint: str
    name: str
    trusted: bool
    added_at: str
    changed_at: str


@dataclass(frozen=True)
class Enrolment:
    org_id: str
    name: str
    recipients: tuple[str, ...]
    signing_key: bytes
    matching_key: bytes
    settings: dict[str, Any]


# -- meta ------------------------------------------------------------------


SEAL_PENDING = "org.seal_pending"


def get_meta(conn: Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _set_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, length: int) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64")
    data = base64.b64decode(text, validate=True)
    if len(data) != length:
        raise ValueError("wrong length")
    return data


# -- fingerprints ----------------------------------------------------------


def fingerprint(public_key: bytes) -> str:
    """160 bits of SHA-256 over the raw Ed25519 key, as 8 groups of 4 base32 characters."""
    digest = hashlib.sha256(b"testimony signing key v1\n" + public_key).digest()[:20]
    number = int.from_bytes(digest, "big")
    chars = "".join(_CROCKFORD[(number >> (5 * i)) & 31] for i in reversed(range(32)))
    return "-".join(chars[i:i + 4] for i in range(0, 32, 4))


def fingerprint_words(fp: str, language: str = "en") -> str:
    """The first 8 bytes of a fingerprint read aloud: 8 English words, or, in Arabic,
    the same 8 bytes as numbers from ٠ to ٢٥٥ in two groups of four (each number is
    the index of the English word, so a bilingual pair can compare either form)."""
    number = int(normalise_fingerprint(fp).replace("-", "").translate(_FROM_CROCKFORD), 32)
    raw = number.to_bytes(20, "big")
    if language.startswith("ar"):
        numbers = [str(b).translate(_ARABIC_INDIC) for b in raw[:8]]
        # In a right-to-left isolate: the first number is the rightmost, where an Arabic
        # reader starts, in a left-to-right label as in a right-to-left table alike, so
        # that the two people comparing read the numbers in the same order.
        return "\u2067" + " — ".join(" ".join(numbers[i:i + 4]) for i in (0, 4)) + "\u2069"
    return " ".join(WORDS[b] for b in raw[:8])


_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


_FROM_CROCKFORD = str.maketrans(_CROCKFORD, "0123456789abcdefghijklmnopqrstuv")


def normalise_fingerprint(text: str) -> str:
    """Accept lower case, spaces, dashes and the letters people confuse with digits."""
    cleaned = text.upper().translate(str.maketrans("OIL", "011"))
    cleaned = "".join(ch for ch in cleaned if ch not in " -\t\r\n")
    if len(cleaned) != 32 or any(ch not in _CROCKFORD for ch in cleaned):
        raise InputError("fingerprint_format")
    return "-".join(cleaned[i:i + 4] for i in range(0, 32, 4))


def recipient_fingerprint(recipient: str) -> str:
    return hashlib.sha256(recipient.encode("ascii")).hexdigest()[:32]


# -- this installation -------------------------------------------------------


def _installation_keys(conn: Connection) -> tuple[Ed25519PrivateKey, x25519.Identity]:
    signing = get_meta(conn, "self.signing_key")
    age_identity = get_meta(conn, "self.age_identity")
    if signing is None or age_identity is None:
        with transaction(conn):
            signing = get_meta(conn, "self.signing_key")
            age_identity = get_meta(conn, "self.age_identity")
            if signing is None or age_identity is None:
                signing = _b64(Ed25519PrivateKey.generate().private_bytes_raw())
                age_identity = str(x25519.Identity.generate())
                _set_meta(conn, "self.signing_key", signing)
                _set_meta(conn, "self.age_identity", age_identity)
    return (Ed25519PrivateKey.from_private_bytes(_unb64(signing, 32)),
            x25519.Identity.from_str(age_identity))


def signing_key(conn: Connection) -> Ed25519PrivateKey:
    return _installation_keys(conn)[0]


def age_identity(conn: Connection) -> x25519.Identity:
    return _installation_keys(conn)[1]


def whoami(conn: Connection) -> Me:
    key, identity = _installation_keys(conn)
    public = key.public_key().public_bytes_raw()
    fp = fingerprint(public)
    return Me(fp, fingerprint_words(fp), public, str(identity.to_public()),
              get_meta(conn, "device_id") or "")


# -- the organisation --------------------------------------------------------


def organisation(conn: Connection) -> Organisation | None:
    role = get_meta(conn, "org.role")
    if role is None:
        return None
    return Organisation(
        id=get_meta(conn, "org.id") or "", name=get_meta(conn, "org.name") or "", role=role,
        recipients=tuple(json.loads(get_meta(conn, "org.recipients") or "[]")),
        signing_key=_unb64(get_meta(conn, "org.signing_public"), 32),
        settings=json.loads(get_meta(conn, "org.settings") or "{}"))


def require_org(conn: Connection) -> Organisation:
    org = organisation(conn)
    if org is None:
        raise InputError("not_enrolled")
    return org


def require_coordinator(conn: Connection) -> Organisation:
    org = organisation(conn)
    if org is None or org.role != ROLE_COORDINATOR:
        raise InputError("not_coordinator")
    return org


def org_identity(conn: Connection) -> x25519.Identity:
    require_coordinator(conn)
    return x25519.Identity.from_str(get_meta(conn, "org.age_identity") or "")


def org_signing_key(conn: Connection) -> Ed25519PrivateKey:
    require_coordinator(conn)
    return Ed25519PrivateKey.from_private_bytes(_unb64(get_meta(conn, "org.signing_key"), 32))


def matching_key(conn: Connection) -> bytes:
    require_org(conn)
    return _unb64(get_meta(conn, "org.matching_key"), 32)


def init_org(conn: Connection, name: str, author: str) -> Organisation:
    """Make this vault a coordinator's: new organisation keys, all inside the vault."""
    name = name.strip()
    if not name or len(name) > 200 or not name.isprintable():
        raise InputError("org_name")
    with transaction(conn):
        if get_meta(conn, "org.role") is not None:
            raise InputError("org_exists")
        identity = x25519.Identity.generate()
        key = Ed25519PrivateKey.generate()
        org_id = str(uuid.uuid4())
        for k, v in {
            "org.role": ROLE_COORDINATOR, "org.id": org_id, "org.name": name,
            "org.age_identity": str(identity),
            "org.recipients": json.dumps([str(identity.to_public())]),
            "org.signing_key": _b64(key.private_bytes_raw()),
            "org.signing_public": _b64(key.public_key().public_bytes_raw()),
            "org.matching_key": _b64(secrets.token_bytes(32)),
            "org.settings": json.dumps({}),
        }.items():
            _set_meta(conn, k, v)
        activity.record(conn, author, "org_init", org_id)
    return require_org(conn)


def add_recipient(conn: Connection, recipient: str, author: str) -> Organisation:
    """Another age recipient bundles are encrypted to (a second coordinator, an escrow key)."""
    org = require_coordinator(conn)
    recipient = recipient.strip()
    try:
        x25519.Recipient.from_str(recipient)
    except Exception:  # pyrage raises its own types for every malformed key
        raise InputError("recipient_format") from None
    if recipient not in org.recipients:
        with transaction(conn):
            _set_meta(conn, "org.recipients", json.dumps([*org.recipients, recipient]))
            activity.record(conn, author, "org_recipient_added", None,
                         recipient=recipient_fingerprint(recipient))
    return require_coordinator(conn)


# Organisation settings the coordinator sets; they reach researchers with the
# enrolment file and with every receipt (signed by the organisation). `version`
# goes up with each change, so an older receipt never undoes a newer setting.
SETTINGS: dict[str, type] = {"seal_whole_testimony": bool}


def set_setting(conn: Connection, name: str, value: Any, author: str) -> Organisation:
    """Coordinator: change an organisation setting (see SETTINGS)."""
    current = require_coordinator(conn)
    if name not in SETTINGS or not isinstance(value, SETTINGS[name]):
        raise InputError("org_setting", known=", ".join(sorted(SETTINGS)))
    settings: dict[str, Any] = {**current.settings, name: value,
                                "version": int(current.settings.get("version", 0)) + 1}
    with transaction(conn):
        _set_meta(conn, "org.settings", json.dumps(settings, sort_keys=True))
        activity.record(conn, author, "org_setting", None, setting=name,
                     value=1 if value else 0)
    return require_coordinator(conn)


def clean_settings(settings: Any) -> dict[str, Any] | None:
    """Known settings of the right type from a signed payload; None if it is not one."""
    if not isinstance(settings, dict):
        return None
    version = settings.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        return None
    out: dict[str, Any] = {"version": version}
    for name, kind in SETTINGS.items():
        if isinstance(settings.get(name), kind):
            out[name] = settings[name]
    return out


def apply_settings(conn: Connection, settings: Any, author: str) -> bool:
    """Researcher: take the organisation's settings from a verified receipt when they
    are newer than the ones held here (the caller checked the signature)."""
    current = require_org(conn)
    cleaned = clean_settings(settings)
    if (current.role != ROLE_MEMBER or cleaned is None
            or cleaned["version"] <= int(current.settings.get("version", 0))):
        return False
    _set_meta(conn, "org.settings", json.dumps(cleaned, sort_keys=True))
    activity.record(conn, author, "org_settings_received", None, version=cleaned["version"])
    return True


def export_identity(conn: Connection, target: Path, passphrase: str, author: str) -> None:
    """The organisation's age identity as an age passphrase-encrypted identity file.

    With it and its passphrase, the standard `age` tool opens every bundle:
    `age -d -i FILE bundle.age` (age asks for the passphrase).
    """
    from testimony_app.core.vault import keyfile

    keyfile.check_passphrase(passphrase)
    identity = org_identity(conn)
    text = (f"# Testimony organisation key, created {activity.now()}\n"
            f"# public key: {identity.to_public()}\n{identity}\n")
    outfile.write_new(target, pyrage.passphrase.encrypt(text.encode("ascii"), passphrase))
    with transaction(conn):
        activity.record(conn, author, "org_keys_exported", None)


def restore_header(conn: Connection, escrow: Path, folder: Path, author: str) -> str:
    """Coordinator: decrypt a researcher's key escrow with the organisation's identity
    and put the header back into the vault folder `folder`; returns the vault id.

    The vault then opens again with the researcher's passphrase or recovery code
    (the escrow holds the same wraps, never the data key in the clear).
    """
    from testimony_app.core.vault import keyfile

    identity = org_identity(conn)
    raw = outfile.read_limited(escrow, MAX_ENROLMENT_BYTES)
    if raw is None:
        raise InputError("escrow_invalid")
    try:
        header = pyrage.decrypt(raw, [identity])
    except Exception:  # pyrage: not age, not for us, damaged
        raise InputError("escrow_invalid") from None
    try:
        restored = keyfile.restore_header(folder, header)
    except VaultError as exc:
        if exc.code == "not_a_vault":
            raise InputError("escrow_invalid") from None
        raise
    with transaction(conn):
        activity.record(conn, author, "header_restored", restored.vault_id)
    return restored.vault_id


# -- enrolment ---------------------------------------------------------------


def new_enrolment_code() -> str:
    chars = "".join(secrets.choice(_CROCKFORD) for _ in range(5 * CODE_GROUPS))
    return "-".join(chars[i:i + 5] for i in range(0, len(chars), 5))


def normalise_code(code: str) -> str:
    cleaned = code.upper().translate(str.maketrans("OIL", "011"))
    cleaned = "".join(ch for ch in cleaned if ch not in " -\t\r\n")
    if len(cleaned) != 5 * CODE_GROUPS or any(ch not in _CROCKFORD for ch in cleaned):
        raise InputError("enrolment_code_format")
    return "-".join(cleaned[i:i + 5] for i in range(0, len(cleaned), 5))


def write_enrolment(conn: Connection, target: Path, author: str) -> str:
    """Write an enrolment file for one researcher; return its one-time code."""
    org = require_coordinator(conn)
    payload = safejson.dumps({
        "format": ENROLMENT_FORMAT, "organisation": org.id, "name": org.name,
        "recipients": list(org.recipients), "signing_key": _b64(org.signing_key),
        "matching_key": _b64(matching_key(conn)), "settings": org.settings})
    code = new_enrolment_code()
    outfile.write_new(target, pyrage.passphrase.encrypt(payload, code))
    with transaction(conn):
        activity.record(conn, author, "enrolment_written", org.id)
    return code


def read_enrolment(path: Path, code: str) -> Enrolment:
    code = normalise_code(code)
    raw = outfile.read_limited(path, MAX_ENROLMENT_BYTES)
    if raw is None:
        raise InputError("enrolment_malformed")
    try:
        payload = pyrage.passphrase.decrypt(raw, code)
    except pyrage.DecryptError:
        if not raw.startswith(b"age-encryption.org/v1\n"):
            raise InputError("enrolment_malformed") from None
        raise WrongSecret("enrolment_code_wrong") from None
    except Exception:  # pyrage reports damage as OSError or its own types
        raise InputError("enrolment_malformed") from None
    try:
        obj = safejson.loads(payload)
        if not isinstance(obj, dict) or obj.get("format") != ENROLMENT_FORMAT:
            raise ValueError("format")
        recipients = obj["recipients"]
        if (not isinstance(recipients, list) or not recipients or len(recipients) > 16
                or not all(isinstance(r, str) for r in recipients)):
            raise ValueError("recipients")
        for r in recipients:
            x25519.Recipient.from_str(r)
        org_id = str(uuid.UUID(obj["organisation"]))
        name = obj["name"]
        settings = obj.get("settings", {})
        if not isinstance(name, str) or not isinstance(settings, dict):
            raise ValueError("fields")
        return Enrolment(org_id, name[:200], tuple(recipients),
                         _unb64(obj["signing_key"], 32), _unb64(obj["matching_key"], 32),
                         settings)
    except Exception:  # every way a payload can be wrong ends in one refusal
        raise InputError("enrolment_malformed") from None


def join(conn: Connection, enrolment: Enrolment, author: str) -> None:
    """Join this vault to the organisation (again, to update recipients and settings).
    What was finalised before is sealed after (identity/enrolling.py `apply_enrolment`,
    the function to call; until then SEAL_PENDING says it is due)."""
    with transaction(conn):
        role = get_meta(conn, "org.role")
        if role == ROLE_COORDINATOR or (role and get_meta(conn, "org.id") != enrolment.org_id):
            raise InputError("org_exists")
        for k, v in {
            "org.role": ROLE_MEMBER, "org.id": enrolment.org_id, "org.name": enrolment.name,
            "org.recipients": json.dumps(list(enrolment.recipients)),
            "org.signing_public": _b64(enrolment.signing_key),
            "org.matching_key": _b64(enrolment.matching_key),
            "org.settings": json.dumps(clean_settings(enrolment.settings) or {}, sort_keys=True),
            # Until every testimony finalised before joining is sealed (below, and
            # again at each unlock if this was interrupted): seal.seal_finalised, called by
            # identity/enrolling.py.
            SEAL_PENDING: "1",
        }.items():
            _set_meta(conn, k, v)
        activity.record(conn, author, "enrolled", enrolment.org_id,
                     organisation_key=fingerprint(enrolment.signing_key))
    _installation_keys(conn)


# -- trust -------------------------------------------------------------------


def trust(conn: Connection, fp: str, name: str, author: str) -> Person:
    fp = normalise_fingerprint(fp)
    name = name.strip()
    if not name or len(name) > 200 or not name.isprintable():
        raise InputError("person_name")
    at = activity.now()
    with transaction(conn):
        conn.execute(
            "INSERT INTO people (fingerprint, name, trusted, added_at, changed_at) "
            "VALUES (?, ?, 1, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET "
            "name = excluded.name, trusted = 1, changed_at = excluded.changed_at",
            (fp, name, at, at))
        activity.record(conn, author, "trust", fp)
    return person(conn, fp)


def untrust(conn: Connection, fp: str, author: str) -> Person:
    fp = normalise_fingerprint(fp)
    person(conn, fp)
    with transaction(conn):
        conn.execute("UPDATE people SET trusted = 0, changed_at = ? WHERE fingerprint = ?",
                     (activity.now(), fp))
        activity.record(conn, author, "untrust", fp)
    return person(conn, fp)


def person(conn: Connection, fp: str) -> Person:
    row = conn.execute("SELECT fingerprint, name, trusted, added_at, changed_at FROM people "
                       "WHERE fingerprint = ?", (normalise_fingerprint(fp),)).fetchone()
    if row is None:
        raise NotFound("person_not_found", fingerprint=normalise_fingerprint(fp))
    return Person(row[0], row[1], bool(row[2]), row[3], row[4])


def people(conn: Connection) -> list[Person]:
    return [Person(r[0], r[1], bool(r[2]), r[3], r[4]) for r in conn.execute(
        "SELECT fingerprint, name, trusted, added_at, changed_at FROM people ORDER BY name")]


def verify_org_signature(org: Organisation, message: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        Ed25519PublicKey.from_public_bytes(org.signing_key).verify(signature, message)
    except InvalidSignature:
        return False
    return True


def known(conn: Connection, fp: str) -> tuple[str, bool] | None:
    """(name, trusted) of a key this vault knows, by exact fingerprint, or None."""
    row = conn.execute("SELECT name, trusted FROM people WHERE fingerprint = ?",
                       (fp,)).fetchone()
    return None if row is None else (row[0], bool(row[1]))


def names(conn: Connection) -> dict[str, str]:
    """Every known key's name, by fingerprint."""
    return {r[0]: r[1] for r in conn.execute("SELECT fingerprint, name FROM people")}
