"""Redacted exports for an auditor: the coordinator writes and reviews them, the
auditor checks them without a vault or a passphrase.

    testimony export-redacted --to DIR [--threshold N] [--coarsen-...] [--zip]
    testimony review-redaction ID [--approve]      a narrative as it would leave
    testimony verify DIR|ZIP [--expect FP]         authentic and complete, or why not
"""

from __future__ import annotations

import argparse
from pathlib import Path

from testimony_app.cli.common import Command, open_session
from testimony_app.cli.output import num, out, out_json
from testimony_app.i18n import _


def cmd_export_redacted(args: argparse.Namespace) -> int:
    from testimony_app.core.audit import redact

    options = redact.Options(auditor=args.auditor, profile=args.profile,
                             date_from=args.date_from, date_until=args.date_until,
                             threshold=args.threshold, coarsen_places=args.coarsen_places,
                             coarsen_dates=args.coarsen_dates, zip=args.zip,
                             uwazi=args.format == "uwazi")
    with open_session(args) as session:
        manifest = session.audit.export(Path(args.to), options)
    if args.json:
        out_json({"to": args.to, "counts": manifest["counts"], "policy": manifest["policy"],
                  "redaction_log": manifest["redaction_log"],
                  "fingerprint": manifest["organisation"]["fingerprint"]})
        return 0
    out(_("Redacted export written to {path}.").format(path=args.to))
    for kind, count in sorted(manifest["redaction_log"].items()):
        out(f"  {_(kind)}{_(': ')}{num(count)}")  # the manifest's English keys, said
    out(_("The auditor checks it with: testimony verify {path} --expect {fp}").format(
        path=args.to, fp=manifest["organisation"]["fingerprint"]))
    return 0


def cmd_review_redaction(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        testimony_id = session.resolve(args.id)
        texts = session.audit.preview(testimony_id, args.auditor)
        if args.approve:
            session.audit.approve(testimony_id, args.auditor)
    if args.json:
        out_json({"id": testimony_id, "preview": texts, "approved": args.approve})
        return 0
    for language, text in texts.items():
        out(f"[{language}] {text}")
    out(_("Approved: this narrative will leave in redacted exports as shown.") if args.approve
        else _("Not approved yet; add --approve once the preview hides every name."))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    # no vault: the export is checked where it lies
    from testimony_app.core.audit.service import AuditService

    verdict = AuditService.check(
        Path(args.path), [args.expect] if args.expect else [],
        trusted_keys=Path(args.trusted_keys) if args.trusted_keys else None,
        tsa_cert=Path(args.tsa_cert) if args.tsa_cert else None)
    problems, manifest = verdict.problems, verdict.manifest
    if args.json:
        out_json({"ok": verdict.authentic, "problems": problems,
                  "signer_known": verdict.signer_known, "fingerprint": verdict.fingerprint,
                  "first_received": verdict.received})
    elif problems:
        for problem in problems:
            out(_("FAILED: {problem}").format(problem=problem))
    elif manifest is not None and verdict.unknown_signer:
        out(_("NOT VERIFIED: the files match their signed manifest, but it was signed by "
              "{fp}, a key you were not told to expect. Anyone can sign a changed export "
              "with a key of their own.").format(fp=verdict.fingerprint))
        out(_("Ask the organisation for its fingerprint, in person or by a channel you trust, "
              "then run: testimony verify {path} --expect FINGERPRINT (or --trusted-keys FILE, "
              "one fingerprint a line).").format(path=args.path))
    elif manifest is not None:
        out(_("Authentic and complete: signed by {name} ({fp}); every file and figure checks "
              "out.").format(name=manifest["organisation"]["name"],
                             fp=verdict.fingerprint))
        for record_id, at in sorted(verdict.received.items()):
            out(_("{id}: received by the coordinator no later than {time} (a timestamp by "
                  "the authority you trust).").format(id=record_id, time=at))
    return 0 if verdict.authentic else 1


def register(command: Command) -> None:
    p = command("export-redacted", cmd_export_redacted,
                _("write a redacted, signed export for an auditor (coordinator)"))
    p.add_argument("--to", required=True, metavar="DIR")
    p.add_argument("--auditor", default="auditor", help=_("who it is for (own pseudonyms)"))
    p.add_argument("--profile", default="auditor", choices=["auditor"])
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--until", dest="date_until", metavar="YYYY-MM-DD")
    p.add_argument("--threshold", type=int, default=5,
                   help=_("suppress documented counts below this, in every file (2 to 100)"))
    p.add_argument("--coarsen-places", choices=["city", "governorate"])
    p.add_argument("--coarsen-dates", action="store_true")
    p.add_argument("--zip", action="store_true")
    p.add_argument("--format", choices=["standard", "uwazi"], default="standard",
                   help=_("uwazi: also write uwazi.zip for HURIDOCS Uwazi's CSV import"))
    p = command("review-redaction", cmd_review_redaction,
                _("preview a narrative as it would leave, and approve it"))
    p.add_argument("id")
    p.add_argument("--auditor", default="auditor")
    p.add_argument("--approve", action="store_true")
    p = command("verify", cmd_verify,
                _("check a redacted export (no vault or passphrase needed)"))
    p.add_argument("path", metavar="DIR|ZIP")
    p.add_argument("--expect", metavar="FINGERPRINT",
                   help=_("the organisation's fingerprint, as you were told it"))
    p.add_argument("--trusted-keys", metavar="FILE",
                   help=_("a file of trusted fingerprints, one a line (# starts a comment)"))
    p.add_argument("--tsa-cert", metavar="FILE",
                   help=_("the certificate (PEM) of the time-stamp authority you trust: "
                          "check the export's timestamps against it"))
