"""Core benchmarks (no Qt): intake, search, unlock, export, import, memory.

Every figure is measured in the same process run as its baseline.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3

from bench.clock import Clock, Target, medians, row
from bench.corpus import QUERIES, Corpus, texts
from testimony_app.core.audit import redact, verify
from testimony_app.core.common.errors import TestimonyError
from testimony_app.core.identity import enrolling
from testimony_app.core.records import interchange
from testimony_app.core.session import Session
from testimony_app.core.sync import bundle
from testimony_app.core.vault import keyfile, org

PASSPHRASE = "correct horse battery staple"  # noqa: S105 - a throwaway bench vault
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Size:
    name: str
    testimonies: int       # intake, search, list
    batch: int             # testimonies per add_document
    export_testimonies: int
    export_bytes: int      # attachments in the exported bundle
    memory_bytes: int      # the one attachment of the memory row
    runs: int


SIZES = {
    "full": Size("full", 100_000, 1000, 10_000, 1 << 30, 2 << 30, 3),
    "small": Size("small", 2_000, 200, 500, 32 << 20, 256 << 20, 3),
    "medium": Size("medium", 10_000, 1000, 2_000, 256 << 20, 1 << 30, 3),
    # On demand only (bench/README.md: disk and time it needs). One run of each
    # baseline; the corpus is made again for each pass instead of held in memory.
    "huge": Size("huge", 1_000_000, 1000, 100_000, 4 << 30, 4 << 30, 1),
}
# Corpora larger than this are generated batch by batch for each pass (1 000 000
# testimonies held at once would take ~10 GB of Python objects).
IN_MEMORY = 100_000


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def create_vault(folder: Path) -> tuple[Session, bytes]:
    session, _code = Session.create(folder, PASSPHRASE, keyfile.FLOOR)
    return session, session.data_key()


# -- intake ---------------------------------------------------------------------


def _baseline_db(path: Path) -> Any:
    conn = sqlcipher3.connect(str(path), isolation_level=None)  # no key: plain SQLite
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE records (id TEXT PRIMARY KEY, kind TEXT, data TEXT)")
    conn.execute("CREATE VIRTUAL TABLE search USING fts5 (record_id UNINDEXED, body, "
                 "tokenize = 'unicode61 remove_diacritics 2')")
    return conn


def baseline_intake(path: Path, documents: Iterable[dict[str, Any]]) -> Clock:
    """The same records, as JSON, and their text in FTS5: plain SQLite, one transaction.
    Only the inserts are timed (not making the documents, when they come from a
    generator)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    conn = _baseline_db(path)
    clock = Clock()
    with clock:
        conn.execute("BEGIN")
    for doc in documents:
        with clock:
            for kind, rec in interchange.records(doc):
                cur = conn.execute("INSERT INTO records (id, kind, data) VALUES (?, ?, ?)",
                                   (rec["id"], kind, json.dumps(rec, ensure_ascii=False)))
                body = texts(rec)
                if body:
                    conn.execute("INSERT INTO search (rowid, record_id, body) VALUES (?, ?, ?)",
                                 (cur.lastrowid, rec["id"], body))
    with clock:
        conn.execute("COMMIT")
    conn.close()
    return clock


def intake(size: Size, work: Path, *, stream: bool = False
           ) -> tuple[dict[str, Any], Path, bytes, Path]:
    """`stream`: make the corpus again for each pass rather than hold it, so that the
    process's peak memory is the app's (the archive rows measure it)."""
    def corpus() -> Iterable[dict[str, Any]]:
        return Corpus().documents(size.testimonies, size.batch)

    held = list(corpus()) if size.testimonies <= IN_MEMORY and not stream else None

    def documents() -> Iterable[dict[str, Any]]:
        return held if held is not None else corpus()

    records = sum(1 for d in documents() for _ in interchange.records(d))
    base_path = work / "baseline.db"
    baseline = medians([baseline_intake(base_path, documents()) for _ in range(size.runs)])
    session, key = create_vault(work / "vault")
    per_batch: list[float] = []
    app = Clock()
    for doc in documents():
        wall = app.wall
        with app:
            session.add_document(doc)
        per_batch.append(app.wall - wall)
    session.close()
    result = row("intake", "s", Target("ratio", 4), app, baseline,
                 f"{size.testimonies} testimonies ({records} records) in batches of "
                 f"{size.batch}; per batch median {median(per_batch) * 1000:.0f} ms; CPU: "
                 f"app {app.cpu / records * 1000:.3f} ms/record, baseline "
                 f"{baseline.cpu / records * 1000:.3f} ms/record")
    result["records"] = records  # for the growth table (bench/growth.py)
    return result, work / "vault", key, base_path


# -- search -----------------------------------------------------------------------


def _fts_plain(query: str) -> str:
    words = query.split()
    terms = ['"' + w.replace('"', '""') + '"' for w in words]
    terms[-1] += "*"
    return " ".join(terms)


def search(size: Size, folder: Path, key: bytes, base_path: Path) -> list[dict[str, Any]]:
    session = Session.open_with_key(folder, key)
    base = sqlcipher3.connect(str(base_path), isolation_level=None)
    base.execute("PRAGMA cache_size = -65536")  # same page cache as the app's
    sql = ("SELECT s.record_id, coalesce(json_extract(r.data, '$.title'), ''), "
           "snippet(search, 1, '[', ']', '…', 12) FROM search s "
           "JOIN records r ON r.rowid = s.rowid WHERE search MATCH ? ORDER BY rank LIMIT 50")
    app_t: list[Clock] = []
    base_t: list[Clock] = []
    for rep in range(size.runs + 1):  # the first round warms both caches, not counted
        for q in QUERIES:
            with Clock() as a:
                session.search(q)
            with Clock() as b:
                base.execute(sql, (_fts_plain(q),)).fetchall()
            if rep:
                app_t.append(a)
                base_t.append(b)
    session.close()
    base.close()

    def pct(clocks: list[Clock], p: float) -> Clock:
        # Each measure's percentile on its own, as `medians` does.
        return Clock(percentile([c.wall for c in clocks], p),
                     percentile([c.own for c in clocks], p),
                     percentile([c.children for c in clocks], p))

    detail = f"{len(QUERIES)} Arabic and English queries × {size.runs}, limit 50, snippets"
    return [
        row("search p95", "ms", Target("app", 300, "app <= 300 ms (at 1 000 000)")
            if size.testimonies > IN_MEMORY else Target("ratio", 1.2),
            pct(app_t, 95), pct(base_t, 95), detail, scale=1000),
        row("search p50", "ms", Target("app", 30, "app <= 30 ms (at 100 000)"),
            pct(app_t, 50), pct(base_t, 50), detail, scale=1000),
    ]


# -- unlock -----------------------------------------------------------------------


def unlock(size: Size, folder: Path, key: bytes) -> dict[str, Any]:
    app_t: list[Clock] = []
    base_t: list[Clock] = []
    db_path = folder / keyfile.DB_FILE
    for _ in range(max(7, size.runs)):
        with Clock() as a:
            Session.open_with_key(folder, key).close()
        app_t.append(a)
        with Clock() as b:
            conn = sqlcipher3.connect(str(db_path), isolation_level=None)
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.close()
        base_t.append(b)
    return row("unlock (without Argon2id)", "ms", Target("diff", 50), medians(app_t),
               medians(base_t), f"vault of {size.testimonies} testimonies; median of "
               f"{len(app_t)}", scale=1000)


# -- export, import, memory ------------------------------------------------------------


@dataclass
class Pair:
    coordinator: Path
    researcher: Path
    key: bytes
    recipient: str


def make_pair(work: Path) -> Pair:
    """A coordinator and a researcher enrolled to it (as tests/sync_fixtures.py)."""
    template, key = create_vault(work / "template")
    template.close()
    coord_dir, res_dir = work / "coordinator", work / "researcher"
    shutil.copytree(work / "template", coord_dir)
    shutil.copytree(work / "template", res_dir)
    with Session.open_with_key(coord_dir, key) as coordinator, \
            Session.open_with_key(res_dir, key) as researcher:
        researcher.conn.execute("UPDATE meta SET value = ? WHERE key = 'device_id'",
                                (str(uuid.uuid4()),))
        organisation = org.init_org(coordinator.conn, "Bench Organisation", coordinator.author)
        code = org.write_enrolment(coordinator.conn, work / "enrol.age", coordinator.author)
        enrolling.apply_enrolment(researcher.conn, org.read_enrolment(work / "enrol.age", code),
                            researcher.author)
        fp = org.whoami(researcher.conn).fingerprint
        org.trust(coordinator.conn, fp, "Researcher One", coordinator.author)
        recipient = organisation.recipients[0]
    return Pair(coord_dir, res_dir, key, recipient)


def _random_file(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        left = size
        while left:
            block = os.urandom(min(left, 1 << 20))
            handle.write(block)
            left -= len(block)


def fill_researcher(size: Size, pair: Pair, plain: Path) -> None:
    """Testimonies and attachments; the same plaintext (records.jsonl and the
    attachment files) is left in `plain` for the baseline."""
    plain.mkdir()
    files = plain / "attachments"
    files.mkdir()
    with Session.open_with_key(pair.researcher, pair.key) as researcher:
        corpus = Corpus(seed=7)
        ids: list[str] = []
        for doc in corpus.documents(size.export_testimonies, size.batch):
            researcher.add_document(doc)
            ids += [t["id"] for t in doc["testimonies"]]
        pieces = 8
        for i in range(pieces):
            path = files / f"interview-{i}.flac"
            _random_file(path, size.export_bytes // pieces)
            researcher.attach(ids[i], path)
        with (plain / "records.jsonl").open("w", encoding="utf-8") as out:
            for record in researcher.list_records("testimony"):
                out.write(interchange.canonical(record.data) + "\n")


def ensure_age() -> str | None:
    age = shutil.which("age")
    if age:
        return age
    for cmd in (["apt-get", "install", "-y", "age"], ["sudo", "-n", "apt-get", "install", "-y",
                                                      "age"]):
        try:
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.CalledProcessError):
            continue
        if shutil.which("age"):
            return shutil.which("age")
    return None


def baseline_export(plain: Path, recipient: str, target: Path, age: str) -> Clock:
    """`tar | age -r`: its CPU is the children's (both are waited for inside the clock)."""
    target.unlink(missing_ok=True)
    with Clock() as clock:
        tar = subprocess.Popen(["tar", "-cf", "-", "-C", str(plain), "."],
                               stdout=subprocess.PIPE)
        result = subprocess.run([age, "-r", recipient, "-o", str(target)], stdin=tar.stdout)
        assert tar.stdout is not None
        tar.stdout.close()
        failed = tar.wait() != 0 or result.returncode != 0
    if failed:
        raise RuntimeError("tar | age failed")
    return clock


def export_import(size: Size, work: Path, pair: Pair, age: str | None
                  ) -> tuple[list[dict[str, Any]], Path]:
    plain = work / "plain"
    fill_researcher(size, pair, plain)
    base_t = ([baseline_export(plain, pair.recipient, work / "baseline.age", age)
               for _ in range(size.runs)] if age else [])
    export_t: list[Clock] = []
    target = work / "bundle.age"
    with Session.open_with_key(pair.researcher, pair.key) as researcher:
        for _ in range(size.runs):
            target.unlink(missing_ok=True)
            with Clock() as clock:
                result = bundle.export(researcher, target, everything=True)
            export_t.append(clock)
    import_t: list[Clock] = []
    for i in range(size.runs):
        copy = work / f"coordinator-{i}"
        shutil.copytree(pair.coordinator, copy)
        with Session.open_with_key(copy, pair.key) as coordinator, Clock() as clock:
            bundle.import_bundle(coordinator, target)
        import_t.append(clock)
        if i < size.runs - 1:
            shutil.rmtree(copy)
    exp, imp = medians(export_t), medians(import_t)
    detail = (f"{result.records} records, {result.attachments} attachments, "
              f"{result.size / 2**20:.0f} MiB bundle")
    base = medians(base_t) if base_t else None
    rows = [
        row("export", "s", Target("ratio", 2), exp, base,
            detail + "; baseline tar | age -r (its CPU: the two child processes')"),
        row("import", "s", Target("ratio", 2), imp, exp,
            detail + "; baseline: the export above"),
    ]
    return rows, target


def refusal(size: Size, work: Path, pair: Pair, bundle_path: Path, import_row: dict[str, Any]
            ) -> list[dict[str, Any]]:
    """How long a hostile bundle takes to be refused (the fuzz and refusal tests check
    that it is, and that nothing changes): one byte flipped half-way through the bundle
    above, against importing it intact; and 4 KiB of noise, the fuzzers' inputs."""
    damaged = work / "damaged.age"
    shutil.copyfile(bundle_path, damaged)
    with damaged.open("r+b") as handle:
        handle.seek(damaged.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 1]))
    noise = work / "noise.age"
    noise.write_bytes(os.urandom(4096))
    copy = work / "coordinator-refusal"
    shutil.copytree(pair.coordinator, copy)
    times: dict[str, list[Clock]] = {"damaged": [], "noise": []}
    with Session.open_with_key(copy, pair.key) as coordinator:
        for _ in range(size.runs):
            for name, path in (("damaged", damaged), ("noise", noise)):
                clock = Clock()
                try:
                    with clock:
                        bundle.import_bundle(coordinator, path)
                except TestimonyError:
                    times[name].append(clock)
                else:
                    raise RuntimeError(f"the {name} bundle was imported")
    shutil.rmtree(copy)
    hurt, junk = medians(times["damaged"]), medians(times["noise"])
    imported = Clock(import_row["app"], import_row["app_cpu"], 0.0)
    return [
        row("refusal: damaged bundle", "s", Target("ratio", 1), hurt, imported,
            "a byte flipped half-way; baseline: the import of the intact bundle"),
        row("refusal: 4 KiB of noise", "ms", Target("app", 1000), junk, None,
            "random bytes named .age", scale=1000),
    ]


_CHILD = r"""
import json, sys, time
from pathlib import Path
from testimony_app.core.sync import bundle
from testimony_app.core.session import Session
what, folder, target = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[4])
key = bytes.fromhex(sys.argv[3])
def hwm():  # VmHWM starts afresh at exec; ru_maxrss would carry the parent's peak over
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
before = hwm()
with Session.open_with_key(folder, key) as s:
    start = time.perf_counter()
    if what == "export":
        bundle.export(s, target, everything=True)
    else:
        bundle.import_bundle(s, target)
    elapsed = time.perf_counter() - start
print(json.dumps({"before_kib": before, "peak_kib": hwm(),
                  "seconds": elapsed}))
"""


def memory(size: Size, work: Path, pair: Pair) -> dict[str, Any]:
    """Peak RSS of a process that exports (then one that imports) one big attachment.

    In a pair of its own, holding one testimony and the attachment: the export row's
    researcher also holds 10 000 testimonies, whose parsed records (held in memory
    by an import until they are applied) would be what this row measured."""
    (work / "mem").mkdir()
    pair = make_pair(work / "mem")
    res, coord = pair.researcher, pair.coordinator
    big = work / "big.wav"
    _random_file(big, size.memory_bytes)
    with Session.open_with_key(res, pair.key) as researcher:
        doc = Corpus(seed=7).batch(1, with_places=True)
        researcher.add_document(doc)
        researcher.attach(doc["testimonies"][0]["id"], big)
    big.unlink()
    target = work / "big.age"
    peaks = {}
    for what, folder in (("export", res), ("import", coord)):
        out = subprocess.run([sys.executable, "-c", _CHILD, what, str(folder), pair.key.hex(),
                              str(target)], check=True, capture_output=True, text=True,
                             cwd=ROOT)
        peaks[what] = json.loads(out.stdout.strip().splitlines()[-1])
    target.unlink()
    peak = max(p["peak_kib"] for p in peaks.values()) / 1024
    return row("memory (peak RSS)", "MiB", Target("app", 200e6 / 2**20, "<= 200 MB"), peak,
               None, f"{size.memory_bytes / 2**30:.2f} GiB attachment; export "
               f"{peaks['export']['peak_kib'] / 1024:.0f} MiB "
               f"({peaks['export']['seconds']:.1f} s), import "
               f"{peaks['import']['peak_kib'] / 1024:.0f} MiB "
               f"({peaks['import']['seconds']:.1f} s)")


# -- redacted export ------------------------------------------------------------------


def baseline_redacted(conn: Any, target: Path) -> Clock:
    """The same records as JSON, as they are stored: no redaction, no report, no
    signature, no check; read from the same vault and written to a new folder."""
    with Clock() as clock:
        target.mkdir()
        records: dict[str, list[Any]] = {}
        for kind, data in conn.execute("SELECT kind, data FROM records ORDER BY sort_date, id"):
            records.setdefault(kind, []).append(json.loads(data))
        (target / "records.json").write_bytes(json.dumps(
            records, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
    return clock


def redacted_runs(session: Session, runs: int, options: redact.Options, work: Path,
                  baseline: Callable[[Path], Clock]) -> tuple[list[Clock], list[Clock],
                                                              dict[str, Any]]:
    """`runs` times: `redact.export` then `verify` on the folder, as the CLI's
    export-redacted and an auditor's verify do, and `baseline` into a folder of its
    own. The vault is made a coordinator's first: only a coordinator exports for
    auditors."""
    if org.organisation(session.conn) is None:
        org.init_org(session.conn, "Bench Organisation", session.author)
    redact.auditor_key(session.conn, options.auditor)  # made once, at the first export
    app_t: list[Clock] = []
    base_t: list[Clock] = []
    for i in range(runs):
        target = work / f"redacted-{i}"
        with Clock() as clock:
            manifest = redact.export(session, target, options)
            problems, _checked = verify.verify(target, manifest["organisation"]["fingerprint"])
        app_t.append(clock)
        if problems:
            raise RuntimeError(f"the redacted export does not verify: {problems[:3]}")
        shutil.rmtree(target)
        plain = work / f"redacted-plain-{i}"
        base_t.append(baseline(plain))
        shutil.rmtree(plain)
    return app_t, base_t, manifest


def redacted(size: Size, folder: Path, key: bytes, work: Path) -> dict[str, Any]:
    """A redacted export of the whole intake corpus, against its records as JSON."""
    with Session.open_with_key(folder, key) as session:
        records = sum(session.counts().values())
        app_t, base_t, manifest = redacted_runs(
            session, size.runs, redact.Options(auditor="Bench auditor"), work,
            lambda plain: baseline_redacted(session.conn, plain))
    log = manifest["redaction_log"]
    counts = ", ".join(f"{n} {k}" for k, n in manifest["counts"].items() if n)
    withheld = log.get("narrative withheld (not reviewed)", 0)
    return row("redacted export", "s", Target("ratio", 2), medians(app_t), medians(base_t),
               f"{records} records in the vault; exported {counts} (consent and "
               f"status filter; {withheld} narratives withheld, none reviewed); "
               f"then verify; baseline the stored records as JSON")


# -- backup -------------------------------------------------------------------------


def baseline_backup(folder: Path, target: Path) -> Clock:
    """`cp` of the vault's files (database, WAL, key header) to a new folder, then
    `sync` of the copies: a copy that is not on disk is not a backup either."""
    with Clock() as clock:
        target.mkdir()
        names = [str(folder / n) for n in ("vault.db", "vault.db-wal", "vault.key")
                 if (folder / n).exists()]
        subprocess.run(["cp", *names, str(target)], check=True)
        subprocess.run(["sync", *[str(target / Path(n).name) for n in names]], check=True)
    return clock


def backup(size: Size, folder: Path, key: bytes, work: Path) -> dict[str, Any]:
    """`Session.backup` of the intake vault (what `testimony backup` runs: the online
    copy, its check in two connections, hashes, manifest, fsync, rename) against `cp`
    of its files, alternating, same run."""
    app_t: list[Clock] = []
    base_t: list[Clock] = []
    with Session.open_with_key(folder, key) as session:
        records = sum(session.counts().values())
        phases: list[list[float]] = []
        for i in range(size.runs):
            clock = Clock()
            start = time.perf_counter()
            marks = [0.0, 0.0, 0.0]

            def mark(done: int, total: int, marks: list[float] = marks,
                     start: float = start) -> None:
                # The progress scale is thirds: copy, check, hash and manifest.
                third = 3 * done // max(total, 1)
                for i in (0, 1):
                    if third > i and not marks[i]:
                        marks[i] = time.perf_counter() - start

            with clock:
                result = session.backup(work / f"backup-{i}", progress=mark)
            app_t.append(clock)
            phases.append([marks[0], marks[1] - marks[0], clock.wall - marks[1]])
            shutil.rmtree(result.path)
            plain = work / f"backup-cp-{i}"
            base_t.append(baseline_backup(folder, plain))
            mib = sum(p.stat().st_size for p in plain.iterdir()) / 2**20
            shutil.rmtree(plain)
    copy, check, rest = (median([p[i] for p in phases]) for i in range(3))
    return row("backup", "s", Target("ratio", 1.5), medians(app_t), medians(base_t),
               f"{records} records, {mib:.0f} MiB of vault files; online copy "
               f"{copy:.2f} s, check (quick_check and cipher_integrity_check side by "
               f"side, log chain, counts) {check:.2f} s, SHA-256 + manifest + fsync "
               f"{rest:.2f} s (wall); baseline cp + sync of the files (its CPU: theirs)")
