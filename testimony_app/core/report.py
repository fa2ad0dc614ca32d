"""Figures and the printable report of a redacted export.

Pure functions over the exported `records.json`: the exporter uses them to write
the report, and `verify` uses them again, without any vault or secret, to check
that the report's figures are what the records say.
"""

from __future__ import annotations

import html
from typing import Any

from testimony_app.core import breakdown, dates, vocab

SUPPRESSED = None  # a suppressed cell is null in JSON and "<5" in the report


def _children(given: dict[str, Any]) -> int:
    return sum(breakdown.count(given, k) for k in ("girls", "boys", "children"))


def figures(records: dict[str, Any], threshold: int) -> list[dict[str, Any]]:
    """Victims by month, incident type and source, documented apart from reported.

    Documented counts from 1 to threshold-1 are suppressed (they could point to a
    person); no totals across rows are published, so a suppressed cell cannot be
    recomputed from them. Figures other organisations published are shown as they
    were published.
    """
    persons = {p["pseudonym"]: p for p in records.get("persons", [])}
    sources = {s["id"]: s["name"] for s in records.get("sources", [])}
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}

    def row(month: str, type_: str, source: str) -> dict[str, Any]:
        return rows.setdefault((month, type_, source), {
            "month": month, "incident_type": type_, "source": source, "victims": 0,
            "women": 0, "children": 0, "records": 0, "qualifiers": set()})

    for incident in records.get("incidents", []):
        month = dates.month(incident["date"]) or dates.sort_key(incident["date"])[:7]
        r = row(month, incident["type"], "documented")
        r["records"] += 1
        for victim in incident.get("victims", []):
            if "group" in victim:
                group = victim["group"]
                r["victims"] += group["count"]
                r["women"] += breakdown.count(group.get("breakdown"), "women")
                r["children"] += _children(group.get("breakdown", {}))
                r["qualifiers"].add(group["qualifier"])
            else:
                person = persons.get(victim["person"], {})
                r["victims"] += 1
                r["qualifiers"].add("exact")
                if person.get("age_group") == "child":
                    r["children"] += 1
                elif person.get("sex") == "female":
                    r["women"] += 1
    for agg in records.get("aggregates", []):
        agg_month = dates.month(agg["period"])
        if agg_month is None:
            continue
        r = row(agg_month, agg["incident_type"], sources.get(agg["source"], "?"))
        r["records"] += 1
        r["victims"] += agg["count"]
        r["women"] += breakdown.count(agg.get("breakdown"), "women")
        r["children"] += _children(agg.get("breakdown", {}))
        r["qualifiers"].add(agg["qualifier"])
    out = []
    for key in sorted(rows):
        r = rows[key]
        q = r.pop("qualifiers")
        r["qualifier"] = ("exact" if q <= {"exact"} else
                          "at_least" if q <= {"exact", "at_least", "perhaps_more"}
                          else "approximately")
        if r["source"] == "documented":
            for cell in ("victims", "women", "children"):
                if 0 < r[cell] < threshold:
                    r[cell] = SUPPRESSED
        out.append(r)
    return out


def _cell(value: int | None) -> str:
    return "&lt;5" if value is None else f"{value:,}"


def render_html(manifest: dict[str, Any], records: dict[str, Any], language: str = "en") -> str:
    """A self-contained, printable page. Every value is escaped: it came from records."""
    rtl = language == "ar"
    esc = html.escape
    rows = []
    for f in manifest["figures"]:
        prefix = {"exact": "", "at_least": "≥ ", "approximately": "~ "}[f["qualifier"]]
        rows.append(
            f"<tr><td>{esc(f['month'])}</td>"
            f"<td>{esc(vocab.label('incident_type', f['incident_type'], language))}</td>"
            f"<td>{esc(f['source'])}</td><td class=n>{prefix}{_cell(f['victims'])}</td>"
            f"<td class=n>{_cell(f['women'])}</td><td class=n>{_cell(f['children'])}</td></tr>")
    peak = max((f["victims"] or 0 for f in manifest["figures"]), default=0) or 1
    bars = "".join(
        f"<div class=bar><span>{esc(f['month'])} · {esc(f['source'])}</span>"
        f"<i style='width:{max(1, int(300 * (f['victims'] or 0) / peak))}px'></i>"
        f"<b>{_cell(f['victims'])}</b></div>"
        for f in manifest["figures"] if f["incident_type"] == "arbitrary_arrest")
    log = "".join(f"<li>{esc(k)}: {v}</li>" for k, v in sorted(manifest["redaction_log"].items()))
    counts = "".join(f"<li>{esc(k)}: {v}</li>" for k, v in sorted(manifest["counts"].items()))
    narratives = "".join(
        f"<article dir=auto><h3>{esc(t.get('title', t['id'][:8]))}</h3>"
        + "".join(f"<p dir=auto>{esc(text)}</p>" for text in t.get("narrative", {}).values())
        + "</article>" for t in records.get("testimonies", []))
    return f"""<!doctype html>
<html lang="{esc(language)}" dir="{'rtl' if rtl else 'ltr'}"><head><meta charset="utf-8">
<title>Testimony — redacted export</title>
<style>body{{font-family:'Noto Sans','Noto Naskh Arabic',sans-serif;margin:2em;max-width:60em}}
table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:.2em .5em}}
td.n{{text-align:end;font-variant-numeric:tabular-nums}}.bar{{display:flex;gap:.5em;
align-items:center}}.bar span{{width:22em}}.bar i{{display:inline-block;height:.9em;
background:#6a1b9a}}@media print{{body{{margin:0}}}}</style></head><body>
<h1>Redacted export</h1>
<p>Organisation: {esc(manifest['organisation']['name'])} · key {esc(manifest['organisation']
['fingerprint'])} · for {esc(manifest['auditor'])} · {esc(manifest['created'])}</p>
<p>Check it with <code>testimony verify</code> or <code>sha256sum -c SHA256SUMS</code>.</p>
<h2>Figures</h2><p>Cases documented by the organisation are shown apart from figures other
sources reported; they are never added together. Documented counts below
{manifest['threshold']} are suppressed (&lt;{manifest['threshold']}).</p>
<table><tr><th>Month</th><th>Type</th><th>Source</th><th>Victims</th><th>Women</th>
<th>Children</th></tr>{''.join(rows)}</table>
<h2>Arrests by month</h2>{bars}
<h2>Contents</h2><ul>{counts}</ul><h2>Redaction log</h2><ul>{log}</ul>
<h2>Reviewed narratives</h2>{narratives or '<p>None.</p>'}
</body></html>
"""
