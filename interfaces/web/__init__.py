"""The web front end (领导驾驶舱, 工作台, 审计, 公开信息): static files served at /app that
talk only to the public GraphQL API at /graphql with the signed-in person's bearer token."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC = Path(__file__).with_name("static")
PREFIX = "/app"
# Same origin only: no CDN, no inline scripts; ECharts sets inline styles, hence 'unsafe-inline'.
POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Revalidate every time (ETag): a new release is seen at once, unchanged files cost a 304.
    "Cache-Control": "no-cache",
}


class WebFiles(StaticFiles):
    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.update(HEADERS)
        return response


def mount_web(api: FastAPI) -> None:
    """Serves the front end at /app/ and sends / there."""

    @api.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/")

    api.mount(PREFIX, WebFiles(directory=STATIC, html=True), name="web")
