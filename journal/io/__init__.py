"""Bringing customers in and taking everything out: CSV, vCard, JSON, iCalendar."""
