"""Lately's Qt user interface. Widgets ask journal/ for plain data and show it."""
