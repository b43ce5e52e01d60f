"""What an import did, or would do, in words: the same text in the import
window and on the command line."""

from __future__ import annotations

from journal.rules import words

SHOWN = 50  # lines of problems listed; the count says how many there were


def _listed(problems, one: str, many: str) -> list[str]:
    if not problems:
        return []
    lines = [f"{words.number(len(problems))} {one if len(problems) == 1 else many}:"]
    lines += [f"  Line {p.line}: {p.message}" for p in problems[:SHOWN]]
    if len(problems) > SHOWN:
        lines.append(f"  … and {words.number(len(problems) - SHOWN)} more")
    return lines


def report_text(report, what: str) -> str:
    lines = [f"Imported {words.number(report.created)} new {what if report.created != 1 else what.rstrip('s')}."]
    if report.merged:
        lines.append(f"Merged {words.plural(report.merged, 'row')} into customers already in the journal.")
    if report.skipped:
        lines.append(f"Skipped {words.plural(report.skipped, 'customer')} already in the journal.")
    lines += _listed([p for p in report.problems if getattr(p, "imported", False)],
                     "value was left out of a row that was imported",
                     "values were left out of rows that were imported")
    lines += _listed([p for p in report.problems if not getattr(p, "imported", False)],
                     "row was left out", "rows were left out")
    return "\n".join(lines)


def preview_text(plan, what: str, *, fill_in: bool = False) -> str:
    """The preview of a plan, as the import window lists it, for a dry run."""
    new = len(plan.new)
    lines = [f"Would import {words.number(new)} new {what if new != 1 else what.rstrip('s')}."]
    if plan.duplicates:
        verb = "merge into" if fill_in else "skip"
        lines.append(f"Would {verb} {words.plural(len(plan.duplicates), 'customer')} already in the journal:")
        lines += [f"  Line {line}: {values.get('name', '')} — {why}" for line, values, _, why in plan.duplicates]
    lines += _listed([p for p in plan.problems if getattr(p, "imported", False)],
                     "value would be left out of a row that is imported",
                     "values would be left out of rows that are imported")
    lines += _listed([p for p in plan.problems if not getattr(p, "imported", False)],
                     "row would be left out", "rows would be left out")
    lines += _listed(getattr(plan, "warnings", []), "card is imported with a warning",
                     "cards are imported with a warning")
    return "\n".join(lines)
