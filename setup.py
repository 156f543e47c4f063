"""The one build setting pyproject.toml cannot express: every package of wishart_moments and
lipschitz_layers (found, so a new subpackage cannot be left out of the wheel) plus the data-only
package ``wishart_moments.shipped_tables``, which pyproject.toml maps onto the top-level
``tables/`` folder. Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

CODE = ["wishart_moments", "wishart_moments.*", "lipschitz_layers", "lipschitz_layers.*"]

setup(packages=[*find_packages(include=CODE), "wishart_moments.shipped_tables"])
