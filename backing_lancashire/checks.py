from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def email_is_sent(app_configs, **kwargs):
    """In production, confirmation links printed to a console reach nobody and leak."""
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        return [
            checks.Warning(
                "EMAIL_HOST is not set, so emails are printed to the console.",
                hint="Set EMAIL_HOST and the other EMAIL_ variables.",
                id="backing_lancashire.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def staff_use_a_second_factor(app_configs, **kwargs):
    """A stolen or guessed password alone must not open the admin."""
    if not settings.STAFF_MFA_REQUIRED:
        return [
            checks.Warning(
                "STAFF_MFA_REQUIRED is off, so a password alone opens the admin.",
                hint="Unset STAFF_MFA_REQUIRED (it is on whenever DJANGO_DEBUG is off).",
                id="backing_lancashire.W002",
            )
        ]
    return []
