"""Encryption of personal fields (cfcity.welfare.crypto): AES-256-GCM and SM4-GCM round trips,
a value bound to its field, tampering detected, an unknown key named, keys parsed strictly."""
import base64

import pytest

from cfcity.welfare import crypto

K1 = "k1:" + base64.b64encode(bytes(range(32))).decode()
K2 = "k2:" + base64.b64encode(bytes(range(32, 64))).decode()


@pytest.fixture(params=["aes-256-gcm", "sm4-gcm"])
def ring(request):
    return crypto.parse_keys(K1 + "\n" + K2, request.param)


def test_round_trip_with_each_cipher_and_the_token_names_cipher_and_key(ring):
    token = crypto.encrypt(ring, "张小明 370321201503081235", "welfare.child.name")
    assert token.startswith(f"cf1${ring.alg}$k1$") and "张" not in token and "3703" not in token
    assert crypto.token_key(token) == (ring.alg, "k1")
    assert crypto.decrypt(ring, token, "welfare.child.name") == "张小明 370321201503081235"
    # a fresh nonce every time: the same value never gives the same token
    assert crypto.encrypt(ring, "张小明", "f") != crypto.encrypt(ring, "张小明", "f")


def test_aes_and_sm4_really_differ_and_each_reads_the_other():
    aes, sm4 = crypto.parse_keys(K1, "aes-256-gcm"), crypto.parse_keys(K1, "sm4-gcm")
    a, s = crypto.encrypt(aes, "王芳", "x"), crypto.encrypt(sm4, "王芳", "x")
    assert crypto.token_key(a)[0] == "a" and crypto.token_key(s)[0] == "s"
    # the token says which cipher wrote it, so a change of CFCITY_CIPHER still reads old values
    assert crypto.decrypt(sm4, a, "x") == crypto.decrypt(aes, s, "x") == "王芳"
    assert crypto.keyed_hash(aes, "1") != crypto.keyed_hash(sm4, "1")
    assert crypto.keyed_hash(sm4, "1").startswith("sk1:") and len(crypto.keyed_hash(sm4, "1")) == 4 + 64


def test_a_value_copied_into_another_field_does_not_decrypt(ring):
    token = crypto.encrypt(ring, "张小明", "welfare.child.name")
    with pytest.raises(crypto.DecryptionError, match="字段不符"):
        crypto.decrypt(ring, token, "welfare.child.guardian_name")


@pytest.mark.parametrize("where", [10, -1, -20])
def test_a_tampered_token_is_refused(ring, where):
    token = crypto.encrypt(ring, "张小明", "f")
    head, body = token.rsplit("$", 1)
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[where] ^= 0x01
    bad = head + "$" + base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(ring, bad, "f")


def test_a_token_moved_to_another_key_id_is_refused(ring):
    token = crypto.encrypt(ring, "张小明", "f")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(ring, token.replace("$k1$", "$k2$"), "f")


def test_an_unknown_key_is_named(ring):
    other = crypto.parse_keys("old7:" + base64.b64encode(b"\x07" * 32).decode(), ring.cipher)
    token = crypto.encrypt(other, "张小明", "f")
    with pytest.raises(crypto.DecryptionError, match="old7"):
        crypto.decrypt(ring, token, "f")


def test_an_older_key_in_the_ring_still_reads_and_search_tries_every_key():
    old = crypto.parse_keys(K2)
    ring = crypto.parse_keys(K1 + "," + K2)
    token = crypto.encrypt(old, "370321201503081235", "f")
    assert crypto.decrypt(ring, token, "f") == "370321201503081235"
    stored = crypto.keyed_hash(old, "370321201503081235")
    assert stored in crypto.search_hashes(ring, "370321201503081235")
    assert not crypto.hash_is_current(ring, stored) and crypto.hash_is_current(old, stored)


@pytest.mark.parametrize("text,message", [
    ("", "没有配置"), ("k1", "格式"), ("k 1:" + K1[3:], "格式"), ("k1:not-base64!", "base64"),
    ("k1:" + base64.b64encode(b"short").decode(), "32 字节"), (K1 + "\n" + K1, "重复"),
])
def test_bad_key_configuration_is_refused_with_a_reason(text, message):
    with pytest.raises(crypto.KeyError_, match=message):
        crypto.parse_keys(text)


def test_an_unknown_cipher_is_refused():
    with pytest.raises(crypto.KeyError_, match="CFCITY_CIPHER"):
        crypto.parse_keys(K1, "des")


def test_comments_and_blank_lines_are_ignored_and_the_first_key_is_active():
    ring = crypto.parse_keys(f"# 当前\n\n{K2}\n# 旧\n{K1}\n")
    assert ring.active_id == "k2" and [k for k, _ in ring.keys] == ["k2", "k1"]


def test_the_embedded_key_file_is_made_once_and_private(tmp_path):
    path = tmp_path / "sub" / "encryption.keys"
    first = crypto.load_or_create_keyfile(path)
    assert crypto.load_or_create_keyfile(path) == first
    assert path.stat().st_mode & 0o777 == 0o600
    assert crypto.parse_keys(first).active_id == "k1"
