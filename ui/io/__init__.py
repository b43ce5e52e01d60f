"""Importing and exporting files."""
