"""Shared by every view: formats, theme, forms, pickers, background tasks, undo commands."""
