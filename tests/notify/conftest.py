import pytest

from notify.catalogue import invalidate
from notify.defaults import default_templates
from notify.models import NotificationTemplate


@pytest.fixture(autouse=True)
def _fresh_templates():
    """Every test reads the templates from its own database (a flush or a rolled-back edit
    sends no signal to the per-process cache)."""
    invalidate()
    yield
    invalidate()


@pytest.fixture
def templates(db):
    """The default templates (a transactional test flushed the migration's rows)."""
    for row in default_templates():
        NotificationTemplate.objects.get_or_create(
            event=row["event"],
            channel=row["channel"],
            defaults={"subject": row["subject"], "body": row["body"], "active": True},
        )
    invalidate()
    return NotificationTemplate.objects.all()
