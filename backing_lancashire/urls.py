from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from backing_lancashire import views
from backing_lancashire.sitemaps import PagesSitemap
from pledges.sitemaps import SignatoriesSitemap

handler500 = "backing_lancashire.views.server_error"

admin.site.site_header = "Backing Lancashire administration"
admin.site.site_title = "Backing Lancashire admin"
admin.site.index_title = "Moderation and content"

SITEMAPS = {"pages": PagesSitemap, "signatories": SignatoriesSitemap}

urlpatterns = [
    path("", include("campaign.urls")),
    path("", include("pledges.urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemaps.index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", views.robots, name="robots"),
    path("healthz", views.healthz, name="healthz"),
]
