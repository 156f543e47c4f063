"""Where the tables are looked up, and where computed tables are cached.

A *tables root* holds the real tables (``k01.json`` ...) and the other betas in subfolders
(``beta2/``, ``beta4/``, ``general/``, ...). Lookups search, in order:

1. ``$WISHART_MOMENTS_TABLES`` if set (or the ``directory`` a caller names instead), read only;
2. the tables shipped with the package (the repository's ``tables/`` folder, installed as the
   data package ``wishart_moments.shipped_tables``), read only;
3. the user cache, ``platformdirs.user_cache_dir("wishart-moments")/tables``
   (``$XDG_CACHE_HOME/wishart-moments/tables`` on Linux), where computed tables are written.

Nothing here creates a directory; only writes do (``save_table``, ``generate``), and the only
place written without being named is the user cache.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

ENV_TABLES_DIR = "WISHART_MOMENTS_TABLES"
SHIPPED_PACKAGE = "wishart_moments.shipped_tables"
APP_NAME = "wishart-moments"


def _checkout_tables() -> Path | None:
    """``tables/`` of the source checkout this package is imported from, if it is one."""
    repo = Path(__file__).resolve().parents[2]
    folder = repo / "tables"
    if (repo / "pyproject.toml").is_file() and (folder / "schema.json").is_file():
        return folder
    return None


def shipped_directory() -> Path | None:
    """The tables root shipped with the package, or ``None`` if this installation has none.

    In a source checkout that is the top-level ``tables/`` folder; an installed package finds the
    same files as the package data of ``wishart_moments.shipped_tables``.
    """
    checkout = _checkout_tables()
    if checkout is not None:
        return checkout
    try:
        spec = importlib.util.find_spec(SHIPPED_PACKAGE)
    except ModuleNotFoundError:
        return None
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / "schema.json").is_file():
            return Path(location)
    return None


def cache_directory() -> Path:
    """The user cache tables root (it may not exist yet): where computed tables are written."""
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME)) / "tables"


def default_directory() -> Path:
    """The tables root written when none is named (``save_table``, ``generate_tables``,
    ``wishart-moments generate`` without ``--out``): the user cache, :func:`cache_directory`."""
    return cache_directory()


def search_path(directory: str | os.PathLike[str] | None = None) -> list[Path]:
    """The tables roots a lookup reads, in order: ``directory`` (else ``$WISHART_MOMENTS_TABLES``
    if set), the shipped tables, the user cache. Roots that do not exist are left out.

    A ``directory`` given explicitly must exist (``ValueError`` naming it otherwise); it is never
    created.
    """
    roots: list[Path] = []
    if directory is not None:
        roots.append(existing_directory(directory))
    else:
        env = os.environ.get(ENV_TABLES_DIR)
        if env:
            roots.append(existing_directory(env, what=f"${ENV_TABLES_DIR}"))
    shipped = shipped_directory()
    if shipped is not None:
        roots.append(shipped)
    cache = cache_directory()
    if cache.is_dir():
        roots.append(cache)
    return list(dict.fromkeys(roots))


def existing_directory(path: str | os.PathLike[str], *, what: str = "tables directory") -> Path:
    """``path`` as a ``Path`` if it is an existing directory, else ``ValueError`` naming it."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        state = "is not a directory" if folder.exists() else "does not exist"
        raise ValueError(
            f"{what} {folder} {state}; reading tables never creates a directory (write tables "
            f"into a new one with `wishart-moments generate --kmax K --out {folder}`)"
        )
    return folder
