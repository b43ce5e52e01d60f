"""What to tell a person when saving fails for a reason outside the form."""

from __future__ import annotations

from journal.errors import DiskFull


def describe_save_error(error: BaseException) -> str:
    if isinstance(error, DiskFull):
        return str(error)  # names the folder, says nothing was saved and that the typing is kept
    from journal.storage import team

    lost = team.describe_lost(error)  # a team journal's server went away
    if lost:
        return lost
    text = str(error)
    lowered = text.lower()
    if "disk is full" in lowered or "no space" in lowered:
        return ("The disk is full, so nothing was saved. Free some space, then save again — "
                "what you typed is still here.")
    if "readonly" in lowered or "read-only" in lowered or "permission denied" in lowered:
        return ("The journal cannot be written: its file or folder is read-only. Nothing was saved and "
                "what you typed is still here; check the folder's permissions, then save again.")
    if "locked" in lowered or "busy" in lowered:
        return "The journal is busy with another task. Try saving again in a moment — nothing is lost."
    return f"Could not save ({text}). What you typed is still here."
