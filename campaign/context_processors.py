from django.conf import settings

from campaign.content import HASHTAG


def site(request):
    # The contact details and review time come from settings only, so that every page
    # says the same thing (the emails read the same settings: pledges.emails).
    return {
        "site_url": settings.SITE_URL,
        "hashtag": HASHTAG,
        "contact": settings.CONTACT,
        "review_days": settings.REVIEW_DAYS,
    }
