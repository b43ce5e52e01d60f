"""A team journal's password kept in the operating system's keyring (the
`keyring` library: Keychain, Windows Credential Locker, Secret Service /
KWallet), only when the person asks for it, and never in a file of Lately's.
Where no keyring is available, nothing is kept and the Connect dialog says so."""

from __future__ import annotations

SERVICE = "Lately team journal"


def _backend():
    import keyring

    return keyring.get_keyring()


def available() -> bool:
    """Whether a real keyring can keep a password on this computer."""
    try:
        from keyring.backends import fail, null

        backend = _backend()
    except Exception:  # noqa: BLE001 - a broken keyring setup is "no keyring", not a crash
        return False
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return False
    chained = getattr(backend, "backends", None)
    return chained is None or bool(chained)


def recall(key: str) -> str | None:
    if not available():
        return None
    try:
        return _backend().get_password(SERVICE, key)
    except Exception:  # noqa: BLE001 - a locked or broken keyring: the person types the password
        return None


def remember(key: str, password: str) -> bool:
    """Keep the password; False when the keyring would not take it."""
    if not available():
        return False
    try:
        _backend().set_password(SERVICE, key, password)
    except Exception:  # noqa: BLE001
        return False
    return True


def forget(key: str) -> None:
    if not available():
        return
    try:
        _backend().delete_password(SERVICE, key)
    except Exception:  # noqa: BLE001 - nothing kept under that key
        pass
