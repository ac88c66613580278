from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class PagesSitemap(Sitemap):
    """The site's own pages; each app adds a sitemap of its records in urls.py."""

    def items(self):
        return [
            "campaign:home", "campaign:about", "campaign:social_value", "campaign:spend",
            "campaign:get_involved", "pledges:wall", "pledges:suppliers", "impact:index",
            "pledges:sign",
            "campaign:privacy", "campaign:accessibility", "campaign:contact", "campaign:data",
        ]  # fmt: skip

    def location(self, name):
        return reverse(name)
