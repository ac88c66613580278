"""A visitor without a browser: plain HTTP with cookies, CSRF tokens and form posts.

Used by the soak (bench/soak.py) and by the tests that run real servers.
"""

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie

from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """A person with a browser's cookies, minus the browser: plain HTTP to any server."""

    def __init__(self):
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, url, data=None, files=False, headers=None):
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        body = None
        if data is not None:
            if files:
                body = encode_multipart(BOUNDARY, data)
                headers["Content-Type"] = MULTIPART_CONTENT
            else:
                body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                result = Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            result = Response(error.code, error.headers, error.read())
        # The cookies are Secure, which a jar would keep off plain HTTP: keep them by hand.
        for header in result.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return result

    def get(self, url):
        return self.request(url)

    def post_form(self, url, data, files=False):
        """Open the form at `url`, then send it with its CSRF token and `data`."""
        page = self.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return self.request(url, {"csrfmiddlewaretoken": token, **data}, files=files)
