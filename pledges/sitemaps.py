from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from pledges.models import Pledge


class SignatoriesSitemap(Sitemap):
    limit = 10_000

    def items(self):
        return Pledge.objects.public().only("slug", "approved_at").order_by("pk")

    def lastmod(self, pledge):
        return pledge.approved_at

    def get_latest_lastmod(self):
        # Django's default loads every item to find the newest; ask the database instead.
        return self.items().aggregate(latest=Max("approved_at"))["latest"]
