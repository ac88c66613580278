import io
from importlib import import_module

import csp.constants
import csp.middleware
import csp.utils
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.handlers.wsgi import LimitedStream
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.utils.functional import cached_property

# A 2 MB logo and the rest of the form, with room to spare. The proxy in front should
# refuse anything larger even sooner.
MAX_BODY = 2_500_000
# Staff upload a year of spending files at once (a year of a large force's files is
# about 10 MB). Only to this path, and only from a signed-in member of staff: nobody else
# can make the server write that much to its disk.
UPLOAD_BODY = 100_000_000
UPLOAD_PATH = "/admin/campaign/spendimport/upload/"
UPLOAD_PERMISSION = "campaign.add_spendimport"


def body_limit(request):
    return UPLOAD_BODY if request.path_info == UPLOAD_PATH and may_upload(request) else MAX_BODY


def may_upload(request):
    """Whether the request's session is a signed-in member of staff's who may import
    spending files: read here because this runs before the session and authentication
    middleware, and checked as they would (the session's password hash too)."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    user = get_user_model().objects.filter(pk=session.get(SESSION_KEY) or None).first()
    return (
        user is not None
        and user.is_active
        and user.is_staff
        and constant_time_compare(session.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash())
        and user.has_perm(UPLOAD_PERMISSION)
    )


def limit_body(get_response):
    """Answer a request body over MAX_BODY with the friendly 413 page, on every path.

    It runs before anything reads the body (CSRF reads the form of every POST), so an
    oversized upload is never parsed, held in memory or written to a temporary file.
    A declared Content-Length over the limit is refused unread. A body sent in chunks,
    with no length, is read no further than one byte past the limit: within it, it is
    kept and given to Django as if its length had been declared (Django would otherwise
    read it as empty); past it, the same 413.
    """

    def middleware(request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = body_limit(request)
        if declared > limit:
            return too_large(request)
        if not request.META.get("CONTENT_LENGTH") and request.META.get("wsgi.input_terminated"):
            body = request.META["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                return too_large(request)
            request.META["CONTENT_LENGTH"] = str(len(body))
            request._stream = LimitedStream(io.BytesIO(body), len(body))
        return get_response(request)

    return middleware


def too_large(request):
    context = {"title": "That file is too large", "spending": request.path_info == UPLOAD_PATH}
    response = render(request, "413.html", context, status=413)
    # The body is left unread: with its length given, the client need not wait for the
    # connection to close to know the answer is complete.
    response["Content-Length"] = len(response.content)
    return response


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
