from django.urls import path
from django.views.decorators.http import condition, require_safe

from backing_lancashire.decorators import cached_page
from pledges import views
from pledges.abuse import limit_downloads
from pledges.feeds import NewSignatories

app_name = "pledges"

urlpatterns = [
    path("pledge/", views.sign, name="sign"),
    path("pledge/check-your-answers/", views.check_answers, name="check_answers"),
    path("pledge/check-your-email/", views.check_email, name="check_email"),
    path("pledge/kept-logo/<str:reference>", views.pending_logo, name="pending_logo"),
    path("pledge/verify/<str:token>/", views.verify, name="verify"),
    path("pledge/resend/", views.resend, name="resend"),
    path("pledge/resend/sent/", views.resent, name="resent"),
    path("pledge/manage/", views.manage_request, name="manage_request"),
    path("pledge/manage/sent/", views.manage_sent, name="manage_sent"),
    path("pledge/manage/<str:token>/", views.manage, name="manage"),
    path("pledge/manage/<str:token>/withdraw/", views.manage_withdraw, name="manage_withdraw"),
    path("pledge/manage/<str:token>/check-in/", views.checkin, name="checkin"),
    path(
        "pledge/manage/<str:token>/withdraw-changes/",
        views.manage_withdraw_change,
        name="manage_withdraw_change",
    ),
    path("pledge/manage/<str:token>/logo", views.manage_logo, name="manage_logo"),
    path("pledge/new-email/<str:token>/", views.confirm_email, name="confirm_email"),
    path(
        "pledge/manage/<str:token>/proposed-logo",
        views.manage_logo,
        {"proposed": True},
        name="manage_proposed_logo",
    ),
    path("pledge/withdrawn/", views.withdrawn, name="withdrawn"),
    path("signatories/", views.wall, name="wall"),
    path("suppliers/", views.find_suppliers, name="suppliers"),
    path("suppliers.csv", views.suppliers_csv, name="suppliers_csv"),
    path("suppliers/category/<str:code>/", views.find_suppliers, name="supplier_category"),
    path("signatories.csv", views.open_csv, name="csv"),
    path("signatories.json", views.open_json, name="json"),
    path(
        "signatories/feed/",
        require_safe(
            condition(etag_func=views.public_etag)(limit_downloads(cached_page(NewSignatories())))
        ),
        name="feed",
    ),
    path("signatories/<slug:slug>/", views.detail, name="detail"),
    path("signatories/<slug:slug>/certificate/", views.certificate, name="certificate"),
    path("signatories/<slug:slug>/badge.svg", views.badge, name="badge"),
    path("signatories/<slug:slug>/report/", views.report, name="report"),
    path("signatories/<slug:slug>/report/sent/", views.report_sent, name="report_sent"),
    path("media/logos/<str:name>", views.logo, name="logo"),
]
