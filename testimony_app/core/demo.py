"""The demo data set built from the Aleppo 2016 report (seeds/)."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from testimony_app.core.common.errors import TestimonyError
from testimony_app.core.identity import enrolling

if TYPE_CHECKING:
    from testimony_app.core.records.store import AddResult
    from testimony_app.core.session import Session

SEED_FILE = "aleppo-2016.json"


def seed_path() -> Path:
    """The data set: $TESTIMONY_SEEDS, else seeds/ of the source tree."""
    candidates = [Path(os.environ["TESTIMONY_SEEDS"])] if "TESTIMONY_SEEDS" in os.environ else []
    candidates.append(Path(__file__).resolve().parents[2] / "seeds" / SEED_FILE)
    bundled = getattr(sys, "_MEIPASS", None)  # the frozen app carries the data set
    if bundled:
        candidates.append(Path(bundled) / "seeds" / SEED_FILE)
    for path in candidates:
        if path.is_file():
            return path
    raise TestimonyError("seeds_missing")


def load(session: Session) -> AddResult:
    return session.add_json(seed_path().read_bytes())


WORKSPACE_SEED_FILE = "workspace-demo.json"
DEMO_ORGANISATION = "Demo organisation"


def workspace_seed_path() -> Path:
    return seed_path().with_name(WORKSPACE_SEED_FILE)


def workspace_testimony_id(key: str) -> str:
    """The id seeds/make_workspace_demo.py gives testimony `key` (e.g. "a:nour-1")."""
    import uuid

    namespace = uuid.uuid5(uuid.NAMESPACE_URL, "https://testimony.invalid/seeds/workspace-demo")
    return str(uuid.uuid5(namespace, f"testimony:{key}"))


ANNA_NEWS = str(uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL,
                                       "https://testimony.invalid/seeds/aleppo-2016"),
                            "source:anna"))


def build_workspace(folder: Path, passphrase: str,
                    progress: Callable[[int, int], None] | None = None) -> tuple[Session, str]:
    """A coordinator's vault as it looks after real work: the Aleppo 2016 data set,
    an organisation, and the bundles of two enrolled researchers whose accounts
    overlap (seeds/workspace-demo.json). Each researcher gets a real vault of its
    own, in a scratch folder beside `folder`: enrolled, fed, every testimony
    finalised (so identities are sealed), exported as a bundle and imported here.
    The scratch vaults are removed afterwards. Returns the open coordinator's
    session and its recovery code."""
    import json
    import secrets
    import shutil
    import tempfile

    from testimony_app.core.session import Session
    from testimony_app.core.sync import bundle
    from testimony_app.core.vault import org

    seed = json.loads(workspace_seed_path().read_bytes())
    researchers = seed["researchers"]
    steps = 2 + 2 * len(researchers)
    tick = progress or (lambda _d, _t: None)
    session, code = Session.create(folder, passphrase)
    try:
        load(session)
        org.init_org(session.conn, DEMO_ORGANISATION, session.author)
        tick(1, steps)
        scratch = Path(tempfile.mkdtemp(prefix=".testimony-demo-", dir=folder.parent))
        try:
            for number, entry in enumerate(researchers):
                where = scratch / str(number)
                where.mkdir()
                enrolment = org.write_enrolment(session.conn, where / "enrol.age", session.author)
                researcher, _code = Session.create(where / "vault", secrets.token_urlsafe(24))
                with researcher:
                    enrolling.apply_enrolment(researcher.conn, org.read_enrolment(
                        where / "enrol.age", enrolment), researcher.author)
                    org.trust(session.conn, org.whoami(researcher.conn).fingerprint,
                              entry["name"], session.author)
                    researcher.add_document(entry["document"])
                    for testimony in entry["document"]["testimonies"]:
                        # invented names only: nobody to ask about them
                        researcher.finalise(testimony["id"], allow_untagged=True)
                    tick(2 + 2 * number, steps)
                    bundle.export(researcher, where / "bundle.age")
                bundle.import_bundle(session, where / "bundle.age")
                tick(3 + 2 * number, steps)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        # The report's case of a source that is no confirmation: a "confession" a party
        # to the conflict broadcast, said to be made under duress.
        session.mark_source(ANNA_NEWS, "coerced", note="Televised \"confession\" of a "
                            "detainee by a pro-Kremlin outlet; said to be made under duress.")
    except BaseException:
        session.close()
        raise
    tick(steps, steps)
    return session, code
