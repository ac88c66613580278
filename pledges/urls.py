from django.urls import path

from pledges import views

app_name = "pledges"

urlpatterns = [
    path("pledge/", views.sign, name="sign"),
    path("pledge/check-your-email/", views.check_email, name="check_email"),
    path("pledge/verify/<str:token>/", views.verify, name="verify"),
    path("pledge/resend/", views.resend, name="resend"),
    path("pledge/resend/sent/", views.resent, name="resent"),
    path("signatories/<slug:slug>/", views.detail, name="detail"),
]
