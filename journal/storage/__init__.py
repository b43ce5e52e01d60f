"""Storage: the database file or server, the models, the schema steps, backups, encryption, owner-only files and the lock."""
