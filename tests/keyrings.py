"""A keyring of the tests' own, so the real OS keyring is never touched: an
in-memory one, and none at all (as on a desktop without a keyring service)."""

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import null


class MemoryKeyring(KeyringBackend):
    """A keyring of this test's own: the real OS keyring is never touched."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.kept = {}

    def get_password(self, service, username):
        return self.kept.get((service, username))

    def set_password(self, service, username, password):
        self.kept[(service, username)] = password

    def delete_password(self, service, username):
        self.kept.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture
def no_keyring():
    before = keyring.get_keyring()
    keyring.set_keyring(null.Keyring())
    yield
    keyring.set_keyring(before)
