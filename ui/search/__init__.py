"""Searching the whole journal."""
