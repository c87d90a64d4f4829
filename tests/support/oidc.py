"""A real OpenID Connect provider for the tests: panva's `oidc-provider` (npm), run by Node.js from
tests/support/oidc_provider/ on a free loopback port, over plain http.

`running_provider(redirect_uri, accounts)` starts one with a single confidential client and stops
it at exit; `sign_in_at_provider(client, authorize_url, login)` signs in on the provider's own
development login and consent forms (devInteractions: any login name is accepted, the password is
not checked; the login name becomes the subject) and returns the redirect back to the client,
without requesting it.

Without Node.js the tests that use the provider skip, or fail when CI=true (.ci/run installs it).
`npm ci` is run here, once, when tests/support/oidc_provider/node_modules is missing or older than
the lock file.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
STARTUP_DEADLINE = 30.0  # a generous bound for a cold start, only to fail instead of hanging
NPM_CI_DEADLINE = 300.0
STOP_DEADLINE = 10.0
MAX_SIGN_IN_STEPS = 12  # authorize, login form, resume, consent form, resume, … with room to spare


@dataclass
class OidcProvider:
    """A running provider and the one client registered with it."""

    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    process: subprocess.Popen[str]
    _output: list[str] = field(default_factory=list, repr=False)

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def output(self) -> str:
        """What the provider printed so far (stdout and stderr together)."""
        return "".join(self._output)


class ProviderUnavailable(RuntimeError):
    """The provider could not be installed or started."""


class SignInFailed(RuntimeError):
    """The provider's sign-in did not end in a redirect back to the client."""


def require_node() -> tuple[str, str]:
    """The paths of `node` and `npm`; skipped without them (a failure when CI=true)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node and npm:
        return node, npm
    missing = " and ".join(name for name, path in (("node", node), ("npm", npm)) if not path)
    reason = f"{missing} not on PATH; the OpenID Connect tests run a real provider under Node.js"
    if os.environ.get("CI") == "true":
        raise ProviderUnavailable(f"{reason}, and CI requires them (.ci/run installs nodejs, npm)")
    pytest.skip(f"Node.js is not installed: {reason}")


def ensure_installed(npm: str) -> None:
    """`npm ci` in tests/support/oidc_provider when node_modules is missing or older than the lock.

    npm writes node_modules/.package-lock.json on every install; it is the stamp compared with
    package-lock.json. A lock file in the temporary directory keeps two test processes from
    installing at once."""
    lock = PROVIDER_DIR / "package-lock.json"
    stamp = PROVIDER_DIR / "node_modules" / ".package-lock.json"
    guard = Path(tempfile.gettempdir()) / "yishiting-oidc-provider-npm-ci.lock"
    with guard.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
            return
        try:
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=PROVIDER_DIR,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=NPM_CI_DEADLINE,
                check=False,
            )
        except subprocess.TimeoutExpired as expired:
            raise ProviderUnavailable(
                f"`npm ci` in {PROVIDER_DIR} took more than {NPM_CI_DEADLINE:.0f}s"
            ) from expired
        if done.returncode != 0:
            raise ProviderUnavailable(
                f"`npm ci` in {PROVIDER_DIR} failed ({done.returncode}):\n"
                f"{done.stdout}\n{done.stderr}"
            )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _drain(stream: Any, lines: list[str], ready: threading.Event, issuer: list[str]) -> None:
    """Keep the provider's output (so its pipe never fills); note the `READY <issuer>` line."""
    for line in stream:
        lines.append(line)
        if not ready.is_set() and line.startswith("READY "):
            issuer.append(line.split(maxsplit=1)[1].strip())
            ready.set()
    ready.set()  # end of output: the process has exited; the caller sees that no issuer came


@contextmanager
def running_provider(
    redirect_uri: str, accounts: Mapping[str, Mapping[str, Any]]
) -> Iterator[OidcProvider]:
    """A provider on a free loopback port with one client (`client_secret_basic`) whose only
    redirect URI is `redirect_uri`; `accounts` maps subjects to their claims
    (`preferred_username`, `name`). Stopped (SIGTERM, then waited for) at exit."""
    node, npm = require_node()
    ensure_installed(npm)
    port = free_port()
    client_id = "yishiting"
    client_secret = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as temporary:
        config = Path(temporary) / "config.json"
        config.write_text(
            json.dumps(
                {
                    "port": port,
                    "clients": [
                        {
                            "client_id": client_id,
                            "client_secret": client_secret,
                            "redirect_uris": [redirect_uri],
                        }
                    ],
                    "accounts": {sub: dict(claims) for sub, claims in accounts.items()},
                    "cookie_keys": [secrets.token_urlsafe(32)],
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        process = subprocess.Popen(
            [node, str(PROVIDER_DIR / "provider.mjs"), str(config)],
            cwd=PROVIDER_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        lines: list[str] = []
        ready = threading.Event()
        issuer: list[str] = []
        reader = threading.Thread(
            target=_drain, args=(process.stdout, lines, ready, issuer), daemon=True
        )
        reader.start()
        try:
            if not ready.wait(STARTUP_DEADLINE) or not issuer:
                state = (
                    f"exited with {process.poll()}"
                    if process.poll() is not None
                    else f"not ready after {STARTUP_DEADLINE:.0f}s"
                )
                raise ProviderUnavailable(
                    f"the OpenID Connect provider (node provider.mjs) {state}; its output:\n"
                    + "".join(lines)
                )
            yield OidcProvider(
                issuer=issuer[0],
                client_id=client_id,
                client_secret=client_secret,
                redirect_uri=redirect_uri,
                process=process,
                _output=lines,
            )
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(STOP_DEADLINE)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            reader.join(STOP_DEADLINE)
            if process.stdout is not None:
                process.stdout.close()


@dataclass
class _Form:
    action: str
    method: str
    inputs: list[tuple[str, str, str]] = field(default_factory=list)  # (name, type, value)

    def value(self, name: str) -> str | None:
        return next((value for key, _, value in self.inputs if key == name), None)


class _FormsAndText(HTMLParser):
    """The forms of a page (action, method, inputs) and its text, for error messages."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._open: _Form | None = None
        self._skip = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._open = _Form(attributes.get("action", ""), attributes.get("method", "get"))
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None and attributes.get("name"):
            self._open.inputs.append(
                (
                    attributes["name"],
                    attributes.get("type", "text").lower(),
                    attributes.get("value", ""),
                )
            )
        elif tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None
        elif tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.text.append(data.strip())


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _filled(form: _Form, login: str) -> dict[str, str]:
    """The form's fields as a person would send them: hidden values as they are, the login name
    typed in, and a password (devInteractions checks none)."""
    data: dict[str, str] = {}
    for name, kind, value in form.inputs:
        if name == "login":
            data[name] = login
        elif kind == "password":
            data[name] = "any password: devInteractions does not check it"
        else:
            data[name] = value
    return data


def sign_in_at_provider(client: httpx.Client, authorize_url: str, login: str) -> str:
    """Sign in as `login` on the provider (its devInteractions login form, then its consent form)
    starting from `authorize_url`, and return the URL it finally redirects to (the client's
    redirect_uri with `code` and `state`, or with `error`) without requesting it.

    Redirects are followed by hand while they stay on the provider's origin; the first redirect
    elsewhere is the answer. `client` keeps the provider's cookies between the steps."""
    provider = _origin(authorize_url)
    response = client.get(authorize_url, follow_redirects=False)
    for _ in range(MAX_SIGN_IN_STEPS):
        if response.is_redirect:
            target = urljoin(str(response.url), response.headers["location"])
            if _origin(target) != provider:
                return target
            response = client.get(target, follow_redirects=False)
            continue
        page = _FormsAndText()
        page.feed(response.text)
        page.close()
        said = " ".join(page.text)[:2000]
        if response.status_code != 200:
            raise SignInFailed(
                f"the provider answered {response.status_code} at {response.url}: {said}"
            )
        form = next((f for f in page.forms if f.value("prompt") in ("login", "consent")), None)
        if form is None:
            raise SignInFailed(f"no login or consent form at {response.url}: {said}")
        action = urljoin(str(response.url), form.action)
        if form.method.lower() == "post":
            response = client.post(action, data=_filled(form, login), follow_redirects=False)
        else:
            response = client.get(action, params=_filled(form, login), follow_redirects=False)
    raise SignInFailed(f"no redirect back to the client after {MAX_SIGN_IN_STEPS} steps")
