from django.urls import path

from impact import views

app_name = "impact"

urlpatterns = [
    path("impact/", views.index, name="index"),
    path("impact.csv", views.open_csv, name="csv"),
    path("impact-totals.csv", views.totals_csv, name="totals_csv"),
    path("impact.json", views.open_json, name="json"),
    path("pledge/manage/<str:token>/impact/", views.manage_return, name="manage_return"),
]
