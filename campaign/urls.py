from django.urls import path
from django.views.generic import TemplateView

from campaign import views
from pledges.wording import PRIVACY_NOTICE_UPDATED, PRIVACY_NOTICE_VERSION, pledge_text

app_name = "campaign"


def page(template, title, description, **context):
    return TemplateView.as_view(
        template_name=f"campaign/{template}.html",
        extra_context={"title": title, "description": description, **context},
    )


urlpatterns = [
    path("", views.home, name="home"),
    path(
        "about/",
        page(
            "about",
            "About Backing Lancashire",
            "Why Lancashire Constabulary and the Police and Crime Commissioner started "
            "Backing Lancashire, and the Social Value Policy behind it.",
        ),
        name="about",
    ),
    path("social-value/", views.social_value, name="social_value"),
    path("spend/", views.spend, name="spend"),
    path("spend/figures.csv", views.spend_csv, name="spend_csv"),
    path("spend/local.csv", views.local_spend_csv, name="local_spend_csv"),
    path("spend/local.json", views.local_spend_json, name="local_spend_json"),
    path("data/", views.data, name="data"),
    path(
        "get-involved/",
        page(
            "get_involved",
            "Get involved",
            "Sign the Backing Lancashire pledge and share your support with #BackingLancashire.",
            pledge=pledge_text(),
        ),
        name="get_involved",
    ),
    path(
        "privacy/",
        page(
            "privacy",
            "Privacy notice",
            "How Backing Lancashire uses the information organisations give when they sign.",
            version=PRIVACY_NOTICE_VERSION,
            updated=PRIVACY_NOTICE_UPDATED,
        ),
        name="privacy",
    ),
    path(
        "accessibility/",
        page(
            "accessibility",
            "Accessibility statement",
            "How accessible the Backing Lancashire website is and how to report a problem.",
        ),
        name="accessibility",
    ),
    path(
        "contact/",
        page(
            "contact",
            "Contact us",
            "How to reach the Office of the Police and Crime Commissioner for Lancashire "
            "about Backing Lancashire, and its press office.",
        ),
        name="contact",
    ),
]
