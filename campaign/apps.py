from django.apps import AppConfig


class CampaignConfig(AppConfig):
    name = "campaign"
    verbose_name = "Campaign content"

    def ready(self):
        from backing_lancashire import checks  # noqa: F401 - registers the deploy checks
