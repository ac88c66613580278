import pytest

from tests.conftest import PRODUCTION_ENV


@pytest.mark.django_db
def test_healthz_says_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.slow  # a process of its own
@pytest.mark.parametrize(
    "database_url",
    [
        "postgres://postgres@127.0.0.1:1/backing_lancashire",  # nothing listens on port 1
        "sqlite:////nonexistent-folder/db.sqlite3",
    ],
)
def test_healthz_says_503_when_the_database_is_unreachable(run_django, database_url):
    # A separate process, so the unreachable database is real and the test's own is untouched.
    result = run_django(
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/healthz', HTTP_HOST='backinglancashire.example', secure=True)\n"
        "print(r.status_code, r.content.decode().strip())\n",
        {**PRODUCTION_ENV, "DATABASE_URL": database_url},
    )
    assert result.stdout.strip() == "503 database unavailable", result.stderr
    assert "Health check: the database did not answer" in result.stderr
