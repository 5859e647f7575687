"""Packaging metadata: what ``pip install`` reads from pyproject.toml."""

import re
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_pyproject_license_is_an_spdx_expression_with_a_setuptools_that_reads_it():
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))

    # PEP 639: a plain SPDX expression; the table form ({text = ...}) is deprecated.
    assert config["project"]["license"] == "MIT"
    # setuptools reads the SPDX string from version 77 on.
    requires = config["build-system"]["requires"]
    setuptools = [spec for spec in requires if spec.startswith("setuptools")]
    assert len(setuptools) == 1
    minimum = re.fullmatch(r"setuptools>=(\d+)(\.\d+)*", setuptools[0])
    assert minimum is not None and int(minimum.group(1)) >= 77
    classifiers = config["project"].get("classifiers", [])
    assert not [c for c in classifiers if c.startswith("License ::")]  # not with an SPDX license
