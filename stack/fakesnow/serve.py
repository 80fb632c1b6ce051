"""Runs fakesnow's HTTP server for the local stack, answering the way Snowflake answers the Node.js driver.

Two gaps of the emulator are closed here, without touching the client:
  * Snowflake sends result rows to the Node.js driver as JSON rowsets (the driver has no Arrow reader);
    fakesnow answers every non-DML statement in Arrow, which the driver cannot read. A middleware re-encodes
    those answers as JSON rowsets in Snowflake's documented string forms.
  * Snowflake's JSON answers carry `returned` (rows inline); fakesnow's DML answers omit it and the
    driver's row stream then never ends. It is filled in.
  * fakesnow's server mode keeps databases in memory; here they live in --db-path, so data survives a
    restart of the emulator (as it survives a warehouse suspend).

Usage: python serve.py --port 64616 --db-path DIR
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import signal
import sys
from decimal import Decimal
from typing import Any

import pyarrow as pa
import uvicorn

import fakesnow.server as fs_server
from fakesnow.instance import FakeSnow

EPOCH_DATE = dt.date(1970, 1, 1)


def to_json_value(value: Any, col: dict[str, Any]) -> str | None:
    """One Arrow value (fakesnow's Snowflake-shaped Arrow) as the string Snowflake puts in a JSON rowset."""
    if value is None:
        return None
    kind = str(col.get("type", "")).lower()
    scale = int(col.get("scale") or 0)
    if kind == "boolean":
        return "1" if value else "0"
    if kind == "fixed":
        if isinstance(value, Decimal):
            return format(value, "f")
        return format(Decimal(int(value)).scaleb(-scale), "f") if scale else str(int(value))
    if kind == "date":
        return str((value - EPOCH_DATE).days) if isinstance(value, dt.date) else str(value)
    if kind == "time":
        seconds, nanos = divmod(int(value), 1_000_000_000)
        return f"{seconds}.{nanos:09d}"
    if kind.startswith("timestamp"):
        if isinstance(value, dict):
            text = f"{value['epoch']}.{int(value['fraction']):09d}"
            if kind == "timestamp_tz":
                text += f" {value.get('timezone', 1440)}"
            return text
        return str(value)
    if kind == "binary" and isinstance(value, (bytes, bytearray)):
        return value.hex()
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def rewrite(body: bytes) -> bytes:
    try:
        doc = json.loads(body)
    except ValueError:
        return body
    data = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(data, dict) or "queryResultFormat" not in data:
        return body
    if data["queryResultFormat"] == "json":
        # Snowflake always says how many rows it returned inline; the Node.js driver's row stream waits for it.
        data.setdefault("returned", len(data.get("rowset") or []))
        return json.dumps(doc).encode()
    rowtype = data.get("rowtype") or []
    rowset: list[list[str | None]] = []
    encoded = data.pop("rowsetBase64", "")
    if encoded:
        table = pa.ipc.open_stream(base64.b64decode(encoded)).read_all()
        columns = [c.to_pylist() for c in table.columns]
        for row in zip(*columns, strict=True):
            rowset.append([to_json_value(v, rowtype[i] if i < len(rowtype) else {}) for i, v in enumerate(row)])
    data["queryResultFormat"] = "json"
    data["rowset"] = rowset
    data["total"] = len(rowset) if encoded else data.get("total", 0)
    data["returned"] = len(rowset)
    return json.dumps(doc).encode()


class JsonRowsets:
    """ASGI middleware: buffers query answers and re-encodes Arrow rowsets as JSON."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or scope.get("path") != "/queries/v1/query-request":
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = rewrite(b"".join(chunks))
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db-path", required=True)
    args = parser.parse_args()
    fs_server.shared_fs = FakeSnow(db_path=args.db_path)
    server = uvicorn.Server(uvicorn.Config(JsonRowsets(fs_server.app), host=args.host, port=args.port, log_level="warning"))
    signal.signal(signal.SIGTERM, lambda *_: setattr(server, "should_exit", True))
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
