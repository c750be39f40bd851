"""Is a host or URL on this machine? The one rule for the engine (admin routes, URL uploads, where
it may listen), the client (no proxy for loopback) and core (the engine's fast polling, no cost
notes).

A leaf module (stdlib only, nothing from nemo_tui): the engine may import it without reaching core,
and core without reaching the engine.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback_host(host: str) -> bool:
    """`localhost` or a loopback address (127.0.0.0/8, ::1, and IPv4-mapped 127.x on dual-stack
    sockets). A name that merely starts with "127." (`127.example.com`) is not one."""
    host = host.strip().lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def is_loopback_url(url: str) -> bool:
    """Is `url`'s host on this machine (see `is_loopback_host`)?"""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # a malformed URL (an unclosed IPv6 bracket) is nowhere
        return False
    return is_loopback_host(host)
