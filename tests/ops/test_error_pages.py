"""Error pages (403, 404, 429, 500) in the portal's layout and language, with a way back; the
API keeps its JSON errors; an ordinary refusal logs one line, a real failure its traceback."""

import logging

import pytest
from django.test import Client

from tests.helpers import PASSWORD

RECORD_MISSING = "/records/H57.19753-000000-0000/"
FAILS = "/test-only/fails/"


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def switch_to_english(client):
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302


def assert_layout(html, language):
    """The portal's layout: top bar with the menu and the VI/EN switch, in ``language``."""
    assert f'<html lang="{language}">' in html
    assert '<nav class="nav"' in html
    assert '<form class="lang" action="/i18n/setlang/" method="post">' in html
    assert 'name="language" value="vi"' in html and 'name="language" value="en"' in html
    assert '<footer class="footer">' in html


def locked_out(client, username):
    for _ in range(5):
        client.post("/accounts/login/", {"username": username, "password": "wrong"})
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


@pytest.mark.django_db
def test_403_page_is_in_the_layout_in_vietnamese_then_english(client, leader_a):
    client.force_login(leader_a)
    response = client.get("/records/new/")
    assert response.status_code == 403
    html = response.content.decode()
    assert_layout(html, "vi")
    assert "<h1>Không có quyền truy cập</h1>" in html
    assert "Tài khoản của bạn không được phép mở trang này." in html
    assert '<a href="/">Trang chủ</a>' in html  # the menu of a logged-in user
    assert '<a class="btn" href="/">Về trang chủ</a>' in html
    assert "403 Forbidden" not in html

    switch_to_english(client)
    html = client.get("/records/new/").content.decode()
    assert_layout(html, "en")
    assert "<h1>Access denied</h1>" in html
    assert "Your account may not open this page." in html
    assert '<a class="btn" href="/">Back to the home page</a>' in html


@pytest.mark.django_db
def test_403_for_an_expired_form_is_in_the_layout_with_what_to_do(clerk_a):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert_layout(html, "vi")
    assert "<h1>Không có quyền truy cập</h1>" in html
    assert "Biểu mẫu đã hết hạn hoặc trình duyệt đã chặn cookie bảo mật của cổng." in html
    assert "CSRF" not in html


@pytest.mark.django_db
def test_404_page_is_in_the_layout_with_a_login_link_when_anonymous(client, clerk_a):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_layout(html, "vi")
    assert "<h1>Không tìm thấy trang</h1>" in html
    assert '<a class="btn" href="/accounts/login/?next=/no-such-page/">Đăng nhập</a>' in html

    client.force_login(clerk_a)
    switch_to_english(client)
    html = client.get(RECORD_MISSING).content.decode()
    assert_layout(html, "en")
    assert "<h1>Page not found</h1>" in html
    assert '<a class="btn" href="/">Back to the home page</a>' in html
    assert "/accounts/login/?next=" not in html


@pytest.mark.django_db
def test_429_lockout_page_is_in_the_layout_in_vietnamese_then_english(client, clerk_a):
    response = locked_out(client, clerk_a.username)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    html = response.content.decode()
    assert_layout(html, "vi")
    assert "<h1>Đăng nhập bị khóa</h1>" in html
    assert "thử lại sau 15 phút" in html
    assert '<a class="btn" href="/accounts/login/">Về trang đăng nhập</a>' in html

    switch_to_english(client)
    html = locked_out(client, clerk_a.username).content.decode()
    assert_layout(html, "en")
    assert "<h1>Login locked</h1>" in html
    assert "Try again in 15 minutes" in html
    assert '<a class="btn" href="/accounts/login/">Back to the login page</a>' in html


@pytest.mark.django_db
@pytest.mark.urls("tests.ops.error_urls")
def test_500_page_is_in_the_layout_when_rendering_fails_midway(clerk_a):
    client = Client(raise_request_exception=False)
    client.force_login(clerk_a)
    response = client.get(FAILS)
    assert response.status_code == 500
    html = response.content.decode()
    assert_layout(html, "vi")
    assert "<h1>Đã xảy ra lỗi hệ thống</h1>" in html
    assert "Dữ liệu của bạn không bị thay đổi. Vui lòng thử lại sau ít phút." in html
    assert '<a class="btn" href="/">Về trang chủ</a>' in html
    assert "failure in the middle of rendering" not in html

    switch_to_english(client)
    html = client.get(FAILS).content.decode()
    assert_layout(html, "en")
    assert "<h1>A server error occurred</h1>" in html
    assert "Nothing was changed. Please try again in a few minutes." in html
    assert '<a class="btn" href="/">Back to the home page</a>' in html


@pytest.mark.django_db
@pytest.mark.urls("tests.ops.error_urls")
def test_500_page_falls_back_to_plain_text_when_the_layout_itself_fails(
    clerk_a, settings, tmp_path
):
    (tmp_path / "500.html").write_text("{% url 'no-such-page' %}", encoding="utf-8")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    client = Client(raise_request_exception=False)
    client.force_login(clerk_a)
    response = client.get(FAILS)
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Đã xảy ra lỗi hệ thống</h1>" in html
    assert "A server error occurred. Nothing was changed." in html


@pytest.mark.django_db
@pytest.mark.urls("tests.ops.error_urls")
def test_api_errors_stay_json(client, clerk_a):
    client.force_login(clerk_a)
    missing = client.get("/api/v1/no-such-endpoint/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not found."}
    refused = client.get("/api/v1/stats/daily/?commune=19942")
    assert refused.status_code == 403
    assert list(refused.json()) == ["detail"]


@pytest.fixture
def request_log(caplog):
    """What ``django.request`` logs (the ``django`` logger does not propagate to the root)."""
    logger = logging.getLogger("django.request")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="django.request")
    yield caplog
    logger.removeHandler(caplog.handler)


@pytest.mark.django_db
@pytest.mark.urls("tests.ops.error_urls")
def test_refusals_log_no_traceback_while_a_failure_does(request_log, leader_a):
    client = Client(raise_request_exception=False)
    client.force_login(leader_a)
    assert client.get("/records/new/").status_code == 403
    assert client.get(RECORD_MISSING).status_code == 404
    refusals = [(r.levelname, r.getMessage(), r.exc_info) for r in request_log.records]
    assert refusals == [
        ("WARNING", "Forbidden (Permission denied): /records/new/", None),
        ("WARNING", "Not Found: /records/H57.19753-000000-0000/", None),
    ]
    assert "Traceback" not in request_log.text

    request_log.clear()
    assert client.get(FAILS).status_code == 500
    [failure] = request_log.records
    assert (failure.levelname, failure.getMessage()) == ("ERROR", "Internal Server Error: " + FAILS)
    assert failure.exc_info[0] is RuntimeError
    assert "RuntimeError: failure in the middle of rendering" in request_log.text
