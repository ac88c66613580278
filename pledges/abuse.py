"""The limits that keep bots and floods out."""

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django_ratelimit.core import is_ratelimited

from backing_lancashire.client import client_ip


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
