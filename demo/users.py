"""Writes for user accounts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Role, User
from agent_points.models import AgentPoint
from communes.models import Commune

DEMO_PASSWORD = "hue-demo-2025"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str
    workplace: str


# (username, role, commune code, agent point code, (family and middle names, given name))
DEMO_USERS = [
    ("admin", Role.ADMIN, None, None, ("Lê Minh", "Tuấn")),
    ("thanhpho", Role.CITY_OFFICE, None, None, ("Trần Thị Thu", "Hà")),
    ("canbo.phuxuan", Role.CLERK, "19753", None, ("Nguyễn Thị", "Lan")),
    ("chuyenvien.phuxuan", Role.CLERK, "19753", None, ("Trần Quốc", "Bảo")),
    ("chuyenvien2.phuxuan", Role.CLERK, "19753", None, ("Lê Thị", "Hoa")),
    ("lanhdao.phuxuan", Role.COMMUNE_LEADER, "19753", None, ("Hoàng Văn", "Dũng")),
    ("canbo.phuvang", Role.CLERK, "19942", None, ("Phan Thị", "Mai")),
    ("chuyenvien.phuvang", Role.CLERK, "19942", None, ("Ngô Văn", "Hải")),
    ("lanhdao.phuvang", Role.COMMUNE_LEADER, "19942", None, ("Đặng Thị", "Nga")),
    ("canbo.aluoi5", Role.CLERK, "20050", None, ("Hồ Văn", "Thái")),
    ("chuyenvien.aluoi5", Role.CLERK, "20050", None, ("Kê Thị", "Lự")),
    ("lanhdao.aluoi5", Role.COMMUNE_LEADER, "20050", None, ("Hồ Văn", "Lai")),
    ("buudien.phuxuan", Role.POST_STAFF, None, "first-of:19753", ("Võ Thị Thanh", "Hương")),
    # The national portal's connector (API only), delivering to every unit: the simulator
    # posts with its token (README, "Running the simulator beside make run").
    ("ketnoi.dvcqg", Role.INTEGRATION, None, None, ("Kết nối", "DVCQG")),
]

# The chain of officers (README): each demo unit has its desk clerk (canbo.*, receives and
# returns), its specialists (chuyenvien.*, handle; chuyenvien2.phuxuan only civil status) and
# its leader (lanhdao.*, approves). (desk, specialist, leader, fields handled, job title)
DUTIES = {
    "canbo": (True, False, False, [], "Công chức Bộ phận Một cửa"),
    "chuyenvien": (False, True, False, [], "Chuyên viên"),
    "chuyenvien2": (False, True, False, ["Hộ tịch"], "Chuyên viên"),
    "lanhdao": (False, False, True, [], "Phó Chủ tịch UBND"),
}


def ensure_demo_users(*, password: str = DEMO_PASSWORD) -> list[DemoLogin]:
    """Create or reset the demo accounts (one per role, plus clerks of other units; each demo
    unit with its desk clerk, specialists and leader).

    Idempotent: a second call leaves the same users with the same password. Needs the
    reference data loaded first.
    """
    logins = []
    with transaction.atomic():
        for username, role, commune_code, point_code, (family, given) in DEMO_USERS:
            commune = Commune.objects.get(code=commune_code) if commune_code else None
            point = None
            if point_code and point_code.startswith("first-of:"):
                point = AgentPoint.objects.filter(
                    commune__code=point_code.split(":", 1)[1], active=True
                ).earliest("code")
            user = User.objects.filter(username=username).first() or User(username=username)
            user.role = role
            user.last_name, user.first_name = family, given
            user.commune = commune
            user.agent_point = point
            user.is_superuser = role == Role.ADMIN
            duties = DUTIES.get(username.split(".", 1)[0])
            if duties is not None:
                (user.is_desk, user.is_specialist, user.is_leader) = duties[:3]
                user.specialist_fields, user.title = duties[3], duties[4]
            user.is_active = True
            if not user.check_password(password):  # unchanged on a second run
                user.set_password(password)
            user.full_clean(exclude=["password"])
            user.save()
            if role == Role.INTEGRATION:
                user.delivery_units.set(Commune.objects.filter(active=True))
            workplace = str(point or commune or "")
            logins.append(DemoLogin(username, user.display_name, Role(role).label, workplace))
    return logins
