"""Where a webhook may point: in production, never at this host, a private network or a cloud
metadata endpoint (the service would otherwise post, signed, wherever a key holder asked)."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]

# Cloud metadata services: AWS, GCP and Azure at 169.254.169.254 (link-local anyway), AWS's IPv6
# endpoint, Alibaba Cloud's, and the names GCP answers to.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
METADATA_NAMES = frozenset({"metadata", "metadata.google.internal"})
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain")
# A public name ends in a label that starts with a letter; this refuses the numeric spellings of
# addresses ("2130706433", "0x7f.1", "127.1") that resolvers turn into loopback.
_PUBLIC_NAME = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")


def forbidden_address(address: IpAddress) -> bool:
    """Tell whether an address is loopback, private, link-local, metadata or else not public."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address in METADATA_ADDRESSES
        or address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_unspecified
        or address.is_reserved
        or address.is_multicast
        or not address.is_global
    )


def refusal(url: str) -> str | None:
    """Return why a production service must not post to `url`, or None when it may."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    try:
        literal: IpAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        return f"{host} is not a public address" if forbidden_address(literal) else None
    if host in METADATA_NAMES or host == "localhost" or host.endswith(LOCAL_SUFFIXES):
        return f"{host} names this host, a local network or a metadata service"
    if not _PUBLIC_NAME.match(host):
        return f"{host!r} is not a public host name"
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve a host name to the addresses a connection would use."""
    infos: list[tuple[Any, ...]] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def resolved_refusal(url: str, resolver: Resolver = system_resolver) -> str | None:
    """Like `refusal`, and also refuse a name that resolves to an address that is not public."""
    reason = refusal(url)
    if reason is not None:
        return reason
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolver(host, port)
    except OSError as exc:
        return f"{host} cannot be resolved ({type(exc).__name__})"
    for text in addresses:
        if forbidden_address(ipaddress.ip_address(text.split("%", 1)[0])):
            return f"{host} resolves to {text}, which is not a public address"
    return None
