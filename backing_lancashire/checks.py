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
