"""`person_key` and `redact`: resident ID numbers are pseudonymised, and redacted from text."""

from __future__ import annotations

import pytest

import xinyong

# A made-up number with a valid GB 11643 check character (born 1990-03-07).
ID = "11010119900307109X"
SECRET = b"platform secret of 32 bytes ...."


def test_person_keys_are_keyed_stable_and_normalised() -> None:
    key = xinyong.person_key(ID, SECRET)
    assert key.startswith("pid-") and len(key) == 4 + 32
    assert xinyong.person_key(" 11010119900307109x ", SECRET) == key
    assert xinyong.person_key(ID, b"another secret, 32 bytes long...") != key
    assert ID[:10] not in key


def test_a_person_key_builds_a_graph_where_the_number_is_refused() -> None:
    firm = "91210100MA1ENJ9KXL"
    edge = '{{"edge": {{"kind": "shareholding", "from": "{p}", "to": "%s", "share": "0.6"}}}}' % firm
    with pytest.raises(xinyong.InvalidFieldError) as info:
        xinyong.Graph.from_jsonl('{"node": {"person": "%s"}}\n' % ID + edge.format(p=ID))
    assert ID not in str(info.value)
    key = xinyong.person_key(ID, SECRET)
    graph = xinyong.Graph.from_jsonl('{"node": {"person": "%s"}}\n' % key + edge.format(p=key))
    owners = graph.beneficial_owners_detail(firm)
    assert [o["person"] for o in owners["owners"]] == [key]


def test_bad_numbers_and_short_secrets_are_refused_without_the_number() -> None:
    wrong = ID[:-1] + "1"
    with pytest.raises(xinyong.InvalidFieldError) as info:
        xinyong.person_key(wrong, SECRET)
    assert wrong not in str(info.value)
    with pytest.raises(xinyong.InvalidFieldError) as info:
        xinyong.person_key(ID, b"short")
    assert info.value.path == "secret"


def test_redact_removes_numbers_that_check_and_keeps_the_rest() -> None:
    assert xinyong.redact(f"holder {ID} of 60%") == "holder [ID number redacted] of 60%"
    assert xinyong.redact("91350900587527783P 0.041183184069848354") == "91350900587527783P 0.041183184069848354"
