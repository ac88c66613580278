from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from pledges.sitemaps import SITEMAPS
from pledges.views import robots

handler500 = "campaign.views.server_error"

admin.site.site_header = "Backing Lancashire administration"
admin.site.site_title = "Backing Lancashire admin"
admin.site.index_title = "Moderation and content"

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
    path("robots.txt", robots, name="robots"),
]
