"""Who a request comes from."""

import ipaddress

from django.conf import settings


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
            candidate = hops[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote or None
