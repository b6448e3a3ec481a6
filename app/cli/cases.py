"""Cases from the command line: demo data, the list and search, one case, printing a
form, and moving a case on through its statuses."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any

from app.cli.common import emit_json, output_file, unlock, write_raw
from app.config import DataPaths
from app.domain.errors import N_, InvalidInput
from app.domain.text import printable
from app.i18n import gettext as _
from app.i18n import ngettext

AMOUNT_FORMAT = N_("write each amount as ITEM=AMOUNT or ITEM=AMOUNT:CUR, e.g. 1=500 or 2=9000:GEL")


def demo(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services.demo import add_demo_cases, remove_demo_cases

    if not args.remove and not 1 <= args.cases <= 100_000:
        raise InvalidInput({"cases": N_("the number of demo cases is between 1 and 100000")})
    workspace = unlock(args, paths)
    try:
        if args.remove:
            removed = remove_demo_cases(workspace)
            print(_("Removed {count} demo cases.").format(count=removed))
            return 0
        created = add_demo_cases(
            workspace, args.cases, seed=args.seed, alongside_real=args.alongside_real
        )
    finally:
        workspace.close()
    print(_("Added {count} demo cases.").format(count=created))
    return 0


def case_json(row: Any) -> dict[str, object]:
    return {
        "case_number": row.case_number,
        "uuid": str(row.uuid),
        "given_name": row.given_name,
        "family_name": row.family_name,
        "date_of_birth": row.date_of_birth.isoformat() if row.date_of_birth else None,
        "nationality": row.nationality,
        "country_of_return": row.country_of_return,
        "region_of_return": row.region_of_return,
        "status": row.status.value,
        "session_language": row.session_language,
        "updated_at": row.updated_at.isoformat(),
    }


def cases(args: argparse.Namespace, paths: DataPaths) -> int:
    from contextlib import closing
    from itertools import islice

    from app.services.cases import CaseQuery, CaseRegister, SortKey

    workspace = unlock(args, paths)
    try:
        query = CaseQuery(text=args.search, sort=SortKey.CASE_NUMBER, descending=False)
        listing = CaseRegister(workspace).listing(query)
        total = listing.total or 0
        # Rows stream from the store a page at a time, so memory stays flat at any size.
        with closing(listing.rows(page_size=min(args.limit or 1000, 1000))) as rows:
            limited = islice(rows, args.limit) if args.limit > 0 else rows
            if args.json:
                stream_cases_json(total, limited)
                return 0
            shown = 0
            for row in limited:
                name = printable(f"{row.family_name.upper()} {row.given_name}".strip())
                born = row.date_of_birth.isoformat() if row.date_of_birth else "?"
                print(
                    f"{row.case_number}  {name:<32}  {born:<10}  {row.country_of_return}  "
                    f"{row.status.value}"
                )
                shown += 1
    finally:
        workspace.close()
    print(_("{shown} of {total} cases").format(shown=shown, total=total), file=sys.stderr)
    return 0


def stream_cases_json(total: int, rows: Iterable[Any]) -> None:
    """Write what ``emit_json({"total": total, "cases": [...]})`` would, case by case.

    Each case is laid out here as ``json.dumps(indent=2)`` lays it out, its values encoded by
    the C encoder (with an indent, json falls back to its pure-Python encoder: 5x slower)."""
    from json.encoder import encode_basestring  # the C one where there is one

    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode
    keys: dict[str, str] = {}

    def field(key: str, value: object) -> str:
        name = keys.get(key) or keys.setdefault(key, f"      {encode(key)}: ")
        return name + (encode_basestring(value) if isinstance(value, str) else encode(value))

    def laid_out(case: dict[str, object]) -> str:
        return "    {\n" + ",\n".join(field(k, v) for k, v in case.items()) + "\n    }"

    write_raw(f'{{\n  "total": {encode(total)},\n  "cases": [')
    chunk: list[str] = []
    written = False
    for row in rows:
        chunk.append(laid_out(case_json(row)))
        if len(chunk) == 500:
            write_raw(("," if written else "") + "\n" + ",\n".join(chunk))
            chunk, written = [], True
    if chunk:
        write_raw(("," if written else "") + "\n" + ",\n".join(chunk))
        written = True
    write_raw("\n  ]\n}\n" if written else "]\n}\n")


def case(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services.cases import CaseRegister

    workspace = unlock(args, paths)
    try:
        detail = CaseRegister(workspace).detail(args.case_number)
    finally:
        workspace.close()
    document = case_json(detail.row) | {
        "native_name": detail.native_name,
        "sex": detail.sex.value,
        "revision": detail.revision,
        "created_at": detail.created_at.isoformat(),
        "created_by": detail.created_by,
        "household": [
            {
                "given_name": m.given_name,
                "family_name": m.family_name,
                "date_of_birth": m.date_of_birth.isoformat() if m.date_of_birth else None,
                "sex": m.sex.value,
                "relationship": m.relationship.value,
                "returns_together": m.returns_together,
            }
            for m in detail.household
        ],
    }
    if args.json:
        emit_json(document)
        return 0
    members = document.pop("household")
    for key, value in document.items():
        print(f"{key}: {value}")
    for member in members:
        print("household: " + ", ".join(f"{key}={value}" for key, value in member.items()))
    return 0


def print_form(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services.printing import PrintForm, Printing

    out = output_file(args.out, "out")
    workspace = unlock(args, paths)
    try:
        result = Printing(workspace).print_to_file(
            args.case_number, PrintForm(args.form), out, args.lang, args.paper
        )
    finally:
        workspace.close()
    print(
        ngettext(
            "Wrote {path} ({pages} page, plan revision {revision}).",
            "Wrote {path} ({pages} pages, plan revision {revision}).",
            result.pages,
        ).format(path=out, pages=result.pages, revision=result.plan_revision)
    )
    return 0


def move_status(args: argparse.Namespace, paths: DataPaths) -> int:
    import datetime as dt
    from decimal import Decimal, InvalidOperation

    from app.domain.cases import STATUS_LABELS
    from app.services import case_progress as progress

    deciding = args.target in ("approved", "rejected")
    if not deciding and (args.amount or args.decided_on or args.reference):
        only = N_(
            "--amount, --decided-on and --reference belong to a decision (approved or rejected)"
        )
        raise InvalidInput({"decision": only})
    amounts = []
    for text in args.amount:
        item, sep, rest = text.partition("=")
        value, _colon, currency = rest.partition(":")
        try:
            amount = progress.ApprovedAmount(int(item), Decimal(value.strip()), currency.strip())
        except (ValueError, InvalidOperation):
            raise InvalidInput({"amount": AMOUNT_FORMAT}) from None
        if not sep:
            raise InvalidInput({"amount": AMOUNT_FORMAT})
        amounts.append(amount)
    try:
        decided_on = dt.date.fromisoformat(args.decided_on) if args.decided_on else dt.date.today()
    except ValueError:
        raise InvalidInput({"decided_on": N_("write the date as YYYY-MM-DD")}) from None
    workspace = unlock(args, paths)
    try:
        if deciding:
            decision = progress.DecisionInput(
                progress.DecisionOutcome(args.target),
                decided_on,
                tuple(amounts),
                args.reason,
                args.reference,
            )
            result = progress.record_decision(workspace, args.case_number, decision)
        else:
            move = {
                "submitted": progress.submit,
                "in_implementation": progress.start_implementation,
                "closed": progress.close_case,
                "planning": progress.revise_plan,
            }[args.target]
            result = move(workspace, args.case_number, args.reason)
    finally:
        workspace.close()
    decided = result.decision
    total = decided.approved_total_eur if decided else None
    if args.json:
        emit_json(
            {
                "case_number": result.case.case_number,
                "previous_status": result.previous.value,
                "status": result.case.status.value,
                "decision": None
                if decided is None
                else {
                    "outcome": decided.outcome.value,
                    "decided_on": decided.decided_on.isoformat(),
                    "reference": decided.reference,
                    "reason": decided.reason,
                    "source": decided.source.value,
                    "approved_amounts": [a.to_json() for a in decided.amounts],
                    "approved_total_eur": format(total, "f") if total is not None else None,
                    "plan_revision": decided.plan_revision,
                },
            }
        )
        return 0
    print(
        _("{case_number}: {previous} → {status}.").format(
            case_number=result.case.case_number,
            previous=_(STATUS_LABELS[result.previous]),
            status=_(STATUS_LABELS[result.case.status]),
        )
    )
    if total is not None:
        print(_("Approved total: {total}").format(total=f"{total:.2f} EUR"))
    return 0
