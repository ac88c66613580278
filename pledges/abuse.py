"""Who a request comes from, and the limits that keep bots and floods out."""

import ipaddress
from functools import wraps

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


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


def over_limit(request, group, times=1):
    """Count this request against the client's allowance for `group`, and say if it is spent.

    `times` scales the allowance, for a looser limit on the same clock.
    """
    rate = settings.PLEDGE_RATE_LIMIT
    if rate is None:
        return False
    ip = client_ip(request)
    if ip is None:
        # Behind a proxy on a Unix socket: every visitor would share one allowance.
        raise ImproperlyConfigured(
            "REMOTE_ADDR is empty: serve over TCP, or set TRUSTED_PROXY_COUNT."
        )
    # One allowance per IPv6 /64, as one household or server usually holds a whole /64.
    key = str(ipaddress.ip_network(f"{ip}/{64 if ':' in ip else 32}", strict=False))
    count, period = rate.split("/")
    return is_ratelimited(
        request,
        group=group,
        key=lambda group, request: key,
        rate=f"{int(count) * times}/{period}",
        method="POST",
        increment=True,
    )


# A 2 MB logo and the rest of the form, with room to spare; anything larger is refused
# before it is read. The proxy in front should refuse it even sooner.
MAX_BODY = 2_500_000


def limit_body(view):
    """Answer an oversized request with a friendly 413, without reading its body."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            return render(request, "413.html", {"title": "That file is too large"}, status=413)
        return view(request, *args, **kwargs)

    return wrapped
