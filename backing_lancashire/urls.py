from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from backing_lancashire import views
from backing_lancashire.decorators import cached_page
from backing_lancashire.sitemaps import PagesSitemap
from pledges.abuse import limit_downloads
from pledges.sitemaps import SignatoriesSitemap, SupplierCategoriesSitemap

handler500 = "backing_lancashire.views.server_error"

admin.site.site_header = "Backing Lancashire administration"
admin.site.site_title = "Backing Lancashire admin"
admin.site.index_title = "Moderation and content"

SITEMAPS = {
    "pages": PagesSitemap,
    "signatories": SignatoriesSitemap,
    "suppliers": SupplierCategoriesSitemap,
}

urlpatterns = [
    path("", include("campaign.urls")),
    path("", include("pledges.urls")),
    path("", include("impact.urls")),
    path("admin/", admin.site.urls),
    # Made once per public version, and limited per client as the other whole downloads.
    path(
        "sitemap.xml",
        limit_downloads(cached_page(sitemaps.index)),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        limit_downloads(cached_page(sitemaps.sitemap)),
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", views.robots, name="robots"),
    path("healthz", views.healthz, name="healthz"),
]
