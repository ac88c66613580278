from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Backing Lancashire administration"
admin.site.site_title = "Backing Lancashire admin"
admin.site.index_title = "Moderation and content"

urlpatterns = [
    path("", include("campaign.urls")),
    path("admin/", admin.site.urls),
]
