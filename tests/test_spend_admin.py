"""Staff import spending files and keep the supplier register in the admin."""

import os
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from campaign.models import Payment, Publisher, SpendImport, Supplier
from campaign.spending import uploads
from campaign.spending.imports import File, save
from pledges.models import Pledge
from tests.conftest import load_postcodes
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

UPLOAD = "/admin/campaign/spendimport/upload/"
HEADER = (
    "Transaction Date,Supplier Name,Net Amount,Expense Type,Transaction Reference,Supplier Postcode"
)


def upload_file(name, *lines, header=HEADER):
    return SimpleUploadedFile(
        name, (header + "\r\n" + "".join(line + "\r\n" for line in lines)).encode(), "text/csv"
    )


@pytest.fixture
def places():
    load_postcodes("PR1", "LA1", "M1")


@pytest.fixture
def spending_client(client, django_user_model):
    """A member of staff in the Spending group, signed in."""
    user = django_user_model.objects.create_user("spend", "spend@opcc.example", "x", is_staff=True)
    user.groups.add(Group.objects.get(name="Spending"))
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def preview(client, *files, publisher="", new="Lancashire Constabulary"):
    return client.post(UPLOAD, {"publisher": publisher, "new_publisher": new, "files": list(files)})


def hidden(html, name):
    start = html.index(f'name="{name}" value="') + len(f'name="{name}" value="')
    return html[start : html.index('"', start)]


def test_upload_preview_then_confirm(spending_client, places):
    response = preview(
        spending_client,
        upload_file(
            "april.csv",
            "01/04/2025,Lune Cleaning,800.00,Cleaning,A1,LA1 1AA",
            "31/02/2025,Bad Date Ltd,500,Goods,A2,",
        ),
        upload_file("may.csv", "01/05/2025,Pennine Print,1200.00,Printing,B1,"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing has been imported yet" in html
    assert "Line 3: the date “31/02/2025” does not exist" in html
    assert "April 2025" in html and "£800" in html
    assert SpendImport.objects.count() == Payment.objects.count() == 0
    response = spending_client.post(
        UPLOAD,
        {
            "step": "import",
            "reference": hidden(html, "reference"),
        },
    )
    assert response.status_code == 302
    assert SpendImport.objects.count() == 2
    assert Supplier.objects.get(name="Lune Cleaning").area == "lancashire"
    listing = spending_client.get(response["Location"]).content.decode()
    assert "Imported 2 files: 2 new payments, 0 already imported." in listing


def test_cancel_imports_nothing_and_forgets_the_files(spending_client, settings):
    html = preview(
        spending_client, upload_file("a.csv", "01/04/2025,X Ltd,800,Goods,A1,")
    ).content.decode()
    reference = hidden(html, "reference")
    response = spending_client.post(UPLOAD, {"step": "cancel", "reference": reference})
    assert response.status_code == 302 and SpendImport.objects.count() == 0
    again = spending_client.post(UPLOAD, {"step": "import", "reference": reference})
    assert again.status_code == 302 and SpendImport.objects.count() == 0
    assert "no longer waiting" in spending_client.get(again["Location"]).content.decode()


@pytest.mark.parametrize("reference", ["", "forged", "x" * 5000])
def test_a_forged_reference_imports_nothing(spending_client, reference):
    publisher = Publisher.objects.create(name="P")
    response = spending_client.post(
        UPLOAD, {"step": "import", "reference": reference, "publisher": publisher.pk}
    )
    assert response.status_code == 302 and SpendImport.objects.count() == 0


def test_another_members_upload_cannot_be_imported(spending_client, django_user_model, client):
    html = preview(
        spending_client, upload_file("a.csv", "01/04/2025,X Ltd,800,Goods,A1,")
    ).content.decode()
    other = django_user_model.objects.create_superuser("boss", "boss@opcc.example", "x")
    spending_client.force_login(other, backend="django.contrib.auth.backends.ModelBackend")
    spending_client.post(
        UPLOAD,
        {
            "step": "import",
            "reference": hidden(html, "reference"),
        },
    )
    assert SpendImport.objects.count() == 0


def test_unknown_headings_are_mapped_once_and_remembered(spending_client, places):
    odd = ("When,Who,How Much,What", "01/04/2025,Lune Cleaning,800.00,Cleaning")
    html = preview(spending_client, upload_file("odd.csv", odd[1], header=odd[0])).content.decode()
    assert "Which column is which in odd.csv?" in html
    assert "A file that cannot be read stops the import" in html
    reference = hidden(html, "reference")
    wrong = spending_client.post(
        UPLOAD,
        {"step": "map", "reference": reference, "column-date": "When"},
    ).content.decode()
    assert "Choose which column holds the supplier name." in wrong
    twice = spending_client.post(
        UPLOAD,
        {
            "step": "map",
            "reference": reference,
            "column-date": "When",
            "column-supplier": "When",
            "column-amount": "How Much",
        },
    ).content.decode()
    assert "Choose each heading for one column only." in twice
    html = spending_client.post(
        UPLOAD,
        {
            "step": "map",
            "reference": reference,
            "column-date": "When",
            "column-supplier": "Who",
            "column-amount": "How Much",
            "column-expense_type": "What",
        },
    ).content.decode()
    assert "Which column is which" not in html and "£800" in html
    assert Publisher.objects.get().columns == {
        "date": "When",
        "supplier": "Who",
        "amount": "How Much",
        "expense_type": "What",
    }
    # The next file from this publisher is read at once.
    html = preview(
        spending_client,
        upload_file("next.csv", "01/05/2025,Lune Cleaning,50.00,Cleaning", header=odd[0]),
        publisher=Publisher.objects.get().pk,
        new="",
    ).content.decode()
    assert "Which column is which" not in html and "£50" in html


@pytest.mark.parametrize(
    "data, message",
    [
        ({"new_publisher": "P"}, "Choose one or more spending files (CSV)."),
        ({"files": "x"}, "Choose whose spending these files are, or name them."),
    ],
)
def test_an_upload_form_with_a_mistake_says_so_beside_the_field(spending_client, data, message):
    if data.get("files"):
        data = {"files": [upload_file("a.csv", "01/04/2025,X,1,G,A,")]}
    html = spending_client.post(UPLOAD, data).content.decode()
    assert message in html and SpendImport.objects.count() == 0


def test_a_publisher_chosen_and_named_at_once_is_a_mistake(spending_client):
    publisher = Publisher.objects.create(name="P")
    html = preview(
        spending_client,
        upload_file("a.csv", "01/04/2025,X,1,G,A,"),
        publisher=publisher.pk,
        new="Q",
    ).content.decode()
    assert "Choose a publisher or name a new one, not both." in html


def test_moderators_and_anonymous_visitors_cannot_upload(mod_client):
    assert mod_client.get(UPLOAD).status_code == 403
    assert Client().get(UPLOAD).status_code == 302  # to the sign-in page


def test_a_large_upload_is_for_signed_in_staff_only(spending_client):
    body = b"x" * 3_000_000
    headers = {"CONTENT_TYPE": "application/octet-stream"}
    assert Client().generic("POST", UPLOAD, body, **headers).status_code == 413
    assert spending_client.generic("POST", UPLOAD, body, **headers).status_code != 413
    assert spending_client.generic("POST", "/pledge/", body, **headers).status_code == 413


def test_the_queue_lists_unlocated_suppliers_by_spend_and_takes_postcodes(spending_client, places):
    save(
        Publisher(name="P"),
        [
            File(
                "a.csv",
                (
                    HEADER
                    + "\r\n01/04/2025,Small Ltd,600,G,A1,\r\n01/04/2025,Big Ltd,9000,G,A2,\r\n"
                    "01/04/2025,Placed Ltd,700,G,A3,PR1 2AB\r\n"
                ).encode(),
            )
        ],
    )
    html = spending_client.get("/admin/campaign/supplier/?located=no").content.decode()
    assert html.index("Big Ltd") < html.index("Small Ltd") and "Placed Ltd" not in html
    assert "Located: £700 of £10,300 spent, 6.8%" in html
    big = Supplier.objects.get(name="Big Ltd")
    response = spending_client.post(
        f"/admin/campaign/supplier/{big.pk}/change/",
        {"name": "Big Ltd", "kind": "business", "postcode": "m11ae", "companies_house_number": ""},
    )
    assert response.status_code == 302
    big.refresh_from_db()
    assert (big.postcode, big.area) == ("M1 1AE", "north-west")
    bad = spending_client.post(
        f"/admin/campaign/supplier/{big.pk}/change/",
        {
            "name": "Big Ltd",
            "kind": "business",
            "postcode": "PR1 9ZZ",
            "companies_house_number": "",
        },
    ).content.decode()
    assert "We cannot find that postcode in the ONS Postcode Directory" in bad


def test_the_queue_puts_the_largest_spend_first_whatever_the_names(spending_client):
    save(
        Publisher(name="P"),
        [
            File(
                "a.csv",
                (
                    HEADER + "\r\n01/04/2025,Aardvark Ltd,600,G,A1,\r\n"
                    "01/04/2025,Zed Ltd,9000,G,A2,\r\n01/04/2025,Middling Ltd,2000,G,A3,\r\n"
                ).encode(),
            )
        ],
    )
    html = spending_client.get("/admin/campaign/supplier/?located=no").content.decode()
    assert html.index("Zed Ltd") < html.index("Middling Ltd") < html.index("Aardvark Ltd")
    # A column heading still sorts the list as asked.
    by_name = spending_client.get("/admin/campaign/supplier/?located=no&o=1").content.decode()
    assert by_name.index("Aardvark Ltd") < by_name.index("Middling Ltd") < by_name.index("Zed")


def queue_row(supplier, postcode):
    """The supplier list's form, saved with one row's postcode typed in."""
    return {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(supplier.pk),
        "form-0-postcode": postcode,
        "form-0-kind": supplier.kind,
        "_save": "Save",
    }


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12345", "Enter a real UK postcode, like PR1 2AB."),
        ("PR1 9ZZ", "We cannot find that postcode in the ONS Postcode Directory"),
    ],
)
def test_the_queue_checks_a_postcode_typed_in_the_list(spending_client, places, typed, message):
    big = Supplier.objects.create(name="Big Ltd")
    response = spending_client.post("/admin/campaign/supplier/?located=no", queue_row(big, typed))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-label="Postcode of Big Ltd"' in html
    big.refresh_from_db()
    assert (big.postcode, big.area) == ("", "")


def test_the_queue_locates_a_supplier_from_a_postcode_typed_in_the_list(spending_client, places):
    big = Supplier.objects.create(name="Big Ltd")
    response = spending_client.post("/admin/campaign/supplier/?located=no", queue_row(big, "m11ae"))
    assert response.status_code == 302
    big.refresh_from_db()
    assert (big.postcode, big.area) == ("M1 1AE", "north-west")


def test_staff_merge_two_suppliers_after_choosing_the_one_to_keep(spending_client, places):
    save(
        Publisher(name="P"),
        [
            File(
                "a.csv",
                (
                    HEADER
                    + "\r\n01/04/2025,Ribble Motors,600,G,A1,\r\n"
                    + "01/04/2025,Ribble Motor Co,900,G,A2,\r\n"
                ).encode(),
            )
        ],
    )
    ids = list(Supplier.objects.values_list("pk", flat=True))
    url = "/admin/campaign/supplier/"
    html = spending_client.post(url, {"action": "merge", "_selected_action": ids}).content.decode()
    assert "Keep which name?" in html and Supplier.objects.count() == 2
    keep = Supplier.objects.get(name="Ribble Motor Co")
    spending_client.post(url, {"action": "merge", "_selected_action": ids, "keep": keep.pk})
    assert list(Supplier.objects.all()) == [keep] and keep.payments.count() == 2


def test_supplier_postcodes_are_imported_from_a_list(spending_client, places):
    save(
        Publisher(name="P"),
        [File("a.csv", (HEADER + "\r\n01/04/2025,Lune Cleaning,600,G,A1,\r\n").encode())],
    )
    url = "/admin/campaign/supplier/postcodes/"
    bad = spending_client.post(
        url, {"file": SimpleUploadedFile("p.csv", b"Name,Postcode\r\nLune Cleaning,ZZ\r\n")}
    )
    assert "Line 2: Lune Cleaning, “ZZ”: Enter a real UK postcode" in bad.content.decode()
    good = spending_client.post(
        url, {"file": SimpleUploadedFile("p.csv", b"Name,Postcode\r\nLune Cleaning,LA1 1AA\r\n")}
    )
    assert good.status_code == 302
    assert Supplier.objects.get().area == "lancashire"


def test_abandoned_uploads_are_purged_after_a_day(spending_client, settings):
    preview(spending_client, upload_file("a.csv", "01/04/2025,X Ltd,800,Goods,A1,"))
    [batch] = default_storage.listdir(uploads.PENDING)[0]
    assert uploads.purge(timezone.now()) == 0
    # A day and more later, the next upload deletes it.
    old = (timezone.now() - timedelta(days=2)).timestamp()
    for name in default_storage.listdir(uploads.PENDING + batch)[1]:
        os.utime(default_storage.path(f"{uploads.PENDING}{batch}/{name}"), (old, old))
    preview(spending_client, upload_file("b.csv", "01/04/2025,X Ltd,800,Goods,A1,"))
    assert default_storage.listdir(uploads.PENDING + batch)[1] == []
    assert len(default_storage.listdir(uploads.PENDING)[0]) == 2  # the emptied folder stays
    assert uploads.purge(timezone.now()) == 0


def test_a_publisher_in_the_form_is_not_the_one_the_files_are_imported_for(spending_client):
    html = preview(
        spending_client, upload_file("a.csv", "01/04/2025,X Ltd,800,Goods,A1,")
    ).content.decode()
    other = Publisher.objects.create(name="Someone Else")
    for publisher in ["abc", other.pk, "-1"]:
        response = spending_client.post(
            UPLOAD,
            {"step": "import", "reference": hidden(html, "reference"), "publisher": publisher},
        )
        assert response.status_code == 302
    # Imported once, for the publisher it was uploaded for; the rest found nothing waiting.
    assert [i.publisher.name for i in SpendImport.objects.all()] == ["Lancashire Constabulary"]


def test_moderators_cannot_post_to_the_upload_nor_send_it_a_large_body(mod_client):
    assert mod_client.post(UPLOAD, {"new_publisher": "P"}).status_code == 403
    assert mod_client.post(UPLOAD, {"step": "import", "reference": "x"}).status_code == 403
    body = b"x" * 3_000_000
    response = mod_client.generic("POST", UPLOAD, body, CONTENT_TYPE="application/octet-stream")
    assert response.status_code == 413
    assert "Spending files can be up to 100 MB at once" in response.content.decode()


def test_a_mapping_that_reads_no_line_is_not_remembered(spending_client, places):
    odd = ("When,Who,How Much", "01/04/2025,Lune Cleaning,800.00")
    html = preview(spending_client, upload_file("odd.csv", odd[1], header=odd[0])).content.decode()
    wrong = spending_client.post(
        UPLOAD,
        {
            "step": "map",
            "reference": hidden(html, "reference"),
            "column-date": "Who",
            "column-supplier": "When",
            "column-amount": "How Much",
        },
    ).content.decode()
    assert "With these columns no line of odd.csv could be read" in wrong
    assert Publisher.objects.get().columns == {}


def test_staff_forget_a_publishers_column_names(spending_client):
    publisher = Publisher.objects.create(name="P", columns={"date": "When"})
    spending_client.post(
        "/admin/campaign/publisher/",
        {"action": "forget_columns", "_selected_action": [publisher.pk]},
    )
    publisher.refresh_from_db()
    assert publisher.columns == {}


def test_files_with_nothing_new_offer_no_import(spending_client, places):
    file = ("a.csv", "01/04/2025,Lune Cleaning,800.00,Cleaning,A1,")
    html = preview(spending_client, upload_file(*file)).content.decode()
    spending_client.post(UPLOAD, {"step": "import", "reference": hidden(html, "reference")})
    again = preview(spending_client, upload_file(*file)).content.decode()
    assert "Nothing new to import" in again and 'value="import"' not in again


def test_searching_by_spelling_counts_each_payment_once(spending_client, places):
    save(
        Publisher(name="P"),
        [
            File(
                "a.csv",
                (
                    HEADER + "\r\n01/04/2025,Ribble Motors,600,G,A1,\r\n"
                    "01/04/2025,RIBBLE MOTORS LIMITED,900,G,A2,\r\n"
                ).encode(),
            )
        ],
    )
    html = spending_client.get("/admin/campaign/supplier/?q=ribble").content.decode()
    assert "£1,500" in html and "£3,000" not in html


def test_a_match_staff_clear_is_never_made_again(spending_client, places):
    pledge = make_pledge(Pledge.Status.APPROVED, name="Lune Cleaning")
    save(
        Publisher(name="P"),
        [File("a.csv", (HEADER + "\r\n01/04/2025,Lune Cleaning,600,G,A1,\r\n").encode())],
    )
    lune = Supplier.objects.get()
    assert lune.pledge == pledge
    fields = {
        "name": "Lune Cleaning",
        "kind": "business",
        "postcode": "",
        "companies_house_number": "",
        "pledge": "",
    }
    assert (
        spending_client.post(f"/admin/campaign/supplier/{lune.pk}/change/", fields).status_code
        == 302
    )
    lune.refresh_from_db()
    assert (lune.pledge, lune.not_signatory, lune.area) == (None, True, "")
    save(
        Publisher.objects.get(),
        [File("b.csv", (HEADER + "\r\n01/05/2025,Lune Cleaning,600,G,B1,\r\n").encode())],
    )
    lune.refresh_from_db()
    assert lune.pledge is None
