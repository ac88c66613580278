import json
import logging
from contextlib import suppress

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_http_methods, require_safe

from backing_lancashire import exports, freshness
from backing_lancashire.decorators import cached_page, private_page
from backing_lancashire.spreadsheet import CSV_TYPE, batched, csv_lines
from impact.forms import ReturnForm
from pledges import categories as cpv
from pledges import checkins, history, open_data, stats, suppliers, tasks, tilemap
from pledges.abuse import limit_downloads, over_limit, too_many
from pledges.forms import (
    CheckInForm,
    EmailForm,
    ManageForm,
    PledgeForm,
    ReportForm,
    WallFilter,
)
from pledges.logos import STORED_NAME, logo_file, pending_file, read_pending
from pledges.models import (
    BuyingLink,
    DuplicatePledge,
    Pledge,
    PledgeStateError,
    ProposedChange,
    already_signed,
)
from pledges.tokens import (
    LINK_MAX_AGE,
    MANAGE_MAX_AGE,
    BadLink,
    make_manage_token,
    read_email_token,
    read_manage_token,
    read_token,
)
from pledges.wording import PLEDGE_PLACEHOLDER, pledge_parts, review_days

log = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
def sign(request):
    if request.method == "POST" and over_limit(request, "sign-attempts", times=10):
        return too_many(request)  # a looser limit on every attempt, valid or not
    if request.method == "GET":
        get_token(request)  # a CSRF secret for a new visitor, which the form is bound to
    visitor = request.META.get("CSRF_COOKIE", "")
    form = (
        PledgeForm(request.POST, request.FILES, visitor=visitor)
        if request.method == "POST"
        else PledgeForm(visitor=visitor)
    )
    # A valid form goes to the check-your-answers page, which sends it back with
    # "confirm" to be saved, or with "change" to show the form again.
    if request.method == "POST" and form.is_valid() and "change" not in request.POST:
        if "confirm" not in request.POST:
            # Through a redirect (Post/Redirect/Get), so that Back from "check your
            # email" comes to a page rather than "Confirm form resubmission". The
            # answers wait in the visitor's own session, until they are sent.
            request.session[ANSWERS] = form.posted_back()
            # Contact details kept no longer than the form itself works: the session
            # ends then, and `clearsessions` removes it.
            request.session.set_expiry(settings.PLEDGE_FORM_MAX_AGE)
            return redirect("pledges:check_answers")
        # Only a form that would be saved is checked for bots, so that a person who
        # sends it half-filled straight away still sees what to fix.
        if form.looks_automated(settings.PLEDGE_MIN_FILL_SECONDS):
            # A neutral answer, so that a bot learns nothing; nothing is saved.
            log.info("Sign-up refused as automated")
            return sent(request, form)
        if over_limit(request, "sign"):
            return too_many(request)
        if not form.spend_token():
            log.info("Sign-up refused: its form was sent before")
            return sent(request, form)
        try:
            form.save()
        except Exception:
            form.release_token()  # not taken: the person may send it again
            raise
        return sent(request, form)
    return sign_page(request, form)


def sign_page(request, form):
    name = (form["name"].value() or "").strip() if form.is_bound else ""
    before, after = pledge_parts()
    return render(
        request,
        "pledges/sign.html",
        {
            "form": form,
            "wording": {"before": before, "name": name, "after": after},
            "placeholder": PLEDGE_PLACEHOLDER,
            "title": "Sign the pledge",
            "description": "Sign the Backing Lancashire pledge for your organisation.",
        },
    )


ANSWERS = "pledge_answers"  # the session's answers to check, as the form sent them


@require_safe
@never_cache
def check_answers(request):
    """The answers a visitor sent, to check before signing: checked afresh, as a name may
    have been taken since. Without answers (sent already, or none), the form."""
    answers = request.session.get(ANSWERS)
    if not answers:
        return redirect("pledges:sign")
    data = MultiValueDict()
    for name, value in answers:
        data.appendlist(name, value)  # each category chosen, as the form sent them
    form = PledgeForm(data, visitor=request.META.get("CSRF_COOKIE", ""))
    if not form.is_valid():
        return sign_page(request, form)
    return render(
        request,
        "pledges/check_answers.html",
        {"form": form, "title": "Check your answers before signing"},
    )


def sent(request, form):
    """On to "check your email", which names the address this visitor gave (kept in their
    own session, so the page tells nobody else anything)."""
    request.session["signed_with"] = form.cleaned_data["email"]
    request.session.pop(ANSWERS, None)  # sent: Back finds the form, not them to send again
    return redirect("pledges:check_email")


@require_safe
def check_email(request):
    return render(
        request,
        "pledges/check_email.html",
        {"title": "Check your email", "address": request.session.get("signed_with", "")},
    )


@require_safe
@private_page
def pending_logo(request, reference):
    """The logo kept for a sign-up form sent back, shown on the form to the visitor it
    was chosen by, and to nobody else."""
    name = read_pending(reference, request.META.get("CSRF_COOKIE", ""))
    if name is None:
        raise Http404
    return pending_file(name)


@require_http_methods(["GET", "POST"])
@private_page
def verify(request, token):
    """Opening the link shows a button; only pressing it confirms.

    Mail scanners open every link in a message, so a GET must never change anything.
    """
    try:
        pledge = Pledge.objects.filter(pk=read_token(token)).first()
    except BadLink as bad:
        return link_problem(request, bad)
    if pledge is None:  # deleted since: unconfirmed for too long
        return link_problem(request, BadLink(expired=True))
    context = {"pledge": pledge, "canonical": "/pledge/"}
    if pledge.status == Pledge.Status.UNVERIFIED and request.method == "POST":
        try:
            pledge.verify()
        except PledgeStateError:  # a double click: the first press did it
            pass
        except DuplicatePledge:
            return beaten(request, pledge)
        else:
            return render(
                request,
                "pledges/verified.html",
                {**context, "title": "Thank you for signing", "review_days": review_days()},
            )
    if pledge.status == Pledge.Status.UNVERIFIED and pledge.rival():
        return beaten(request, pledge)
    if pledge.status == Pledge.Status.UNVERIFIED:
        return render(request, "pledges/confirm.html", {**context, "title": "Confirm your pledge"})
    pledge.refresh_from_db()
    return render(
        request,
        "pledges/already_verified.html",
        {**context, "title": "You have already confirmed your email"},
    )


def beaten(request, pledge):
    """Another sign-up for the organisation was confirmed first: this one cannot be."""
    return render(
        request,
        "pledges/beaten.html",
        {
            "pledge": pledge,
            "title": "Your organisation has already signed",
            "canonical": "/pledge/",
        },
        status=409,
    )


def send_links(request, kind, template, title, *, done):
    """Email fresh links of `kind` to the address given, for its pledges where that kind
    of email fits (tasks.KINDS): one message covers them all, when the address's turn comes.

    The answer is the same whether or not one goes, so nobody can probe who has signed.
    """
    form = EmailForm(request.POST) if request.method == "POST" else EmailForm()
    if request.method == "POST" and form.is_valid():
        if over_limit(request, "resend"):
            return too_many(request)
        address = form.cleaned_data["email"]
        _, statuses, _ = tasks.KINDS[kind]
        pledge = Pledge.objects.filter(status__in=statuses, email__iexact=address).first()
        if pledge:
            tasks.queue(kind, pledge)
        return redirect(done)
    return render(request, template, {"form": form, "title": title})


@require_http_methods(["GET", "POST"])
def resend(request):
    title = "Get a new confirmation link"
    return send_links(request, "verify", "pledges/resend.html", title, done="pledges:resent")


@require_safe
def resent(request):
    return render(request, "pledges/resent.html", {"title": "Check your email"})


@require_safe
@cached_page
def detail(request, slug):
    pledge = get_object_or_404(Pledge.objects.listed(), slug=slug)
    standing = checkins.standing(pledge)
    lapsed = standing == checkins.Standing.LAPSED
    return render(
        request,
        "pledges/detail.html",
        {
            "pledge": pledge,
            "standing": standing,
            "history": history.public(pledge),
            "title": pledge.name,
            "description": (
                f"{pledge.name}'s Backing Lancashire pledge has lapsed."
                if lapsed
                else f"{pledge.name} is backing Lancashire."
            ),
        },
    )


def link_problem(request, bad, resend_url="pledges:resend"):
    return render(
        request,
        "pledges/link_problem.html",
        {
            "expired": bad.expired,
            "resend_url": resend_url,
            # How long this kind of link works: a week to confirm, a month to manage.
            "lasts_days": (
                MANAGE_MAX_AGE if resend_url == "pledges:manage_request" else LINK_MAX_AGE
            ).days,
            "withdrawn": bad.withdrawn,
            "address_changed": bad.address_changed,
            "title": (
                "This pledge has been withdrawn"
                if bad.withdrawn
                else "This link has expired"
                if bad.expired
                else "This link stopped working when the email address changed"
                if bad.address_changed
                else "This link does not work"
            ),
        },
        # Gone: a genuine link, with nothing wrong in the request, that no longer works.
        status=410 if bad.withdrawn or bad.address_changed else 400,
    )


def managed_pledge(token):
    return read_manage_token(token, Pledge.objects.manageable())


@require_http_methods(["GET", "POST"])
@private_page
def manage(request, token):
    try:
        pledge = managed_pledge(token)
    except BadLink as bad:
        return link_problem(request, bad, "pledges:manage_request")
    if request.method == "POST":
        if over_limit(request, "manage", times=4):
            return too_many(request)
        form = ManageForm(request.POST, request.FILES, instance=pledge)
        if form.is_valid():
            try:
                applied, proposed, asked = pledge.update_details(form.changes())
            except IntegrityError:  # another organisation took the name a moment ago
                form.add_error(None, already_signed(form.instance, None))
            except PledgeStateError:  # staff closed the pledge since the page was opened
                return link_problem(request, BadLink(), "pledges:manage_request")
            else:
                if applied or proposed != form.proposed or not asked:
                    messages.info(request, manage_message(applied, proposed, form.proposed))
                if asked:
                    messages.info(
                        request,
                        "We have sent a link to the new email address. The change takes "
                        "effect when it is opened; until then we write to the address we have.",
                    )
                return redirect("pledges:manage", token=token)
    else:
        form = ManageForm(instance=pledge)
    logo_urls = [
        reverse("pledges:manage_logo", args=[token]),
        reverse("pledges:manage_proposed_logo", args=[token]),
    ]
    return render(
        request,
        "pledges/manage.html",
        {
            "form": form,
            "pledge": pledge,
            "token": token,
            "proposed": form.proposed.comparison(logo_urls) if form.proposed else [],
            "standing": checkins.standing(pledge),
            "due": checkins.due_on(pledge.affirmed_at) if pledge.affirmed_at else None,
            "title": "Manage your pledge",
            "canonical": "/pledge/manage/",
        },
    )


def manage_message(applied, proposed, before):
    """What the organisation is told once its changes are in."""
    if proposed and (before is None or proposed.proposed_at != before.proposed_at):
        held = (
            "Our team will check the changes to what the public sees before they are shown; "
            "until then, your entry on the wall stays as it was."
        )
        return ("Your contact details are saved. " if applied else "Thank you. ") + held
    if before and not proposed:
        return "Your entry is as approved, so there is nothing left to check."
    if applied:
        return "Your changes are saved."
    return "Nothing had changed, so nothing was saved."


@require_http_methods(["GET", "POST"])
@private_page
def checkin(request, token):
    """The yearly check-in, from the reminder's link or the manage page: the organisation
    stands by its pledge for another year, perhaps changing its commitments."""
    try:
        pledge = managed_pledge(token)
    except BadLink as bad:
        return link_problem(request, bad, "pledges:manage_request")
    if pledge.status not in Pledge.LISTED:  # waiting for its first review: nothing to affirm
        return redirect("pledges:manage", token=token)
    if request.method == "POST":
        if over_limit(request, "manage", times=4):
            return too_many(request)
        form = CheckInForm(request.POST, instance=pledge)
        report = ReturnForm(pledge, data=request.POST)
        if all([form.is_valid(), report.is_valid()]):  # both checked, every error shown
            lapsed = pledge.status == Pledge.Status.LAPSED
            try:
                with transaction.atomic():
                    checked_in = pledge.check_in()
                    saved = report.save()
                    change = form.changed_commitments()
                    proposed = change is not None and pledge.update_details(change)[1]
            except PledgeStateError:  # withdrawn by staff since the page was opened
                return link_problem(request, BadLink(), "pledges:manage_request")
            message = checkin_message(pledge, checked_in, lapsed, saved and report, proposed)
            messages.success(request, message)
            return redirect("pledges:manage", token=token)
    else:
        form = CheckInForm(instance=pledge)
        report = ReturnForm(pledge)
    return render(
        request,
        "pledges/checkin.html",
        {
            "form": form,
            "report": report,
            "forms": [form, report],
            "pledge": pledge,
            "token": token,
            "standing": checkins.standing(pledge),
            "due": checkins.due_on(pledge.affirmed_at) if pledge.affirmed_at else None,
            "lapses": (
                checkins.lapses_on(pledge.affirmed_at, pledge.reminded_at)
                if pledge.affirmed_at
                else None
            ),
            "title": "Check in",
            "canonical": "/pledge/manage/",
        },
    )


def checkin_message(pledge, checked_in, lapsed, report, proposed):
    """What the organisation is told once it has checked in: each thing that happened."""
    until = date_format(timezone.localtime(checkins.due_on(pledge.affirmed_at)), "j F Y")
    said = [
        f"Thank you: your pledge is affirmed until {until}."
        if checked_in
        else f"You had already checked in today: your pledge is affirmed until {until}."
    ]
    if lapsed:
        said.append("It is listed on the signatory wall again.")
    if report:
        said.append(f"Your figures for {report.year_label} are saved.")
    if proposed:
        said.append("Our team will check the change to your entry before it shows.")
    return " ".join(said)


@require_http_methods(["GET", "POST"])
@private_page
def confirm_email(request, token):
    """The link sent to a new address: pressing the button makes it the contact's."""
    try:
        pledge, address = read_email_token(token, Pledge.objects.manageable())
    except BadLink as bad:
        return link_problem(request, bad, "pledges:manage_request")
    if request.method == "POST":
        try:
            pledge.change_email(address)
        except PledgeStateError:
            return link_problem(request, BadLink(), "pledges:manage_request")
        messages.success(
            request, "Your email address is changed: links we send from now on go to it."
        )
        return redirect("pledges:manage", token=make_manage_token(pledge))
    return render(
        request,
        "pledges/confirm_email.html",
        {"pledge": pledge, "title": "Confirm your new email address", "canonical": "/pledge/"},
    )


@require_http_methods(["POST"])
@private_page
def manage_withdraw_change(request, token):
    try:
        pledge = managed_pledge(token)
    except BadLink as bad:
        return link_problem(request, bad, "pledges:manage_request")
    if over_limit(request, "manage", times=4):
        return too_many(request)
    change = pledge.changes.filter(status=ProposedChange.Status.OPEN).first()
    if change:
        with suppress(PledgeStateError):
            change.close(ProposedChange.Status.WITHDRAWN)
        messages.info(request, "Your proposed changes are withdrawn. Your entry stays as it was.")
    return redirect("pledges:manage", token=token)


@require_http_methods(["GET", "POST"])
@private_page
def manage_withdraw(request, token):
    try:
        pledge = managed_pledge(token)
    except BadLink as bad:
        return link_problem(request, bad, "pledges:manage_request")
    if request.method == "POST":
        # Withdrawn a moment ago by staff? The outcome is the same.
        with suppress(PledgeStateError):
            pledge.withdraw()
        return redirect("pledges:withdrawn")
    return render(
        request,
        "pledges/withdraw.html",
        {
            "pledge": pledge,
            "token": token,
            "title": "Withdraw your pledge",
            "canonical": "/pledge/manage/",
        },
    )


@require_safe
def withdrawn(request):
    return render(request, "pledges/withdrawn.html", {"title": "Your pledge has been withdrawn"})


@require_http_methods(["GET", "POST"])
def manage_request(request):
    title = "Manage your pledge"
    return send_links(
        request, "manage", "pledges/manage_request.html", title, done="pledges:manage_sent"
    )


@require_safe
def manage_sent(request):
    return render(request, "pledges/manage_sent.html", {"title": "Check your email"})


@require_safe
def render_badge(request, pledge, standing=checkins.Standing.CURRENT):
    """The badge's image; the admin's preview shows it before the pledge is approved."""
    return render(
        request,
        "pledges/badge.svg",
        {"pledge": pledge, "standing": standing},
        content_type="image/svg+xml",
    )


def badged(request, slug):
    """The pledge a badge is for, with its standing now: once listed, a badge always
    answers, so that a withdrawn or lapsed pledge's badge says so rather than vanish.
    Read once a request: the ETag and the image both want it."""
    if not hasattr(request, "badged"):
        request.badged = _badged(slug)
    return request.badged


def _badged(slug):
    pledge = get_object_or_404(
        Pledge.objects.filter(approved_at__isnull=False).only(
            "name", "status", "approved_at", "affirmed_at", "lapsed_at"
        ),
        slug=slug,
        status__in=[*Pledge.LISTED, Pledge.Status.WITHDRAWN],
    )
    return pledge, checkins.standing(pledge)


def badge_etag(request, slug):
    pledge, standing = badged(request, slug)
    affirmed = f"{pledge.affirmed_at:%Y-%m}" if pledge.affirmed_at else ""
    return f"{standing}:{affirmed}:{freshness.version()}"


@require_safe
@condition(etag_func=badge_etag)
def badge(request, slug):
    pledge, standing = badged(request, slug)
    response = render_badge(request, pledge, standing)
    # Drawn for the pledge as it stands when fetched; kept briefly, then checked again
    # with its ETag, so that a lapse or withdrawal shows on a signatory's site in minutes.
    response["Cache-Control"] = "public, max-age=300"
    # Shown on other organisations' sites, so it must not be blocked there.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


PER_PAGE = 48


def page_number(value):
    """A page number from the query string: anything odd becomes page 1."""
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


# The wall counts its results no further than this: a view matching more says "more
# than 10,000", and its pages stop there, so that no query string can make the database
# count, or skip through, a huge result. Narrower views list them all.
COUNT_LIMIT = 10_000
# A search, lower: its matches have no index in the wall's order, so each one counted is
# a row read from the table (about 3 µs), where a filter's count reads only an index. A
# search matching more than this ("ltd" matches one name in eight) wants narrowing, and
# says so; counted to the end, one such word took 72 ms at 100,000 signatories.
SEARCH_COUNT_LIMIT = 1_000


class LimitedPaginator(Paginator):
    """Pages through at most `limit` results; `more` says whether there were more."""

    def __init__(self, object_list, per_page, limit=None):
        super().__init__(object_list, per_page)
        self.limit = COUNT_LIMIT if limit is None else limit

    @cached_property
    def counted(self):
        return self.object_list.order_by()[: self.limit + 1].count()

    @cached_property
    def count(self):
        return min(self.counted, self.limit)

    @property
    def more(self):
        return self.counted > self.limit

    def page(self, number):
        # Find the page's ids first, then load those rows: the database skips the earlier
        # pages inside an index, without reading each of their rows from the table.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)


class SearchPaginator(LimitedPaginator):
    """A search's pages: its count (to SEARCH_COUNT_LIMIT), then the page's ids in the
    wall's order, then those rows by their ids alone.

    Asked for the rows with the search again, the database would read every match a
    second time to find these few; by id, it reads 48 rows.
    """

    def __init__(self, object_list, per_page):
        super().__init__(object_list, per_page, limit=SEARCH_COUNT_LIMIT)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        # By id among the listed: the ids came from the search and its filters already.
        loaded = Pledge.objects.listed().in_bulk(ids)
        return self._get_page([loaded[pk] for pk in ids if pk in loaded], number, self)


@require_safe
@cached_page
def wall(request):
    filters = WallFilter(request.GET)
    paging = SearchPaginator if filters.value("q") else LimitedPaginator
    paginator = paging(filters.filter(Pledge.objects.all()), PER_PAGE)
    # Past the end shows the last page rather than an error.
    page = paginator.get_page(page_number(request.GET.get("page")))
    figures = stats.impact()
    return render(
        request,
        "pledges/wall.html",
        {
            "title": "Signatories",
            "description": f"The {figures['total']:,} organisations backing Lancashire.",
            "filters": filters,
            "page": page,
            "pages": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "figures": figures,
            "version": freshness.version(),
            "tiles": tilemap.tiles(figures["districts"]),
            "map_size": (tilemap.WIDTH, tilemap.HEIGHT),
            "tile_size": tilemap.TILE,
        },
    )


SUPPLIERS_PER_PAGE = 20


class SupplierPaginator(LimitedPaginator):
    """A supplier search's pages, each read in its order straight away. Near a postcode
    the results are a suppliers.Nearest, which counts them and finds each page itself."""

    def __init__(self, object_list, per_page):
        super().__init__(object_list, per_page, limit=SEARCH_COUNT_LIMIT)

    @cached_property
    def counted(self):
        if isinstance(self.object_list, suppliers.Nearest):
            return self.object_list.count()
        return super().counted

    page = Paginator.page


@require_safe
@cached_page
def find_suppliers(request, code=None):
    """The supplier search; on a category's own page, within that category."""
    category = cpv.CATEGORY.get(code) if code else None
    if code and category is None:
        raise Http404("No such category")
    search = suppliers.SupplierSearch(request.GET, category=code)
    found = (
        Pledge.objects.none()
        if search.errors
        else search.found(Pledge.objects.all(), SEARCH_COUNT_LIMIT)
    )
    page = SupplierPaginator(found, SUPPLIERS_PER_PAGE).get_page(
        page_number(request.GET.get("page"))
    )
    if category:
        title = f"{category.label}: suppliers backing Lancashire"
    else:
        title = "Find a Lancashire supplier"
    response = render(
        request,
        "pledges/suppliers.html",
        {
            "title": title,
            "description": (
                f"Signatories of the Backing Lancashire pledge who supply "
                f"{category.label.lower()} (CPV {category.code})."
                if category
                else "Find an organisation backing Lancashire by what it supplies and how "
                "near it is."
            ),
            "category": category,
            "search": search,
            "page": page,
            "pages": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "results": suppliers.shown(page, search),
            "links": BuyingLink.objects.all(),
            "attribution": suppliers.ATTRIBUTION,
        },
    )
    if search.is_filtered():
        # Endless searches are for buyers; search engines have the category pages.
        response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
@limit_downloads
def suppliers_csv(request):
    """The search's results as a spreadsheet, for a buyer's shortlist: the same public
    fields, to the same limit as the pages."""
    search = suppliers.SupplierSearch(request.GET)
    if search.errors:
        return HttpResponseBadRequest(
            " ".join(error for errors in search.errors.values() for error in errors),
            content_type="text/plain; charset=utf-8",
        )
    found = search.found(Pledge.objects.all(), SEARCH_COUNT_LIMIT)[:SEARCH_COUNT_LIMIT]
    header, rows = suppliers.csv_table(found, search)
    response = HttpResponse("".join(csv_lines(header, rows)), content_type=CSV_TYPE)
    response["Content-Disposition"] = 'attachment; filename="backing-lancashire-suppliers.csv"'
    return response


@require_safe
@cached_page
def certificate(request, slug):
    pledge = get_object_or_404(Pledge.objects.for_public_display(), slug=slug)
    return render(
        request,
        "pledges/certificate.html",
        {"pledge": pledge, "title": f"Certificate: {pledge.name}"},
    )


def public_etag(request, *args, **kwargs):
    return freshness.version()


def export(name, chunks, content_type, download_as=None):
    """A whole export, from its file of this public version (made now if need be)."""
    stored = exports.stored(name, chunks)
    if stored is None:
        response = StreamingHttpResponse(chunks(), content_type=content_type)
    else:
        response = FileResponse(stored, content_type=content_type)
        del response["Content-Disposition"]  # FileResponse names the stored file
    if download_as:
        response["Content-Disposition"] = f'attachment; filename="{download_as}"'
    return response


@require_safe
@condition(etag_func=public_etag)
@limit_downloads
def open_csv(request):
    return export("signatories.csv", csv_chunks, CSV_TYPE, "backing-lancashire-signatories.csv")


def csv_chunks():
    # No slug (the URL has it), and each list in one cell.
    columns = [column for column in open_data.columns() if column.in_csv]
    lists = [(index, column.joined_by) for index, column in enumerate(columns) if column.joined_by]
    rows = (_joined(row, lists) for row in open_data.rows(columns))
    return csv_lines([c.name for c in columns], rows)


def _joined(row, lists):
    row = list(row)
    for index, joiner in lists:
        row[index] = joiner.join(row[index])
    return row


@require_safe
@condition(etag_func=public_etag)
@limit_downloads
def open_json(request):
    response = export("signatories.json", json_chunks, "application/json")
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


def json_chunks():
    head = {
        "title": "Backing Lancashire signatories",
        "source": settings.SITE_URL + "/signatories/",
        "licence": open_data.LICENCE,
        "licence_url": open_data.LICENCE_URL,
        "documentation": settings.SITE_URL + reverse("campaign:data"),
        "generated": timezone.now().isoformat(timespec="seconds"),
    }
    columns = open_data.columns()
    names = [column.name for column in columns]
    yield json.dumps(head)[:-1] + ', "signatories": ['
    count = 0
    for rows in batched(open_data.rows(columns), size=1000):
        records = (dict(zip(names, row, strict=True)) for row in rows)
        yield ("," if count else "") + ",".join(map(json.dumps, records))
        count += len(rows)
    # Counted as written, so it always matches the list, even mid-approval.
    yield f'], "count": {count}}}\n'


@require_safe
def logo(request, name):
    """A logo, only while its pledge is approved: withdrawn, rejected or not yet approved,
    it is a 404 at once (within the second each process remembers the public version).

    Browsers and proxies may keep it five minutes, no longer: an organisation that
    withdraws is off everyone's screens by then. The manage page and the admin, which
    show a logo whatever its pledge's status, have their own addresses.
    """
    if not STORED_NAME.fullmatch(name) or not logo_is_public(name):
        raise Http404
    response = logo_file(name)
    response["Cache-Control"] = "public, max-age=300"
    return response


def logo_is_public(name):
    """Whether an approved pledge shows this logo; answered once per public version."""
    version = freshness.version()
    key = f"logo:{version}:{name}"
    public = cache.get(key) if version else None
    if public is None:
        public = Pledge.objects.public().filter(logo=f"logos/{name}").exists()
        if version:
            cache.set(key, public, 86_400)
    return public


@require_safe
@private_page
def manage_logo(request, token, proposed=False):
    """The logo as its organisation sees it on the manage page, whatever the status, or
    the new one it proposed."""
    try:
        pledge = managed_pledge(token)
    except BadLink:
        raise Http404 from None
    if proposed:
        change = pledge.changes.filter(status=ProposedChange.Status.OPEN).first()
        logo = change.logo if change else None
    else:
        logo = pledge.logo
    if not logo:
        raise Http404
    return logo_file(logo.name.removeprefix("logos/"))


@require_http_methods(["GET", "POST"])
def report(request, slug):
    """A concern about a public listing, for moderators: nothing about it is public."""
    pledge = get_object_or_404(Pledge.objects.listed(), slug=slug)
    if request.method == "POST" and over_limit(request, "report-attempts", times=10):
        return too_many(request)
    if request.method == "GET":
        get_token(request)  # a CSRF secret for a new visitor, which the form is bound to
    visitor = request.META.get("CSRF_COOKIE", "")
    form = ReportForm(request.POST or None, visitor=visitor)
    if request.method == "POST" and form.is_valid():
        if form.looks_automated(settings.PLEDGE_MIN_FILL_SECONDS):
            log.info("Report refused as automated")  # the same answer: a bot learns nothing
            return redirect("pledges:report_sent", slug=slug)
        if over_limit(request, "report"):
            return too_many(request)
        form.save(pledge)
        return redirect("pledges:report_sent", slug=slug)
    response = render(
        request,
        "pledges/report.html",
        {"form": form, "pledge": pledge, "title": f"Report a concern about {pledge.name}"},
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def report_sent(request, slug):
    pledge = get_object_or_404(Pledge.objects.listed(), slug=slug)
    response = render(
        request, "pledges/report_sent.html", {"pledge": pledge, "title": "Thank you for telling us"}
    )
    response["X-Robots-Tag"] = "noindex"
    return response
