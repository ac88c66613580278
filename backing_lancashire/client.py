"""Who a request comes from."""

import ipaddress
from contextlib import suppress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def client_ip(request):
    """The visitor's address: REMOTE_ADDR, or the one our own trusted proxies saw.

    Each proxy appends the address it was reached from to X-Forwarded-For, so with
    N trusted proxies the Nth entry from the right is the visitor. Anything further
    left was written by the client and may be forged, so it is never used.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            with suppress(ValueError):
                return plain(hops[-proxies])
    if not remote:
        return None
    try:
        return plain(remote)
    except ValueError:
        return remote


def plain(address):
    """An address in one form, an IPv4 client as IPv4.

    A server listening on IPv6 sees an IPv4 client as ::ffff:203.0.113.5; left so, every
    such client would fall in one IPv6 /64, and share one allowance.
    """
    ip = ipaddress.ip_address(address)
    return str(getattr(ip, "ipv4_mapped", None) or ip)


def client_key(request):
    """Whose allowance a request counts against: its IPv4 address, or its IPv6 /64, as one
    household or server usually holds a whole /64. client_ip gives an IPv4 client (even
    one seen through IPv6, as ::ffff:203.0.113.5) as IPv4, so it stands on its own."""
    ip = client_ip(request)
    if ip is None:
        # Behind a proxy on a Unix socket: every visitor would share one allowance.
        raise ImproperlyConfigured(
            "REMOTE_ADDR is empty: serve over TCP, or set TRUSTED_PROXY_COUNT."
        )
    prefix = 64 if ipaddress.ip_address(ip).version == 6 else 32
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
