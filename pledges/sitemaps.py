from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from pledges import categories as cpv
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


class SupplierCategoriesSitemap(Sitemap):
    """A page for each category that an approved signatory supplies, so that a search
    engine leads a buyer looking for one to the suppliers of it."""

    def items(self):
        supplied = Pledge.objects.public()
        return [
            category
            for category in cpv.CATEGORIES
            if supplied.filter(categories__includes=[category.code]).exists()
        ]
