from django.apps import AppConfig
from django.db.models.signals import post_save


class CampaignConfig(AppConfig):
    name = "campaign"
    verbose_name = "Campaign content"

    def ready(self):
        from campaign.spending import register
        from pledges.models import Pledge

        post_save.connect(register.match_new_signatory, sender=Pledge, dispatch_uid="match")
