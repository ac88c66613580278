from django.conf import settings

from campaign.content import HASHTAG


def site(request):
    return {"site_url": settings.SITE_URL, "hashtag": HASHTAG}
