"""The upload path's floor, for `python -m bench.attachments`: a bare ASGI app served by
uvicorn as `yishiting serve` serves the real one (the h11 protocol with the request-head
deadline, interfaces/edge/limits.py), which reads a request's body off the connection, throws
it away and answers 201. No framework, no multipart parsing, no hashing, no disk: what
receiving the bytes over HTTP costs before the upload does anything with them.

    .venv/bin/python -m bench.upload_floor --port N"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn

from interfaces.edge.limits import head_deadline


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    received, more = 0, True
    while more:
        message = await receive()
        received += len(message.get("body", b""))
        more = message.get("more_body", False)
    body = str(received).encode()
    await send({"type": "http.response.start", "status": 201, "headers": []})
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.upload_floor")
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    uvicorn.run(app, host="127.0.0.1", port=port, http=head_deadline(10.0), log_level="warning")


if __name__ == "__main__":
    main()
