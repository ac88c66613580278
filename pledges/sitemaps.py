from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from pledges.models import Pledge


class PagesSitemap(Sitemap):
    def items(self):
        return [
            "campaign:home", "campaign:about", "campaign:social_value", "campaign:spend",
            "campaign:get_involved", "pledges:wall", "pledges:sign", "campaign:privacy",
            "campaign:accessibility",
        ]  # fmt: skip

    def location(self, name):
        return reverse(name)


class SignatoriesSitemap(Sitemap):
    limit = 10_000

    def items(self):
        return Pledge.objects.public().only("slug", "approved_at").order_by("pk")

    def lastmod(self, pledge):
        return pledge.approved_at


SITEMAPS = {"pages": PagesSitemap, "signatories": SignatoriesSitemap}
