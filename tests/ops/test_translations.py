from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_string_has_a_vietnamese_translation():
    catalog = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalog_matches_source():
    source = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.pofile(str(PO))}
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(MO))}
    source.pop((None, ""), None)
    compiled.pop((None, ""), None)
    assert compiled == source, "run `make messages` and commit locale/vi/LC_MESSAGES/django.mo"
