"""Content-Security-Policy on every page, satisfied by every page; idle sessions expire.

The policy allows only the portal's own files: no inline script or style, no eval, no CDN.
The browser tests walk the pages of each role in Chromium and fail on any violation the
browser reports, so a template that brings back an inline ``style=""`` or ``<script>`` fails
here before it reaches a clerk.
"""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from records import services
from records.models import Record
from records.services import postal_receive
from tests.helpers import (
    APPLICANT,
    PASSWORD,
    browser_log_in,
    confirm_action,
    local,
    receive,
    receive_through_new_record_form,
    shot,
)

ROOT = Path(__file__).resolve().parents[2]
HEADER = "Content-Security-Policy"


def policy(response) -> dict[str, list[str]]:
    """The response's CSP header as {directive: [sources]}."""
    assert HEADER in response, f"no {HEADER} on {response.request['PATH_INFO']}"
    directives = {}
    for part in response[HEADER].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


# Markup the policy blocks: inline scripts (a <script> without src that is not a JSON data
# block), <style> elements, style="" attributes and on…="" event handler attributes.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


def inline_code(html: str) -> list[str]:
    found = []
    for pattern in (INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER):
        found += [match.group(0) for match in pattern.finditer(html)]
    return found


# --- The header -------------------------------------------------------------------------------

PAGES = [
    (None, "/accounts/login/"),
    (None, "/directory/"),
    (None, "/directory/19753/"),
    ("clerk_a", "/"),
    ("clerk_a", "/records/"),
    ("clerk_a", "/records/new/"),
    ("post_staff_a", "/"),
    ("post_staff_a", "/post/intake/"),
    ("city_office", "/"),
    ("city_office", "/dashboard/"),
    ("city_office", "/api/docs/"),
    ("admin_user", "/admin/"),
    ("admin_user", "/admin/communes/commune/"),
    ("admin_user", "/admin/accounts/user/add/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "path"), PAGES)
def test_html_pages_carry_a_strict_policy_and_no_inline_code(client, request, who, path):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "unsafe-inline" not in response[HEADER]
    assert "unsafe-eval" not in response[HEADER]
    if not path.startswith("/admin/"):  # Django's admin templates are checked in the browser
        assert inline_code(response.content.decode()) == []


@pytest.mark.django_db
def test_error_pages_and_the_api_carry_the_policy(client, clerk_a):
    client.force_login(clerk_a)
    missing = client.get("/records/H57.19753-000000-0000/")
    assert missing.status_code == 404
    assert policy(missing)["script-src"] == ["'self'"]
    api = client.get("/api/v1/communes/")
    assert api.status_code == 200 and policy(api)["default-src"] == ["'self'"]


def test_server_error_page_has_no_inline_style():
    html = (ROOT / "templates" / "500.html").read_text(encoding="utf-8")
    assert inline_code(html) == []


TEMPLATE_COMMENT = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.S)


def test_templates_have_no_inline_script_style_or_handlers():
    """Every template of the project, including those no test renders."""
    offenders = {}
    for template in sorted((ROOT / "templates").rglob("*.html")):
        found = inline_code(TEMPLATE_COMMENT.sub("", template.read_text(encoding="utf-8")))
        if found:
            offenders[str(template.relative_to(ROOT))] = found
    assert offenders == {}


@pytest.mark.django_db
def test_swagger_ui_init_script_is_a_separate_same_origin_file(client, reference_data):
    page = client.get("/api/docs/")
    html = page.content.decode()
    assert '<script src="/api/docs/?script="></script>' in html
    assert "/static/css/api-docs.css" in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
    assert '"validatorUrl": null' in script.content.decode()  # no third-party badge image


def run_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    clean.update(env)
    code = "import hue_admin.settings as s; print(s.CONTENT_SECURITY_POLICY['DIRECTIVES'])"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_report_uri_is_optional_and_checked():
    assert "report-uri" not in run_settings().stdout
    result = run_settings(CSP_REPORT_URI="https://csp.hue.gov.vn/report")
    assert result.returncode == 0, result.stderr
    assert "'report-uri': 'https://csp.hue.gov.vn/report'" in result.stdout
    bad = run_settings(CSP_REPORT_URI="csp.hue.gov.vn")
    assert bad.returncode != 0
    assert "CSP_REPORT_URI='csp.hue.gov.vn' must be an http(s):// URL" in bad.stderr


# --- Idle sessions ------------------------------------------------------------------------------


class Clock:
    """timezone.now() under the test's control (sessions read it for their expiry)."""

    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock():
    clock = Clock()
    with mock.patch("django.utils.timezone.now", clock):
        yield clock


def log_in_with_form(client):
    response = client.post(reverse("accounts:login"), {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def logged_in(client):
    response = client.get("/")
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
        return False
    assert response.status_code == 200
    return True


@pytest.mark.django_db
def test_idle_session_expires(client, clerk_a, clock, settings):
    log_in_with_form(client)
    assert logged_in(client)
    clock.advance(settings.SESSION_COOKIE_AGE + 1)
    assert not logged_in(client)


@pytest.mark.django_db
def test_activity_keeps_the_session_alive(client, clerk_a, clock, settings):
    age = settings.SESSION_COOKIE_AGE
    log_in_with_form(client)
    # a clerk at work: a request every (age - 60 s), far longer than one age in all
    for _ in range(4):
        clock.advance(age - 60)
        assert logged_in(client)
    response = client.get("/records/")
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""  # ends with browser
    clock.advance(age + 1)
    assert not logged_in(client)


@pytest.mark.django_db
def test_expired_session_sends_htmx_updates_to_the_login_page(client, clerk_a, clock, settings):
    log_in_with_form(client)
    clock.advance(settings.SESSION_COOKIE_AGE + 1)
    htmx = {
        "HTTP_HX_REQUEST": "true",
        "HTTP_HX_CURRENT_URL": "http://testserver/records/new/",
    }
    response = client.get("/records/new/due-preview/", {"procedure": "ho-tich-khai-tu"}, **htmx)
    # a full-page visit to the login page, then back to the form, not a fragment swap
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Frecords%2Fnew%2F"
    assert response.content == b""
    # a logged-in htmx update is untouched
    log_in_with_form(client)
    preview = client.get("/records/new/due-preview/", {"procedure": "ho-tich-khai-tu"}, **htmx)
    assert preview.status_code == 200 and "HX-Redirect" not in preview


def test_idle_timeout_default_is_half_an_hour():
    from django.conf import settings

    # settings_test does not change it; .env.example documents the same value
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert "SESSION_COOKIE_AGE=1800" in (ROOT / ".env.example").read_text(encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", "import hue_admin.settings as s; print(s.SESSION_COOKIE_AGE)"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "1800", result.stderr


# --- In the browser: zero violations ------------------------------------------------------------

WATCH_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation({
    page: location.pathname + location.search,
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
"""


@pytest.fixture
def violations(page):
    """Every CSP violation Chromium reports in this page, across navigations."""
    found = []
    page.context.expose_binding("__cspViolation", lambda source, report: found.append(report))
    page.context.add_init_script(WATCH_VIOLATIONS)

    def on_console(message):
        if "Content Security Policy" in message.text:
            found.append({"page": page.url, "console": message.text})

    page.on("console", on_console)
    return found


def settle(page):
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_browser_enforces_the_policy_and_the_watch_reports(
    page, live_server, reference_data, violations
):
    """The canary for the tests below: an inline style is refused and reported."""
    page.goto(live_server.url + "/accounts/login/")
    page.evaluate(
        "() => document.body.insertAdjacentHTML("
        "'beforeend', '<p id=canary style=\"color: rgb(255, 0, 0)\">x</p>')"
    )
    for _ in range(50):  # the console message and the event arrive independently
        if {"console", "directive"} <= {key for report in violations for key in report}:
            break
        page.wait_for_timeout(100)
    assert any("Content Security Policy" in report.get("console", "") for report in violations)
    assert any(report.get("directive", "").startswith("style-src") for report in violations)
    color = page.locator("#canary").evaluate("e => getComputedStyle(e).color")
    assert color != "rgb(255, 0, 0)"


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_and_clerk_pages_satisfy_the_policy(page, live_server, clerk_a, violations):
    page.goto(live_server.url + "/directory/")
    assert page.locator("tbody tr").count() == 40
    page.get_by_role("button", name="EN").click()  # the language switch posts a form
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="VI").click()
    page.goto(live_server.url + "/directory/19753/")
    assert page.locator("tbody tr").count() >= 2

    browser_log_in(page, live_server, "clerk_a")
    assert page.get_by_role("heading", level=1).inner_text() == "Phường Phú Xuân"
    page.goto(live_server.url + "/records/")
    settle(page)

    # the new record form with its htmx procedure search and appointment preview
    page.goto(live_server.url + "/records/new/")
    code = receive_through_new_record_form(page)

    # the printable receipt slip, then the record with an action confirmed
    assert Record.objects.filter(code=code).exists()
    settle(page)
    page.get_by_role("link", name="← Quay lại hồ sơ").click()
    confirm_action(page, "Chuyển xử lý")
    page.locator("summary", has_text="Yêu cầu bổ sung").click()  # an action's inputs open
    assert page.locator("details[open] form [name=reason]").is_visible()
    page.goto(f"{live_server.url}/records/{code}/control/")
    assert "Chuyển xử lý" in page.locator("main").inner_text()
    settle(page)
    shot(page, "csp-control-slip")

    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/accounts/login/")
    settle(page)
    assert violations == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_post_staff_pages_satisfy_the_policy(page, live_server, post_staff_a, violations):
    record = postal_receive(actor=post_staff_a, procedure="ho-tich-khai-tu", applicant=APPLICANT)
    browser_log_in(page, live_server, "post_a")
    assert post_staff_a.agent_point.name in page.get_by_role("heading", level=1).inner_text()
    settle(page)

    page.get_by_role("link", name="+ Tiếp nhận qua bưu chính").click()
    page.get_by_label("Tìm thủ tục").fill("khai tu")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#id_procedure option')]"
        ".some(o => o.value === 'ho-tich-khai-tu')"
    )
    settle(page)

    page.goto(f"{live_server.url}/post/records/{record.code}/")
    confirm_action(page, "Số hóa hồ sơ")
    settle(page)
    assert violations == []


@pytest.fixture
def july(clerk_a, unit_a):
    """A few records of the reference period, so that the charts have bars and a line."""
    first = receive(clerk_a, unit_a, channel=2, received_at=local(2025, 7, 1, 9, 0))
    services.record_resolve(record=first, actor=clerk_a, at=local(2025, 7, 2, 9, 0))
    receive(clerk_a, unit_a, received_at=local(2025, 7, 3, 9, 0))
    receive(clerk_a, unit_a, received_at=local(2025, 7, 7, 9, 0))
    call_command("compute_stats", "--from", "2025-07-01", "--to", "2025-07-11", verbosity=0)


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_and_api_docs_satisfy_the_policy(
    page, live_server, city_office, july, violations
):
    browser_log_in(page, live_server, "city")
    page.goto(live_server.url + "/dashboard/?date_from=2025-07-01&date_to=2025-07-11")
    assert page.get_by_test_id("card-received").inner_text().startswith("3")
    charts = page.locator("svg.chart")
    assert charts.count() == 2
    assert charts.first.locator("rect").count() > 0
    assert charts.nth(1).locator("circle").count() > 0
    # the charts are drawn by the stylesheet: bars and the line have their colours
    fill = charts.first.locator("rect").first.evaluate("e => getComputedStyle(e).fill")
    assert fill.startswith("rgb(")
    settle(page)

    # Swagger UI renders the operations and runs one ("Try it out", "Execute")
    page.goto(live_server.url + "/api/docs/")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() > 20
    operation = page.locator("[id$='-v1_communes_list']")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    settle(page)
    shot(page, "csp-api-docs")
    assert violations == []


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_pages_satisfy_the_policy(page, live_server, admin_user, violations):
    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill("root")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(live_server.url + "/admin/")
    settle(page)
    for path in [
        "/admin/communes/commune/",
        "/admin/communes/commune/?q=phu+xuan",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{admin_user.pk}/change/",
        "/admin/records/calendarday/add/",
        "/admin/agent_points/agentpoint/",
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        settle(page)
    # the admin's JavaScript: date shortcuts and calendar, autocomplete, the permission picker
    page.goto(live_server.url + "/admin/records/calendarday/add/")
    page.locator(".datetimeshortcuts a", has_text="Hôm nay").click()
    assert page.locator("#id_date").input_value() != ""
    page.locator("#calendarlink0").click()
    assert page.locator("#calendarbox0").is_visible()
    page.goto(f"{live_server.url}/admin/accounts/user/{admin_user.pk}/change/")
    page.locator("#id_commune + .select2 .select2-selection").click()
    page.locator(".select2-results__option", has_text="Phú Xuân").first.wait_for()
    page.keyboard.press("Escape")
    assert page.locator("#id_user_permissions_from").is_visible()  # the two-list picker
    page.goto(live_server.url + "/admin/communes/commune/")
    page.locator("#result_list tbody tr").first.locator("a").first.click()
    settle(page)
    assert violations == []
