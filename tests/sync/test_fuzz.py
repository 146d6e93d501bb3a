"""Hostile and malformed requests, generated from the wire models and at random: never a 500, always a
JSON reason, and nothing changes. The OpenAPI document is served and lists every endpoint."""

from __future__ import annotations

import gzip
import json
from typing import Any

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from earlyhelp_desktop.core.replication import Replicator
from earlyhelp_desktop.core.replication.device import DeviceFile
from earlyhelp_desktop.core.store.capture import SCHEMA
from sync.protocol import HEADER_PROTOCOL
from tests.sync.conftest import Laptop, RunningServer, Signed

ENDPOINTS = [
    "/v1/enrol",
    "/v1/login",
    "/v1/escrow/confirm",
    "/v1/push",
    "/v1/pull",
    "/v1/family-ops",
    "/v1/digest",
    "/v1/retired",
]
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
VERSION = st.one_of(
    st.text(max_size=40),
    st.builds(
        lambda s, d, o: f"{s:016x}.{d}.{o}",
        st.integers(0, 2**64 - 1),
        st.sampled_from(["a" * 16, "0" * 16]),
        st.text("0123456789abcdef", min_size=1, max_size=32),
    ),
)


def op_like(device: str, user: str, hub: str) -> st.SearchStrategy[dict[str, Any]]:
    fields = st.dictionaries(
        st.sampled_from(sorted({k for spec in SCHEMA.values() for k in spec.fields} | {"_deleted", "nope"})),
        st.fixed_dictionaries({"value": JSON | st.just(hub), "base": st.lists(VERSION, max_size=3)}),
        max_size=4,
    )
    return st.fixed_dictionaries(
        {
            "op_id": st.text("0123456789abcdef", min_size=32, max_size=32),
            "table": st.sampled_from([*SCHEMA, "nope", "family"]),
            "row_id": st.text(min_size=1, max_size=40) | st.sampled_from(["F1", "F2"]),
            "family_id": st.none() | st.text(max_size=40) | st.sampled_from(["F1", "F2"]),
            "kind": st.sampled_from(["insert", "update", "delete", "restore", "redact"]),
            "stamp": st.integers(0, 2**64 - 1),
            "device": st.just(device) | st.text("0123456789abcdef", min_size=16, max_size=16),
            "user": st.just(user) | st.text(min_size=1, max_size=64),
            "fields": fields,
            "saw": st.lists(st.text(max_size=32), max_size=3),
        }
    )


def _fine(response: requests.Response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])
    if response.status_code >= 400:
        body = response.json()
        assert body["error"] and body["message"]


def test_malformed_and_hostile_bodies_get_a_reason_and_change_nothing(
    laptop: Laptop, sync_server: RunningServer
) -> None:
    ws = laptop("a")
    replicator = Replicator(ws)
    device = DeviceFile.load(ws.store.directory)
    assert device is not None and replicator.client is not None and replicator.client.token
    client = Signed(device, replicator.client.token, sync_server.url)

    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(path=st.sampled_from(ENDPOINTS), body=JSON, gz=st.booleans(), sign=st.booleans())
    def random_bodies(path: str, body: Any, gz: bool, sign: bool) -> None:
        _fine(client.post(path, json.dumps(body).encode(), gzip_it=gz, sign=sign))

    @settings(
        max_examples=250,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        ops=st.lists(op_like(device.device_id, ws.user.user_id, ws.home_hub_id), max_size=5),
        sync_id=st.text(max_size=40),
    )
    def pushes(ops: list[dict[str, Any]], sync_id: str) -> None:
        _fine(client.post("/v1/push", json.dumps({"sync_id": sync_id or "ab" * 8, "ops": ops}).encode()))

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        cursor=st.none()
        | st.text(max_size=60)
        | st.binary(max_size=40).map(lambda b: __import__("base64").urlsafe_b64encode(b).decode()),
        limit=st.integers(-5, 10_000),
        families=st.lists(st.text(max_size=40), max_size=5),
        bucket=st.text(max_size=90),
    )
    def reads(cursor: str | None, limit: int, families: list[str], bucket: str) -> None:
        _fine(client.post("/v1/pull", json.dumps({"cursor": cursor, "limit": limit}).encode()))
        _fine(client.post("/v1/family-ops", json.dumps({"families": families}).encode()))
        _fine(client.post("/v1/digest", json.dumps({"bucket": bucket}).encode()))

    random_bodies()
    reads()
    pushes()
    # oversized, a zip bomb, broken gzip, an unknown encoding
    huge = b'{"ops": [' + b'"x",' * 2_200_000 + b'"x"]}'
    _fine(client.post("/v1/push", huge))
    response = requests.post(
        sync_server.url + "/v1/push",
        data=gzip.compress(b"[" + b" " * 60_000_000 + b"]"),
        headers={"Content-Encoding": "gzip", HEADER_PROTOCOL: "1"},
        timeout=60,
    )
    assert response.status_code == 413
    _fine(
        requests.post(
            sync_server.url + "/v1/push",
            data=b"\x1f\x8b garbage",
            headers={"Content-Encoding": "gzip"},
            timeout=30,
        )
    )
    _fine(
        requests.post(
            sync_server.url + "/v1/push", data=b"{}", headers={"Content-Encoding": "br"}, timeout=30
        )
    )
    # whatever was accepted was merged consistently: the laptop still reaches a verified "synced"
    reports = [Replicator(ws).run() for _ in range(3)]
    assert "synced" in [r.status for r in reports], [
        (r.status, r.code, r.message, r.problems) for r in reports
    ]


def test_the_openapi_document_lists_every_endpoint(sync_server: RunningServer) -> None:
    for path in ENDPOINTS:  # each is a POST; anything else is refused in the same JSON form
        response = requests.get(sync_server.url + path, timeout=10)
        assert response.status_code == 405 and response.json()["error"] == "http", (path, response.text)
    document = requests.get(sync_server.url + "/openapi.json", timeout=10).json()
    for path in ENDPOINTS:
        assert path in document["paths"]
    assert "Op" in json.dumps(document["components"]["schemas"])
    for path, asked, answered in (
        ("/v1/push", "PushRequest", "PushResponse"),
        ("/v1/pull", "PullRequest", "PullResponse"),
    ):
        operation = document["paths"][path]["post"]
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/" + asked)
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/" + answered
        )
        assert {asked, answered, "ErrorBody"} <= set(document["components"]["schemas"])


def test_a_long_answer_to_a_push_travels_gzipped(laptop: Laptop, sync_server: RunningServer) -> None:
    ws = laptop("a")
    replicator = Replicator(ws)
    device = DeviceFile.load(ws.store.directory)
    assert device is not None and replicator.client is not None and replicator.client.token
    ops = [
        {
            "op_id": f"{n:032x}",
            "table": "family",
            "row_id": f"elsewhere-{n}",
            "kind": "insert",
            "stamp": 1 + n,
            "device": device.device_id,
            "user": ws.user.user_id,
            "fields": {"display_name": {"value": "Siân Llŷr"}, "hub_id": {"value": "another-hub"}},
        }
        for n in range(20)
    ]
    response = Signed(device, replicator.client.token, sync_server.url).post(
        "/v1/push", json.dumps({"sync_id": "ab" * 8, "ops": ops}).encode()
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Encoding"] == "gzip"
    problems = response.json()["problems"]  # inflated by requests, as by the desktop's client
    assert [p["status"] for p in problems] == ["refused"] * 20
