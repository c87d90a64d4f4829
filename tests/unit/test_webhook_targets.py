"""The webhook target screen by itself: any address of loopback, link-local or the unspecified
network is refused however it is spelled, whatever networks are allowed; a private address
only inside an allowed network; the checked address is the one a delivery is pinned to."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from application.webhook_targets import (
    Refused,
    TargetScreen,
    WebhookHostUnresolved,
    WebhookTargetRefused,
)

ALWAYS_REFUSED = [ipaddress.ip_network(n) for n in ("127.0.0.0/8", "169.254.0.0/16", "0.0.0.0/32")]
PRIVATE_LISTED = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"]


def spellings(address: ipaddress.IPv4Address) -> list[str]:
    """The ways a URL may name one IPv4 address."""
    value, a, b, c, d = int(address), *address.packed
    return [
        str(address),
        str(value),
        hex(value),
        f"0{value:o}",
        f"{a}.{(b << 16) | (c << 8) | d}",
        f"{a}.{b}.{(c << 8) | d}",
        f"{hex(a)}.{b}.{c}.{d}",
        f"[::ffff:{address}]",
        f"[::ffff:{value >> 16:x}:{value & 0xFFFF:x}]",
    ]


def refused(url: str, screen: TargetScreen) -> str:
    with pytest.raises(WebhookTargetRefused) as caught:
        screen.pin(url)
    return str(caught.value.details["refused"])


@given(
    network=st.sampled_from(ALWAYS_REFUSED),
    offset=st.integers(min_value=0, max_value=2**24),
    port=st.integers(min_value=1, max_value=65535),
)
def test_every_spelling_of_a_refused_address_is_refused_even_with_private_networks_allowed(
    network: ipaddress.IPv4Network, offset: int, port: int
) -> None:
    address = network[offset % network.num_addresses]
    screen = TargetScreen(PRIVATE_LISTED)
    for host in spellings(address):
        assert refused(f"http://{host}:{port}/hooks", screen) in {
            Refused.LOOPBACK.code,
            Refused.LINK_LOCAL.code,
            Refused.UNSPECIFIED.code,
        }, host


@given(offset=st.integers(min_value=0, max_value=2**24 - 1))
def test_a_private_address_is_accepted_only_inside_an_allowed_network(offset: int) -> None:
    address = ipaddress.IPv4Network("10.0.0.0/8")[offset]
    inside = TargetScreen(["10.0.0.0/8"]).pin(f"https://{address}/hooks")
    assert (inside.address, inside.port, inside.path) == (str(address), 443, "/hooks")
    assert refused(f"https://{address}/hooks", TargetScreen(["192.168.0.0/16"])) == "PRIVATE"
    assert refused(f"https://{address}/hooks", TargetScreen()) == "PRIVATE"


def test_loopback_listed_lets_loopback_in_but_never_the_unspecified_or_link_local_address() -> None:
    screen = TargetScreen(["127.0.0.0/8"])
    assert screen.pin("http://127.0.0.1:8000/h").address == "127.0.0.1"
    assert screen.pin("http://[::ffff:127.0.0.1]/h").address == "127.0.0.1"
    assert refused("http://0.0.0.0:8000/h", screen) == "UNSPECIFIED"
    assert refused("http://169.254.169.254/latest/meta-data/", screen) == "LINK_LOCAL"
    assert refused("http://localhost/h", screen) == "LOOPBACK", "a name is resolved, not trusted"


def test_a_name_is_pinned_to_the_address_it_was_checked_at() -> None:
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])
    screen = TargetScreen(resolve=lambda host: next(answers))
    first = screen.pin("https://hooks.example/in?x=1")
    assert (first.host, first.address, first.path) == ("hooks.example", "93.184.216.34", "/in?x=1")
    assert refused("https://hooks.example/in", screen) == "LOOPBACK"  # rebound: refused
    with pytest.raises(WebhookHostUnresolved):
        TargetScreen(resolve=lambda host: []).pin("https://hooks.example/")
