"""Search ranks the matches among the newest records (a window): a query whose
matches all lie there, or with fewer than a page there, gets exactly the results
and order it got when every match was ranked (the former code is kept below as the
reference); one with more gets the best of the window, in the same order."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bench.corpus import QUERIES, Corpus
from testimony_app.core.records import store
from testimony_app.core.records.store import SearchHit, fts_query
from testimony_app.core.session import Session


def _reference(conn: Any, query: str, limit: int = 50, kind: str | None = None
               ) -> list[SearchHit]:
    """`store.search` before the candidate bound, unchanged: every match ranked."""
    match = fts_query(query)
    top, titles = _reference_best(conn, match, limit, kind, join=False)
    if len(titles) < len(top):
        top, titles = _reference_best(conn, match, limit, kind, join=True)
    if not top:
        return []
    ids = json.dumps(top)
    wanted = set(top)
    found = {row[0]: row[1:] for row in conn.execute(
        "WITH chosen(id) AS (SELECT value FROM json_each(?1)) SELECT rowid, "
        "CASE WHEN rowid IN chosen THEN record_id END, "
        "CASE WHEN rowid IN chosen THEN kind END, "
        "CASE WHEN rowid IN chosen THEN snippet(search, 2, '[', ']', '…', 12) END "
        "FROM search WHERE search MATCH ?2", (ids, match)) if row[0] in wanted}
    return [SearchHit(found[r][0], found[r][1], titles[r], found[r][2]) for r in top]


def _reference_best(conn: Any, match: str, limit: int, kind: str | None, *, join: bool
                    ) -> tuple[list[int], dict[int, str]]:
    sql = "SELECT s.rowid FROM search s "
    if join:
        sql += "JOIN records r ON r.rowid = s.rowid "
    sql += "WHERE search MATCH ?"
    params: list[Any] = [match]
    if kind:
        sql += " AND s.kind = ?"
        params.append(kind)
    sql += " ORDER BY bm25(search), s.rowid LIMIT ?"
    params.append(limit)
    top = [row[0] for row in conn.execute(sql, params)]
    titles = dict(conn.execute("SELECT rowid, coalesce(title, '') FROM records "
                               "WHERE rowid IN (SELECT value FROM json_each(?))",
                               (json.dumps(top),))) if top else {}
    return top, titles


QUERIES_MORE = (*QUERIES, "ال", "a", "Aleppo", "حلب", "nothing-like-this", "Khaled Hajjar",
                "الحاجز المدرسة", "b", "سوريا")


@pytest.fixture(scope="module")
def corpus_session(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from testimony_app.core.vault import keyfile

    folder = tmp_path_factory.mktemp("search") / "vault"
    session, _code = Session.create(folder, "correct horse battery staple", keyfile.FLOOR)
    for document in Corpus(seed=21).documents(400, 200):
        session.add_document(document)
    yield session
    session.close()


def _matches(conn: Any, query: str, kind: str | None) -> int:
    sql = "SELECT count(*) FROM search WHERE search MATCH ?"
    params: list[Any] = [fts_query(query)]
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    return int(conn.execute(sql, params).fetchone()[0])


def test_results_fit_in_the_window_are_unchanged(corpus_session: Session) -> None:
    conn = corpus_session.conn
    assert conn.execute("SELECT max(rowid) FROM records").fetchone()[0] <= store.SEARCH_WINDOW
    compared = 0
    for query in QUERIES_MORE:
        for kind in (None, "testimony", "incident"):
            for limit in (1, 50, 500):
                assert store.search(conn, query, limit, kind) == \
                    _reference(conn, query, limit, kind), (query, kind, limit)
                compared += 1
    assert compared == len(QUERIES_MORE) * 9


def test_more_matches_than_the_window_rank_the_newest(corpus_session: Session) -> None:
    conn = corpus_session.conn
    newest = conn.execute("SELECT max(rowid) FROM records").fetchone()[0]
    window = 150
    ids = {r[0]: r[1] for r in conn.execute("SELECT rowid, record_id FROM search")}
    for query in ("الحاجز", "checkpoint", "a", "ال"):
        match = fts_query(query)
        in_window = [r[0] for r in conn.execute(
            "SELECT rowid FROM search WHERE search MATCH ? ORDER BY bm25(search), rowid",
            (match,)) if r[0] > newest - window]
        assert len(in_window) >= 20
        hits = store.search(conn, query, 20, window=window)
        assert [h.id for h in hits] == [ids[r] for r in in_window[:20]]
        # the same rows, snippets and titles as the full ranking gives them
        full = {h.id: h for h in _reference(conn, query, 10000)}
        assert hits == [full[h.id] for h in hits]
    # fewer than a page in the window: every match is ranked, as before
    for query in ("Khaled Hajjar", "bakery"):
        count = sum(1 for r in conn.execute("SELECT rowid FROM search WHERE search MATCH ?",
                                            (fts_query(query),)) if r[0] > newest - 5)
        assert count < 50
        assert store.search(conn, query, 50, window=5) == _reference(conn, query, 50)


def test_orphan_entries_are_skipped_as_before(corpus_session: Session) -> None:
    conn = corpus_session.conn
    conn.execute("BEGIN")
    try:
        conn.execute("INSERT INTO search (rowid, record_id, kind, body, stems) VALUES "
                     "(10000000, 'gone', 'testimony', 'checkpoint checkpoint checkpoint', '')")
        conn.execute("INSERT INTO search (rowid, record_id, kind, body, stems) VALUES "
                     "(10000001, 'gone too', 'testimony', 'ahmad ahmad ahmad arrested', '')")
        for query in ("checkpoint", "الحاجز", "a", "ar"):
            assert store.search(conn, query) == _reference(conn, query)
            assert not {"gone", "gone too"} & {h.id for h in store.search(conn, query)}
    finally:
        conn.execute("ROLLBACK")


def _rows(conn: Any, match: str) -> list[tuple[int, float, str]]:
    return [(r[0], r[1], r[2]) for r in conn.execute(
        "SELECT rowid, bm25(search), snippet(search, 2, '[', ']', '…', 12) FROM search "
        "WHERE search MATCH ? ORDER BY rowid", (match,))]


def _terms_beginning(conn: Any, word: str) -> list[str]:
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_terms "
                 "USING fts5vocab(main, search, row)")
    return [r[0] for r in conn.execute("SELECT term FROM temp.search_terms WHERE term >= ? "
                                       "AND substr(term, 1, ?) = ?", (word, len(word), word))]


def test_a_prefix_is_replaced_only_where_one_word_or_none_begins_with_it(
        corpus_session: Session) -> None:
    """A last word that begins no other word of the index is searched without its
    prefix, and one that begins exactly one word is searched as that word: the same
    rows, scores and snippets. One that begins two words or more, or that the
    tokenizer may fold or split, keeps it."""
    conn = corpus_session.conn
    dropped = replaced = kept = 0
    for query in QUERIES_MORE:
        match = store.match_for(conn, query)
        if match == fts_query(query):
            kept += 1
            continue
        assert not match.endswith("*")
        word = fts_query(query).rsplit('"', 2)[-2]
        became = match.rsplit('"', 2)[-2]
        assert match.removesuffix(f'"{became}"') == fts_query(query).removesuffix(f'"{word}"*')
        assert _terms_beginning(conn, word) in ([], [became]), query
        if became == word:
            dropped += 1
        else:
            replaced += 1
        assert _rows(conn, match) == _rows(conn, fts_query(query)), query
    # All three ways are exercised: "a", "ال", "b" keep it; "interrog" is replaced
    assert dropped >= 10 and replaced >= 1 and kept >= 3, (dropped, replaced, kept)
    assert store.match_for(conn, "interrog") == '"interrogation"'
    assert store.match_for(conn, "Hajj") == '"hajjar"'
    for query in ("hajjar-x", "o'brien", "x_y"):
        assert store.match_for(conn, query).endswith("*"), query


def test_the_one_word_a_prefix_begins_gives_the_same_results_and_snippets(
        tmp_path: Any) -> None:
    from testimony_app.core.records import listing
    from testimony_app.core.records.listing import Filter
    from testimony_app.core.vault import keyfile

    session, _code = Session.create(tmp_path / "vault", "correct horse battery staple",
                                    keyfile.FLOOR)
    conn = session.conn

    def add(text: str) -> None:
        document = next(Corpus(seed=len(text)).documents(1, 1))
        document["testimonies"][0]["narrative"]["en"] = text
        session.add_document(document)

    try:
        add("the zqxwabc came at night; zqxwabc again, and the checkpoint")
        assert store.match_for(conn, "zqxw") == '"zqxwabc"'
        assert store.match_for(conn, "checkpoint zqx") == '"checkpoint" "zqxwabc"'
        assert store.match_for(conn, "zqxwabc") == '"zqxwabc"'  # x itself, alone
        for query in ("zqxw", "checkpoint zqx", "zqxwabc"):
            assert _rows(conn, store.match_for(conn, query)) == _rows(conn, fts_query(query))
            assert store.search(conn, query) == _reference(conn, query)
        assert "[zqxwabc]" in store.search(conn, "zqxw")[0].snippet
        # A second word that begins with it: the prefix stays, and matches both
        add("a zqxwdef was there")
        assert store.match_for(conn, "zqxw") == '"zqxw"*'
        assert store.match_for(conn, "zqxwa") == '"zqxwabc"'
        assert len(store.search(conn, "zqxw")) == 2
        # x itself and one longer word: two words
        add("qzxw and qzxwab")
        assert store.match_for(conn, "qzxw") == '"qzxw"*'
        assert store.search(conn, "zqxw", 1, window=1) == _reference(conn, "zqxw", 1)
        # A word of more than 32 KiB, which FTS5 cuts mid-character: its term is not
        # UTF-8, and reading it must neither fail nor stand for a word
        add("zqxwb" + "\u0628" * 20000)
        add("zqxwc" + "\u0628" * 20001)  # another length: another record (the seed)
        for query in ("zqxw", "zqxwa", "zqxwabc", "zqxwb", "checkpoint zqxw", "zqxwc"):
            assert store.search(conn, query) == _reference(conn, query), query
            assert listing.count(conn, "testimony", Filter(query=query)) == len(
                _rows(conn, fts_query(query))), query
        assert store.match_for(conn, "zqxwb") == '"zqxwb"*'
    finally:
        session.close()


def test_the_list_filter_finds_the_same_rows_with_and_without_the_prefix(
        corpus_session: Session) -> None:
    from testimony_app.core.records import listing
    from testimony_app.core.records.listing import Filter

    conn = corpus_session.conn
    for query in QUERIES_MORE:
        rowids = {r[0] for r in conn.execute(
            "SELECT rowid FROM search WHERE search MATCH ? AND kind = 'testimony'",
            (fts_query(query),))}
        assert listing.count(conn, "testimony", Filter(query=query)) == len(rowids), query


def test_a_word_that_continues_past_the_last_code_point_keeps_the_prefix(
        corpus_session: Session) -> None:
    """U+10FFFF is a word character to the tokenizer: a term of x and U+10FFFF (and one
    longer still) begins with x, and must keep `"x"*` matching it."""
    conn = corpus_session.conn
    conn.execute("BEGIN")
    try:
        conn.execute("INSERT INTO search (rowid, record_id, kind, body, stems) VALUES "
                     "(10000001, 'edge', 'testimony', ?, '')",
                     ("zqxw\U0010ffff zqxw\U0010ffffq",))
        assert store.match_for(conn, "zqxw") == '"zqxw"*'
        assert _rows(conn, store.match_for(conn, "zqxw")) == _rows(conn, fts_query("zqxw"))
        assert _rows(conn, fts_query("zqxw"))
    finally:
        conn.execute("ROLLBACK")


def test_equal_scores_ranked_in_one_statement_come_in_index_order() -> None:
    """A kept prefix is ranked by FTS5's `ORDER BY rank` (store._best_with_snippets),
    whose nested sort must keep equal scores in index order, as `ORDER BY bm25, rowid`
    does: rows of the same text, among others, in sorts of many merged runs."""
    import sqlcipher3

    conn = sqlcipher3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE VIRTUAL TABLE search USING fts5 (record_id UNINDEXED, "
                 "kind UNINDEXED, body, stems, tokenize = 'unicode61 remove_diacritics 2')")
    texts = ["zqxwabc zqxwdef", "zqxwabc zqxwdef zqxwabc", "a zqxwabc b c d e f"]
    conn.executemany("INSERT INTO search (rowid, record_id, kind, body, stems) "
                     "VALUES (?, ?, 'testimony', ?, '')",
                     [(n + 1, str(n), texts[n % 7 % 3]) for n in range(6000)])
    for floor in (0, 3000, 5990):
        for limit in (1, 50, 2000, 10000):
            one = [r[0] for r in conn.execute(
                "SELECT rowid FROM search WHERE search MATCH '\"zqxw\"*' AND rank MATCH "
                "'bm25()' AND rowid > ? ORDER BY rank LIMIT ?", (floor, limit))]
            two = [r[0] for r in conn.execute(
                "SELECT rowid FROM search WHERE search MATCH '\"zqxw\"*' AND rowid > ? "
                "ORDER BY bm25(search), rowid LIMIT ?", (floor, limit))]
            assert one == two, (floor, limit)
            assert len(one) == min(limit, 6000 - floor)
