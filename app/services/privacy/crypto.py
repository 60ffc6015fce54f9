"""Personal data sealed at rest with AES-GCM under named keys, so that keys can rotate.

A sealed value reads `<key id>:<base64(nonce | ciphertext and tag)>`. `PII_KEYS` lists the
keys as `id:base64key,id:base64key`: the first seals, every one opens. The blind index
(blind_index.py) has its own key, `PII_INDEX_KEY`, which never rotates. In development,
with the settings unset, one pair is generated once into the instance folder.
"""

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app

from app.shipped import ConfigError

KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
NONCE_BYTES = 12
DEV_KEYS_FILE = "pii-keys.json"


class SealError(RuntimeError):
    """A sealed value cannot be opened: unknown key id, wrong key or damaged data."""


def _key(text: str, setting: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) not in (16, 24, 32):
        raise ConfigError(f"{setting}: a key must be 16, 24 or 32 bytes in base64 "
                          "(make one with: python -c 'import base64, os; "
                          "print(base64.b64encode(os.urandom(32)).decode())')")
    return key


def parse_keys(value: str) -> list[tuple[str, bytes]]:
    """`id:base64key,id:base64key` -> [(id, key)], the sealing key first."""
    keys = []
    for part in filter(None, (p.strip() for p in value.split(","))):
        key_id, sep, secret = part.partition(":")
        if not sep or not KEY_ID.match(key_id):
            raise ConfigError("PII_KEYS must read id:base64key[,id:base64key…] with ids of "
                              f"1-16 letters, digits, - or _ (got an entry {key_id[:16]!r})")
        if key_id in dict(keys):
            raise ConfigError(f"PII_KEYS names the key id {key_id!r} twice")
        keys.append((key_id, _key(secret, "PII_KEYS")))
    if not keys:
        raise ConfigError("PII_KEYS names no key")
    return keys


class Keyring:
    """Seals with the newest key, opens with any key it holds, hashes for the blind index."""

    def __init__(self, keys: list[tuple[str, bytes]], index_key: bytes):
        self.current_id = keys[0][0]
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys}
        self._index_key = index_key

    @property
    def key_ids(self) -> list[str]:
        return list(self._ciphers)

    def seal(self, text: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.current_id].encrypt(nonce, text.encode(), None)
        return f"{self.current_id}:{base64.b64encode(nonce + sealed).decode()}"

    def open(self, value: str) -> str:
        key_id, _, payload = value.partition(":")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise SealError(f"a personal-data value is sealed with the key {key_id[:16]!r}, "
                            "which PII_KEYS does not hold; add that key to PII_KEYS")
        try:
            raw = base64.b64decode(payload, validate=True)
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()
        except (binascii.Error, ValueError, InvalidTag):
            raise SealError(f"a personal-data value does not open with the key {key_id!r}: "
                            "the key is not the one that sealed it, or the value is damaged"
                            ) from None

    def index(self, purpose: str, normalised: str) -> str:
        """The keyed hash of a normalised value; `purpose` keeps the fields apart."""
        digest = hmac.new(self._index_key, f"{purpose}:{normalised}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]


def _dev_keys(instance: Path) -> dict:
    """The instance's development keys, generated once (0600) and reused."""
    path = instance / DEV_KEYS_FILE
    if not path.exists():
        def new_key() -> str:
            return base64.b64encode(os.urandom(32)).decode()
        data = json.dumps({"PII_KEYS": f"dev1:{new_key()}", "PII_INDEX_KEY": new_key()})
        temporary = path.with_name(f".{DEV_KEYS_FILE}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(data)
        try:
            os.link(temporary, path)  # atomic: the first process to start wins
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return json.loads(path.read_text())


def init_app(app: Flask) -> Keyring:
    keys, index_key = app.config.get("PII_KEYS"), app.config.get("PII_INDEX_KEY")
    if not (keys and index_key):
        if app.config.get("ENV_NAME") == "production":
            raise ConfigError("PII_KEYS and PII_INDEX_KEY must be set in production")
        dev = _dev_keys(Path(app.instance_path))
        keys, index_key = keys or dev["PII_KEYS"], index_key or dev["PII_INDEX_KEY"]
    keyring = Keyring(parse_keys(keys), _key(index_key, "PII_INDEX_KEY"))
    app.extensions["pii"] = keyring
    return keyring


def keyring() -> Keyring:
    return current_app.extensions["pii"]
