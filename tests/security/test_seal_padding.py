"""A sealed identity's size tells the bucket its names fall in (256 bytes of
canonical JSON), not their exact length."""

from __future__ import annotations

import base64

import pyrage

from testimony_app.core.identity import seal


def _sealed_size(identity: dict[str, object], recipients: tuple[str, ...]) -> int:
    """The size of the age payload (the header's size varies at random: rage adds
    a "grease" stanza of random length, and it does not depend on the content)."""
    sealed = base64.b64decode(seal.seal_identity(identity, recipients)["data"])
    header_end = sealed.index(b"\n", sealed.index(b"\n--- ") + 1) + 1
    return len(sealed) - header_end


def test_identities_of_different_lengths_seal_to_the_same_size() -> None:
    key = pyrage.x25519.Identity.generate()
    recipients = (str(key.to_public()),)
    short = {"name": {"en": "Ali Awad"}, "public_domain": False}
    longer = {"name": {"en": "Qorvandel Zibrakhan al-Halabi", "ar": "قُرْوَنْدَل زِبْرَخان"},
              "father_name": "Yusrindel", "public_domain": False}
    assert _sealed_size(short, recipients) == _sealed_size(longer, recipients)
    much_longer = {**longer, "aliases": ["Abu Qorvan " * 20]}
    assert _sealed_size(much_longer, recipients) > _sealed_size(longer, recipients)
    opened = seal._open(key, seal.seal_identity(longer, recipients))
    assert opened == longer  # the padding is JSON whitespace: readers need no change
