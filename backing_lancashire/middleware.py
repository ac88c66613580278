import csp.constants
import csp.middleware
import csp.utils
from django.conf import settings
from django.utils.functional import cached_property


def permissions_policy(get_response):
    """Turn off browser features the site never uses (Django has no setting for this)."""

    def middleware(request):
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, with the policy built once rather than per response.

    No view here changes the policy and no page uses a nonce, so the header is the same
    every time; building it cost about a quarter of a small response. A response that
    does change it, or a request that asked for a nonce, gets django-csp's own handling.
    """

    OVERRIDES = [
        f"_csp_{part}{suffix}"
        for part in ("config", "update", "replace", "exempt")
        for suffix in ("", "_ro")
    ]

    @cached_property
    def policy(self):
        return csp.utils.build_policy()

    def process_response(self, request, response):
        if (
            settings.DEBUG
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES")
            or request.__dict__.get("_csp_nonce") is not None
            or any(hasattr(response, name) for name in self.OVERRIDES)
        ):
            return super().process_response(request, response)
        response.setdefault(csp.constants.HEADER, self.policy)
        return response
