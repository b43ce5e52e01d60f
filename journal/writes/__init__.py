"""Writes: the services that validate and change records, each in one transaction; each also offers the plain reads of its own records."""
