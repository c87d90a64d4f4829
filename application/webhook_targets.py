"""Where webhooks may go: an http(s) receiver whose address is neither this host nor the
network's own machinery. Loopback, link-local (the cloud metadata service 169.254.169.254
among them), unspecified, multicast, broadcast and reserved addresses are refused, in any
spelling (IPv4-mapped or embedded in IPv6, `2130706433`, `0x7f.1`, `017700000001`, `127.1`,
`localhost`, a name that resolves to one); a private address (10/8, 172.16/12, 192.168/16,
100.64/10, fc00::/7) only when YISHITING_WEBHOOK_ALLOWED_NETWORKS lists its network. Loopback
may be listed in development only: that is how tests and a developer's own receiver are let in;
production refuses to start with it listed.

The same screen runs at registration and at each delivery, against what the name resolves to
then (DNS rebinding); the deliverer connects to the address it checked, never to a fresh
resolution. Why the standard library's `ipaddress` and no SSRF package: it carries the IANA
special-purpose tables this needs, and the packages wrap the same tables around an HTTP client
of their own, where the pinning to a checked address is what matters and is done here."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

from domain.errors import InvalidInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# A host name to its addresses (as text), empty when it does not resolve. The seam for tests.
Resolve = Callable[[str], list[str]]

ALLOWED_NETWORKS_SETTING = "YISHITING_WEBHOOK_ALLOWED_NETWORKS"
PRIVATE_RANGES = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)
LOOPBACK_RANGES = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
NAT64 = ipaddress.ip_network("64:ff9b::/96")
# WHATWG URL: a host whose last label is a number (decimal, 0x-hex or 0-octal) is an IPv4 address.
NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
HOST_NAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$")


class Refused(Enum):
    """Why an address is no receiver's: (code, 中文, English)."""

    LOOPBACK = ("LOOPBACK", "本机回环地址", "a loopback address")
    LINK_LOCAL = ("LINK_LOCAL", "链路本地地址(含云元数据服务)", "a link-local address")
    UNSPECIFIED = ("UNSPECIFIED", "未指定地址", "the unspecified address")
    MULTICAST = ("MULTICAST", "组播地址", "a multicast address")
    BROADCAST = ("BROADCAST", "广播地址", "the broadcast address")
    RESERVED = ("RESERVED", "保留地址", "a reserved address")
    PRIVATE = (
        "PRIVATE",
        f"未列入 {ALLOWED_NETWORKS_SETTING} 的内网地址",
        f"a private address not listed in {ALLOWED_NETWORKS_SETTING}",
    )
    NUMERIC_FORM = (
        "NUMERIC_FORM",
        "非标准写法的数字地址",
        "a numeric address in a non-standard form",
    )

    @property
    def code(self) -> str:
        return self.value[0]


class InvalidWebhookUrl(InvalidInput):
    code = "INVALID_WEBHOOK_URL"

    def __init__(self) -> None:
        super().__init__(
            "接收地址须为 http(s) 网址", "the receiver URL must be an http(s) URL", field="url"
        )


class WebhookTargetRefused(InvalidInput):
    code = "WEBHOOK_TARGET_REFUSED"

    def __init__(self, why: Refused) -> None:
        super().__init__(
            f"接收地址为{why.value[1]},不能作为推送目标",
            f"the receiver address is {why.value[2]}, not a webhook target",
            field="url",
            refused=why.code,
        )


class WebhookHostUnresolved(InvalidInput):
    code = "WEBHOOK_HOST_UNRESOLVED"

    def __init__(self) -> None:
        super().__init__(
            "接收地址的主机名无法解析", "the receiver's host name does not resolve", field="url"
        )


@dataclass(frozen=True)
class Target:
    """Where one delivery goes: the URL's parts, and the checked address to connect to."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def system_resolve(host: str) -> list[str]:
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def allowed_networks(listed: Iterable[str], environment: str) -> list[str]:
    """The setting's networks, normalised; a network that is not private (or, in development,
    loopback) is refused with a message naming the setting."""
    networks = []
    for text in listed:
        try:
            network = ipaddress.ip_network(text.strip(), strict=False)
        except ValueError:
            raise ValueError(
                f"{ALLOWED_NETWORKS_SETTING}: “{text}”不是网段 (not a CIDR network)"
            ) from None
        listable = PRIVATE_RANGES + (LOOPBACK_RANGES if environment == "development" else ())
        if not any(_within(network, r) for r in listable):
            raise ValueError(
                f"{ALLOWED_NETWORKS_SETTING}: {network} 不是内网网段(本机回环仅限开发环境)"
                f" (not a private network; loopback only in development)"
            )
        networks.append(str(network))
    return networks


def _within(network: IPNetwork, outer: IPNetwork) -> bool:
    return network.version == outer.version and network.subnet_of(outer)  # type: ignore[arg-type]


class TargetScreen:
    """Checks a receiver URL and pins the address it will be delivered to."""

    def __init__(self, allowed: Sequence[str] = (), resolve: Resolve = system_resolve) -> None:
        self.allowed = tuple(ipaddress.ip_network(n) for n in allowed)
        self.resolve = resolve

    def pin(self, url: str) -> Target:
        """The target of `url`, or the refusal (invalid URL, refused address, unresolved)."""
        parts = urlsplit(url)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise InvalidWebhookUrl() from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidWebhookUrl()
        host = _host(parts.hostname)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        address = self._address(host)
        return Target(parts.scheme, host, port, path, address)

    def _address(self, host: str) -> str:
        literal = _literal(host)
        if literal is not None:
            self._screen(literal)
            return str(_unmapped(literal))
        if _numeric(host):
            self._screen(_decoded(host))
            raise WebhookTargetRefused(Refused.NUMERIC_FORM)
        if host == "localhost" or host.endswith(".localhost"):
            raise WebhookTargetRefused(Refused.LOOPBACK)
        addresses = [a for a in (_literal(r) for r in self.resolve(host)) if a is not None]
        if not addresses:
            raise WebhookHostUnresolved()
        for address in addresses:  # every one: a name with one bad address is refused
            self._screen(address)
        return str(_unmapped(addresses[0]))

    def _screen(self, address: IPAddress) -> None:
        why = refusal(address, self.allowed)
        if why is not None:
            raise WebhookTargetRefused(why)


def refusal(address: IPAddress, allowed: Sequence[IPNetwork] = ()) -> Refused | None:
    """Why `address` may not receive webhooks; None when it may."""
    address = _unmapped(address)
    if any(address in network for network in allowed):
        return None
    for embedded in _embedded(address):
        why = refusal(embedded, allowed)
        if why is not None:
            return why
    return _kind(address)


def _unmapped(address: IPAddress) -> IPAddress:
    """An IPv4-mapped IPv6 address as the IPv4 address it is (and is connected to)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _kind(address: IPAddress) -> Refused | None:
    checks = (
        (address.is_loopback, Refused.LOOPBACK),
        (address.is_unspecified, Refused.UNSPECIFIED),
        (address.is_link_local, Refused.LINK_LOCAL),
        (address.is_multicast, Refused.MULTICAST),
        (address == ipaddress.IPv4Address("255.255.255.255"), Refused.BROADCAST),
        (address.is_reserved, Refused.RESERVED),
        (isinstance(address, ipaddress.IPv6Address) and address.is_site_local, Refused.RESERVED),
        (not address.is_global, Refused.PRIVATE),
    )
    return next((why for failed, why in checks if failed), None)


def _embedded(address: IPAddress) -> list[IPAddress]:
    """IPv4 addresses an IPv6 address carries (6to4, Teredo, NAT64): screened as well."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    found: list[IPAddress] = []
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    if address in NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def _host(hostname: str) -> str:
    """The URL's host in ASCII, without a final dot; anything else than a name or an address
    (spaces, controls, a bad international name) is no URL of a receiver."""
    host = hostname.rstrip(".")
    if _literal(host) is not None:
        return host
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidWebhookUrl() from None
    if not HOST_NAME.match(host):
        raise InvalidWebhookUrl()
    return host


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _numeric(host: str) -> bool:
    return bool(NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]))


def _decoded(host: str) -> IPAddress:
    """What the C library makes of a numeric host (`127.1`, `0x7f.1`, `2130706433`): screened
    by its meaning, then refused for its form either way."""
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        raise WebhookTargetRefused(Refused.NUMERIC_FORM) from None
