import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Role, User
from accounts.scoping import scope_for_user
from agent_points.models import AgentPoint
from tests.helpers import PASSWORD, UNIT_A

pytestmark = pytest.mark.django_db

ROLE_FIXTURES = ["clerk_a", "leader_a", "post_staff_a", "city_office", "admin_user"]


@pytest.mark.parametrize("fixture", ROLE_FIXTURES)
def test_login_per_role_lands_on_home_with_role_and_workplace(client, request, fixture):
    user = request.getfixturevalue(fixture)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert home.context["user"] == user
    page = home.content.decode()
    assert user.get_role_display() in page
    if user.workplace is not None:
        assert str(user.workplace) in page


def test_login_page_is_vietnamese_by_default(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page
    assert "Tên đăng nhập" in page and "Mật khẩu" in page


def test_login_wrong_password_shows_error_in_vietnamese(client, clerk_a):
    response = client.post(reverse("accounts:login"), {"username": "clerk_a", "password": "wrong"})
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_language_switch_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in page
    assert "Username" in page


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_logout_is_a_post(client, clerk_a):
    client.force_login(clerk_a)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_navigation_by_role(client, clerk_a, city_office):
    admin_link = f'href="{reverse("admin:index")}"'
    client.force_login(clerk_a)
    assert admin_link not in client.get(reverse("home")).content.decode()
    client.force_login(city_office)
    assert admin_link in client.get(reverse("home")).content.decode()


def test_role_requires_matching_workplace(unit_a, point_a):
    cases = [
        (User(username="x1", role=Role.CLERK), "commune"),
        (User(username="x2", role=Role.COMMUNE_LEADER, agent_point=point_a), "commune"),
        (User(username="x3", role=Role.POST_STAFF, commune=unit_a), "agent_point"),
        (User(username="x4", role=Role.CITY_OFFICE, commune=unit_a), "commune"),
    ]
    for user, field in cases:
        with pytest.raises(ValidationError) as excinfo:
            user.full_clean(exclude=["password"])
        assert field in excinfo.value.message_dict
        with pytest.raises(IntegrityError), transaction.atomic():
            user.save()
    assert not User.objects.filter(username__in=["x1", "x2", "x3", "x4"]).exists()


def test_staff_status_follows_role(clerk_a, city_office, admin_user):
    assert (clerk_a.is_staff, city_office.is_staff, admin_user.is_staff) == (False, True, True)


def test_scope_helper_per_role(clerk_a, clerk_b, leader_a, post_staff_a, city_office, point_a):
    points = AgentPoint.objects.all()

    def scoped(user):
        return set(
            scope_for_user(
                points, user, unit_fields=["commune"], agent_point_field="id"
            ).values_list("code", flat=True)
        )

    unit_a_points = set(points.filter(commune__code=UNIT_A).values_list("code", flat=True))
    assert len(unit_a_points) >= 2
    assert scoped(clerk_a) == unit_a_points
    assert scoped(leader_a) == unit_a_points
    assert scoped(clerk_b).isdisjoint(unit_a_points)
    assert scoped(post_staff_a) == {point_a.code}
    assert len(scoped(city_office)) == 166


def test_scope_helper_denies_anonymous_inactive_and_unscoped_models(clerk_a, post_staff_a):
    from django.contrib.auth.models import AnonymousUser

    points = AgentPoint.objects.all()
    assert not scope_for_user(points, AnonymousUser(), unit_fields=["commune"]).exists()
    assert not scope_for_user(points, None, unit_fields=["commune"]).exists()
    # post staff on a model without an agent-point link: nothing, never everything
    assert not scope_for_user(points, post_staff_a, unit_fields=["commune"]).exists()
    clerk_a.is_active = False
    assert not scope_for_user(points, clerk_a, unit_fields=["commune"]).exists()


def test_admin_usable_by_city_office(client, city_office, unit_a):
    client.force_login(city_office)
    assert client.get(reverse("admin:index")).status_code == 200
    for name in [
        "communes_commune",
        "agent_points_agentpoint",
        "accounts_user",
        "records_procedure",
        "records_calendarday",
        "records_record",
        "records_personaldataaccess",
    ]:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    change_url = reverse("admin:communes_commune_change", args=[unit_a.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update(
        {
            "agency_code": "000.00.20.H57",
            "agent_points-TOTAL_FORMS": "0",
            "agent_points-INITIAL_FORMS": "0",
        }
    )
    response = client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    unit_a.refresh_from_db()
    assert unit_a.agency_code == "000.00.20.H57"
    delete_url = reverse("admin:communes_commune_delete", args=[unit_a.pk])
    assert client.get(delete_url).status_code == 403


def test_city_office_cannot_grant_admin_role(client, city_office, admin_user):
    client.force_login(city_office)
    page = client.get(reverse("admin:accounts_user_add"))
    roles = [value for value, _ in page.context["adminform"].form.fields["role"].choices]
    assert Role.ADMIN not in roles
    assert "is_superuser" not in page.context["adminform"].form.fields
    changelist = client.get(reverse("admin:accounts_user_changelist"))
    assert admin_user.username not in changelist.content.decode()


@pytest.mark.parametrize("fixture", ["clerk_a", "leader_a", "post_staff_a"])
def test_admin_closed_to_unit_roles(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
