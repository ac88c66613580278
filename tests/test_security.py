import re

import pytest
from django.templatetags.static import static

from backing_lancashire.logs import HideTokens
from tests.conftest import PRODUCTION_ENV

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/",
    "/about/",
    "/social-value/",
    "/spend/",
    "/spend/figures.csv",
    "/get-involved/",
    "/privacy/",
    "/accessibility/",
    "/no-such-page/",
    "/pledge/",
    "/pledge/check-your-email/",
    "/pledge/resend/",
    "/pledge/resend/sent/",
    "/pledge/manage/",
    "/pledge/manage/sent/",
    "/pledge/withdrawn/",
    "/pledge/verify/not-a-token/",
    "/pledge/manage/not-a-token/",
    "/signatories/",
    "/signatories/?district=preston&q=x",
    "/signatories.csv",
    "/signatories.json",
    "/signatories/feed/",
    "/signatories/{slug}/",
    "/signatories/{slug}/certificate/",
    "/signatories/{slug}/badge.svg",
    "/media/logos/{logo}",
    "/sitemap.xml",
    "/sitemap-signatories.xml",
    "/robots.txt",
    "/healthz",
    "/admin/login/",
]


@pytest.mark.parametrize("url", PUBLIC)
def test_every_response_carries_the_security_headers(client, url, settings, approved):
    from django.core.files.base import ContentFile

    from tests.factories import image_bytes

    approved.logo.save("logo.png", ContentFile(image_bytes("PNG")))
    url = url.format(slug=approved.slug, logo=approved.logo.name.removeprefix("logos/"))
    response = client.get(url, secure=True)
    assert response.status_code in (200, 400, 404), response.status_code
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    # A page whose address holds a token passes on no address at all.
    private = url.startswith(("/pledge/verify/", "/pledge/manage/not-a-token/"))
    assert response["Referrer-Policy"] == ("no-referrer" if private else "same-origin")
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    if response.streaming:  # read to the end, which closes a file, as the server would
        b"".join(response.streaming_content)


@pytest.mark.parametrize(
    "url",
    [
        "/pledge/",
        "/pledge/resend/",
        "/pledge/manage/",
        "/pledge/manage/{token}/",
        "/signatories/{slug}/report/",
    ],
)
def test_each_form_sends_its_csrf_token_once(client, url, approved):
    from tests.test_manage import answers, manage_url

    # With a change waiting, the manage page has a second form, to withdraw it.
    client.post(manage_url(approved), answers(approved, statement="New words."))
    token = manage_url(approved).split("/")[-2]
    html = client.get(url.format(slug=approved.slug, token=token)).content.decode()
    forms = re.findall(r'<form method="post".*?</form>', html, re.S)
    assert forms
    for form in forms:
        assert form.count('name="csrfmiddlewaretoken"') == 1


def test_pages_load_nothing_from_other_sites_and_inline_nothing(client):
    html = client.get("/").content.decode()
    for tag in ("<script>", "<style", 'src="http', 'href="//', "style="):
        assert tag not in html
    assert all(src.startswith("/static/") for src in re.findall(r'<script src="([^"]+)"', html))


def test_static_files_are_hashed_compressed_and_cached_for_ever(client):
    url = static("css/site.css")
    assert url != "/static/css/site.css", "names must be hashed"
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]
    response.close()


def test_bootstrap_is_served_by_the_site_itself(client):
    url = static("bootstrap/bootstrap.min.css")
    assert url in client.get("/").content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"Bootstrap  v5.3" in b"".join(response.streaming_content)[:200]
    response.close()


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_settings(run_django):
    result = run_django(
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('check', '--deploy', fail_level='WARNING')\n",
        PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow
def test_check_deploy_warns_when_email_would_go_to_the_console(run_django):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "EMAIL_HOST"}
    result = run_django(
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('check', '--deploy', fail_level='WARNING')\n",
        env,
    )
    assert result.returncode == 1
    assert "backing_lancashire.W001" in result.stderr


@pytest.mark.slow
def test_production_settings_use_secure_cookies(run_django):
    result = run_django(
        "import django; django.setup()\n"
        "from django.conf import settings as s\n"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT)\n",
        PRODUCTION_ENV,
    )
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "True"]


@pytest.mark.slow
def test_start_up_refuses_a_missing_secret_key_in_one_line(run_django):
    result = run_django(
        "import django; django.setup()",
        {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""},
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Configuration error: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is 0 "
        "(run `make run` for a dev .env)."
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, value, message",
    [
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be 1 or 0, not 'maybe'."),
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT must be a whole number, not 'twenty-five'."),
    ],
)
def test_start_up_refuses_a_malformed_variable_in_one_line(run_django, name, value, message):
    env = {**PRODUCTION_ENV, "EMAIL_HOST": "127.0.0.1", name: value}
    result = run_django("import django; django.setup()", env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"Configuration error: {message}"]


def setting(run_django, expression, env):
    code = f"import django; django.setup()\nfrom django.conf import settings\nprint({expression})"
    return run_django(code, env).stdout.strip()


@pytest.mark.slow
def test_email_host_switches_to_smtp_in_any_mode(run_django):
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    for debug in ("0", "1"):
        env = {**PRODUCTION_ENV, "DJANGO_DEBUG": debug, "EMAIL_HOST": "mail.example"}
        assert setting(run_django, "settings.EMAIL_BACKEND", env) == smtp
    console = "django.core.mail.backends.console.EmailBackend"
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "EMAIL_HOST"}
    assert setting(run_django, "settings.EMAIL_BACKEND", env) == console


@pytest.mark.slow
def test_redis_url_switches_the_cache_to_redis(run_django):
    backend = "settings.CACHES['default']['BACKEND']"
    env = {**PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert setting(run_django, backend, env) == "django_redis.cache.RedisCache"
    # Without Redis, the database: shared by every process, as the public version must be.
    shared = "django.core.cache.backends.db.DatabaseCache"
    assert setting(run_django, backend, PRODUCTION_ENV) == shared


def test_emailed_tokens_never_reach_the_log(client, caplog):
    client.handler.enforce_csrf_checks = True
    client.post("/pledge/manage/SECRET-TOKEN-abc:123/withdraw/", {})
    client.post("/pledge/verify/ANOTHER-SECRET:xyz/", {})
    # caplog listens beside the console handler, so apply the handler's filter as it would.
    for record in caplog.records:
        HideTokens().filter(record)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "/pledge/manage/[token]/" in text
    assert "SECRET" not in text


def test_the_policy_built_once_is_the_one_django_csp_builds(rf):
    from csp.decorators import csp_update
    from csp.utils import build_policy
    from django.http import HttpResponse

    from backing_lancashire.middleware import CSPMiddleware

    middleware = CSPMiddleware(lambda request: HttpResponse("ok"))
    first = middleware(rf.get("/"))
    assert first["Content-Security-Policy"] == build_policy()
    assert middleware(rf.get("/"))["Content-Security-Policy"] == build_policy()

    # A view that changes the policy still gets django-csp's own handling.
    changed = CSPMiddleware(csp_update({"img-src": ["https://example.org"]})(
        lambda request: HttpResponse("ok")
    ))(rf.get("/"))  # fmt: skip
    assert "img-src 'self' data: https://example.org" in changed["Content-Security-Policy"]
