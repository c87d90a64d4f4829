"""The OpenID Connect harness against a real provider (oidc-provider under Node.js, from
tests/support/oidc.py), driven by Authlib's httpx client the way the application's single sign-on
will be: discovery; an authorization URL with PKCE (S256), state and nonce; sign-in on the
provider's own login and consent forms; the code exchanged for tokens; the ID token's signature
checked against the provider's JWKS and its claims (iss, aud, nonce, at_hash, expiry) validated.
And what the provider refuses: a code used twice, a token request without the code verifier or
with a wrong one, an authorization request without a code challenge."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidClaimError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from tests.support.oidc import OidcProvider, running_provider, sign_in_at_provider

with warnings.catch_warnings():
    # Authlib 1.9 prefers the `httpx2` package and says so once, on import, when it finds only
    # httpx (which the project uses); the client works the same with either.
    warnings.filterwarnings("ignore", "The httpx module is deprecated", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client, OAuthError

REDIRECT_URI = "http://127.0.0.1:9/auth/oidc/callback"  # never requested: the code is read off it
ACCOUNTS = {"zhangsan": {"preferred_username": "zhangsan", "name": "张三"}}
SCOPE = "openid profile"


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with running_provider(REDIRECT_URI, ACCOUNTS) as running:
        yield running


@pytest.fixture(scope="module")
def metadata(provider: OidcProvider) -> dict[str, Any]:
    response = httpx.get(provider.metadata_url)
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    return document


@pytest.fixture
def oauth(provider: OidcProvider, metadata: dict[str, Any]) -> Iterator[OAuth2Client]:
    with OAuth2Client(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        scope=SCOPE,
        redirect_uri=provider.redirect_uri,
        code_challenge_method="S256",
        token_endpoint=metadata["token_endpoint"],
    ) as client:
        yield client


@dataclass
class Authorized:
    """One trip through the provider: what the client kept, and the redirect back to it."""

    redirect: str
    state: str
    nonce: str
    code_verifier: str

    @property
    def params(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.redirect).query)


def authorize(
    oauth: OAuth2Client, metadata: dict[str, Any], login: str, **extra: str
) -> Authorized:
    """An authorization URL with PKCE, state and nonce; signed in at the provider as `login`."""
    code_verifier, nonce = generate_token(48), generate_token(24)
    url, state = oauth.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=code_verifier, nonce=nonce, **extra
    )
    with httpx.Client() as browser:
        redirect = sign_in_at_provider(browser, url, login)
    return Authorized(redirect, state, nonce, code_verifier)


def verified_id_token(
    token: dict[str, Any], provider: OidcProvider, metadata: dict[str, Any], nonce: str
) -> CodeIDToken:
    """The ID token's signature checked against the provider's JWKS, then its claims validated
    the way Authlib's OpenID clients do (iss, aud, exp, iat, nonce, at_hash)."""
    jwks = httpx.get(metadata["jwks_uri"])
    jwks.raise_for_status()
    decoded = jwt.decode(
        token["id_token"],
        KeySet.import_key_set(jwks.json()),
        registry=JWSRegistry(algorithms=metadata["id_token_signing_alg_values_supported"]),
    )
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        {
            "iss": {"essential": True, "value": provider.issuer},
            "aud": {"essential": True, "value": provider.client_id},
        },
        {"nonce": nonce, "client_id": provider.client_id, "access_token": token["access_token"]},
    )
    claims.validate(leeway=5)
    return claims


def test_discovery_document_describes_the_provider(
    provider: OidcProvider, metadata: dict[str, Any]
) -> None:
    assert provider.issuer.startswith("http://127.0.0.1:")
    assert metadata["issuer"] == provider.issuer
    for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint"):
        assert metadata[endpoint].startswith(f"{provider.issuer}/")
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert {"openid", "profile"} <= set(metadata["scopes_supported"])
    assert {"sub", "preferred_username", "name"} <= set(metadata["claims_supported"])
    assert "code" in metadata["response_types_supported"]


def test_sign_in_with_pkce_yields_a_verified_id_token(
    provider: OidcProvider, metadata: dict[str, Any], oauth: OAuth2Client
) -> None:
    trip = authorize(oauth, metadata, "zhangsan")
    assert trip.redirect.startswith(f"{REDIRECT_URI}?")
    assert trip.params["state"] == [trip.state]
    assert trip.params["iss"] == [provider.issuer]
    assert "error" not in trip.params

    token = oauth.fetch_token(
        authorization_response=trip.redirect, state=trip.state, code_verifier=trip.code_verifier
    )
    assert token["token_type"].lower() == "bearer"
    assert token["access_token"]

    claims = verified_id_token(token, provider, metadata, trip.nonce)
    assert claims["iss"] == provider.issuer
    assert claims["aud"] == provider.client_id
    assert claims["nonce"] == trip.nonce
    assert claims["sub"] == "zhangsan"
    assert claims["preferred_username"] == "zhangsan"
    assert claims["name"] == "张三"

    # The validation is not vacuous: the same token with another nonce expected is refused.
    with pytest.raises(InvalidClaimError):
        verified_id_token(token, provider, metadata, "another-nonce")

    # The access token is good at the provider's userinfo endpoint, for the same subject.
    userinfo = oauth.get(metadata["userinfo_endpoint"])
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json()["sub"] == "zhangsan"


def test_an_unknown_login_is_a_subject_with_no_other_claims(
    provider: OidcProvider, metadata: dict[str, Any], oauth: OAuth2Client
) -> None:
    trip = authorize(oauth, metadata, "lisi")
    token = oauth.fetch_token(
        authorization_response=trip.redirect, state=trip.state, code_verifier=trip.code_verifier
    )
    claims = verified_id_token(token, provider, metadata, trip.nonce)
    assert claims["sub"] == "lisi"
    assert "preferred_username" not in claims
    assert "name" not in claims


def test_a_code_is_refused_the_second_time(
    provider: OidcProvider, metadata: dict[str, Any], oauth: OAuth2Client
) -> None:
    trip = authorize(oauth, metadata, "zhangsan")
    first = oauth.fetch_token(
        authorization_response=trip.redirect, state=trip.state, code_verifier=trip.code_verifier
    )
    assert first["id_token"]
    with pytest.raises(OAuthError) as refused:
        oauth.fetch_token(
            authorization_response=trip.redirect,
            state=trip.state,
            code_verifier=trip.code_verifier,
        )
    assert refused.value.error == "invalid_grant"


def test_a_token_request_without_the_code_verifier_is_refused(
    provider: OidcProvider, metadata: dict[str, Any], oauth: OAuth2Client
) -> None:
    trip = authorize(oauth, metadata, "zhangsan")
    with pytest.raises(OAuthError) as refused:
        oauth.fetch_token(authorization_response=trip.redirect, state=trip.state)
    assert refused.value.error == "invalid_grant"


def test_a_token_request_with_a_wrong_code_verifier_is_refused(
    provider: OidcProvider, metadata: dict[str, Any], oauth: OAuth2Client
) -> None:
    trip = authorize(oauth, metadata, "zhangsan")
    with pytest.raises(OAuthError) as refused:
        oauth.fetch_token(
            authorization_response=trip.redirect,
            state=trip.state,
            code_verifier=generate_token(48),
        )
    assert refused.value.error == "invalid_grant"


def test_an_authorization_request_without_a_code_challenge_is_refused(
    provider: OidcProvider, metadata: dict[str, Any], oauth: OAuth2Client
) -> None:
    url, state = oauth.create_authorization_url(metadata["authorization_endpoint"], nonce="n")
    assert "code_challenge" not in url
    with httpx.Client() as browser:
        redirect = sign_in_at_provider(browser, url, "zhangsan")
    params = parse_qs(urlsplit(redirect).query)
    assert redirect.startswith(f"{REDIRECT_URI}?")
    assert params["error"] == ["invalid_request"]
    assert "code" not in params
    assert params["state"] == [state]
