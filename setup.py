"""The one build setting pyproject.toml cannot express: the packages of the wheel, found rather
than listed, so that a new subpackage cannot be left out. They are every package of
wishart_moments and lipschitz_layers; ``wishart_moments.data`` (the paper's printed tables); and
the data-only package ``wishart_moments.shipped_tables`` with its subfolders (``beta2``,
``general``, ...), which pyproject.toml maps onto the top-level ``tables/`` folder. Everything
else is in pyproject.toml."""

from setuptools import find_namespace_packages, find_packages, setup

CODE = ["wishart_moments", "wishart_moments.*", "lipschitz_layers", "lipschitz_layers.*"]
TABLES = "wishart_moments.shipped_tables"
# Data folders are listed as packages (their files are package data, see pyproject.toml) so that
# setuptools does not warn that they look importable but are left out.
DATA = [
    "wishart_moments.data",
    TABLES,
    *(f"{TABLES}.{name}" for name in find_namespace_packages(where="tables")),
]

setup(packages=[*find_packages(include=CODE), *DATA])
