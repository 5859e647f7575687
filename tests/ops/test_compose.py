"""Docker does not run here: check the compose file against the settings instead."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_SOURCE = (ROOT / "hue_admin" / "settings.py").read_text(encoding="utf-8")
SETTINGS_VARIABLES = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', SETTINGS_SOURCE))
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
APP_SERVICES = ("web", "worker", "beat")


def env_example_variables():
    names = set()
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            names.add(line.split("=", 1)[0])
    return names


def test_compose_has_the_production_services():
    assert set(COMPOSE["services"]) == {"db", "redis", "web", "worker", "beat"}
    assert COMPOSE["services"]["db"]["image"].startswith("postgres:")
    assert COMPOSE["services"]["redis"]["image"].startswith("redis:")


def test_compose_healthchecks_and_dependencies():
    for name in ("db", "redis", "web", "worker"):
        assert "test" in COMPOSE["services"][name]["healthcheck"], name
    for name in APP_SERVICES:
        service = COMPOSE["services"][name]
        assert service["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
        assert service["env_file"] == ".env"


def test_compose_commands():
    services = COMPOSE["services"]
    assert "gunicorn hue_admin.wsgi:application" in services["web"]["command"]
    assert "migrate" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "hue_admin", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "hue_admin", "beat"]
    assert "gunicorn.conf.py" in services["web"]["command"]
    assert (
        'CMD ["gunicorn", "hue_admin.wsgi:application", "-c", "gunicorn.conf.py"]'
        in (ROOT / "Dockerfile").read_text()
    )


def test_compose_variables_are_read_by_settings():
    for name in APP_SERVICES:
        variables = set(COMPOSE["services"][name]["environment"])
        assert variables <= SETTINGS_VARIABLES, variables - SETTINGS_VARIABLES
        assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"} <= variables


def test_env_example_documents_every_setting():
    postgres_service = set(COMPOSE["services"]["db"]["environment"])
    documented = env_example_variables()
    assert documented - postgres_service <= SETTINGS_VARIABLES
    assert documented >= SETTINGS_VARIABLES
    assert postgres_service <= documented
