from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import condition, require_http_methods, require_safe

from backing_lancashire.decorators import cached_page, private_page
from backing_lancashire.spreadsheet import CSV_TYPE
from campaign.charts import bar_chart
from impact import open_data, stats, years
from impact.forms import ReturnForm
from pledges.abuse import limit_downloads, over_limit, too_many
from pledges.status import LISTED
from pledges.tokens import BadLink
from pledges.views import export, link_problem, managed_pledge, public_etag


@require_safe
@cached_page
def index(request):
    totals = stats.by_year()
    for year in totals:
        year["headline"] = stats.headline(year)
        for chart in year["charts"]:
            chart["drawn"] = bar_chart(
                chart["figures"], label=lambda f: f["label"], value=lambda f: f["total"]
            )
    return render(
        request,
        "impact/index.html",
        {
            "title": "Impact: what signatories reported",
            "description": "What Backing Lancashire signatories reported doing each year: "
            "local spending, the real Living Wage, jobs, apprenticeships, volunteering "
            "and the environment. Self-reported, not verified.",
            "totals": totals,
        },
    )


@require_http_methods(["GET", "POST"])
@private_page
def manage_return(request, token):
    """A listed organisation's return for an open year, through its manage link."""
    try:
        pledge = managed_pledge(token)
    except BadLink as bad:
        return link_problem(request, bad, "pledges:manage_request")
    if pledge.status not in LISTED:
        # Waiting for review: nothing to report on yet; its manage page says where it is.
        return redirect("pledges:manage", token=token)
    year = _year(request.GET.get("year"))
    if request.method == "POST":
        if over_limit(request, "manage", times=4):
            return too_many(request)
        form = ReturnForm(pledge, data=request.POST, year=year)
        if form.is_valid():
            saved = form.save()
            messages.success(
                request,
                f"Thank you. Your figures for {form.year_label} are saved."
                if saved
                else f"Thank you. You have no figures for {form.year_label} with us now.",
            )
            url = reverse("impact:manage_return", args=[token])
            return redirect(f"{url}?year={form.chosen_year}")
    else:
        form = ReturnForm(pledge, year=year)
    return render(
        request,
        "impact/manage_return.html",
        {
            "form": form,
            "pledge": pledge,
            "token": token,
            "other_years": [(y, years.label(y)) for y in form.open_years if y != form.chosen_year],
            "closes": years.closes(form.chosen_year),
            "title": "Report your impact",
            "canonical": "/pledge/manage/",
        },
    )


def _year(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_safe
@condition(etag_func=public_etag)
@limit_downloads
def open_csv(request):
    return export("impact.csv", open_data.csv_chunks, CSV_TYPE, "backing-lancashire-impact.csv")


@require_safe
@condition(etag_func=public_etag)
@limit_downloads
def totals_csv(request):
    return export(
        "impact-totals.csv",
        open_data.totals_csv_chunks,
        CSV_TYPE,
        "backing-lancashire-impact-totals.csv",
    )


@require_safe
@condition(etag_func=public_etag)
@limit_downloads
def open_json(request):
    response = export("impact.json", open_data.json_chunks, "application/json")
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response
