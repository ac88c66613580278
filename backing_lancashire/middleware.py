from django.conf import settings


def permissions_policy(get_response):
    """Turn off browser features the site never uses (Django has no setting for this)."""

    def middleware(request):
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware
