"""Numba kernels: plain arrays and scalars in and out; the Python wrappers live one level up.

The kernels are compiled once and cached on disk (``cache=True``). Where: ``$NUMBA_CACHE_DIR`` if
set; in a source checkout, Numba's default ``__pycache__`` next to the source; for an installed
package, ``<user cache>/numba`` (``platformdirs.user_cache_dir("wishart-moments")``, beside the
tables cache), so that nothing is written into site-packages and ``pip uninstall`` leaves nothing
behind there. The location is fixed when a kernel is defined, so both kernel modules are defined
here, under that setting, and the user's Numba configuration is restored at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path


def _installed() -> bool:
    """Whether this package was installed (no ``pyproject.toml`` beside it) rather than being
    imported from a source checkout."""
    return not (Path(__file__).resolve().parents[2] / "pyproject.toml").is_file()


@contextlib.contextmanager
def _cache_location() -> Iterator[None]:
    from numba.core import config

    if config.CACHE_DIR or not _installed():
        yield
        return
    import platformdirs

    config.CACHE_DIR = str(Path(platformdirs.user_cache_dir("wishart-moments")) / "numba")
    try:
        yield
    finally:
        config.CACHE_DIR = ""


with _cache_location():
    from . import matchings, permutations

__all__ = ["matchings", "permutations"]
