"""What an import did, or would do, in words: the same text in the import
window and on the command line."""

from __future__ import annotations


def report_text(report, what: str) -> str:
    lines = [f"Imported {report.created} new {what}."]
    if report.merged:
        lines.append(f"Filled in {report.merged} customers already in the journal.")
    if report.skipped:
        lines.append(f"Skipped {report.skipped} customers already in the journal.")
    if report.problems:
        lines.append(f"{len(report.problems)} rows were left out:")
        lines += [f"  line {p.line}: {p.message}" for p in report.problems[:50]]
        if len(report.problems) > 50:
            lines.append(f"  … and {len(report.problems) - 50} more")
    return "\n".join(lines)


def preview_text(plan, what: str, *, fill_in: bool = False) -> str:
    """The preview of a plan, as the import window lists it, for a dry run."""
    lines = [f"Would import {len(plan.new)} new {what}."]
    if plan.duplicates:
        verb = "fill in" if fill_in else "skip"
        lines.append(f"Would {verb} {len(plan.duplicates)} customers already in the journal:")
        lines += [f"  line {line}: {values.get('name', '')} — {why}" for line, values, _, why in plan.duplicates]
    if plan.problems:
        lines.append(f"{len(plan.problems)} rows would be left out:")
        lines += [f"  line {p.line}: {p.message}" for p in plan.problems]
    return "\n".join(lines)
