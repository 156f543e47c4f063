"""The code examples of README.md and docs/*.md run, so they cannot rot.

Every fenced ```` ```python ```` block is collected. A block written as an interactive session
(``>>>`` lines) is run as a doctest, so its printed results are checked too; any other block is
run as a script, in a namespace of its own, and must not raise. A block that cannot run here says
so on the line just above its fence::

    <!-- docs-test: skip (needs the experiments extra) -->

and is reported as skipped with that reason. Blocks run in order within a page, from the
repository root, with ``$WISHART_MOMENTS_TABLES`` unset and the user cache in a temporary folder,
so an example never writes into the checkout or the user's home.
"""

from __future__ import annotations

import doctest
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
SKIP = re.compile(r"<!--\s*docs-test:\s*skip\s*\((?P<reason>[^)]*)\)\s*-->\s*\Z")


def _blocks() -> list[pytest.param]:
    params = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
            skip = SKIP.search(before)
            marks = [pytest.mark.skip(reason=skip["reason"])] if skip else []
            name = f"{page.relative_to(ROOT)}:{line}"
            params.append(pytest.param(page, line, match.group(1), id=name, marks=marks))
    return params


BLOCKS = _blocks()


def test_the_pages_have_examples() -> None:
    """The collector finds the blocks (a changed fence style would otherwise test nothing)."""
    assert len(BLOCKS) >= 10
    assert {p.values[0].name for p in BLOCKS} >= {"README.md", "beta.md", "layers.md"}


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A private user cache, the repository as working directory, and one torch thread (the
    examples' small matrices run faster so, and two busy threads on a shared 2-core CI machine
    can make a 20-step training loop 40 times slower)."""
    import torch

    monkeypatch.delenv("WISHART_MOMENTS_TABLES", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(ROOT)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield tmp_path
    torch.set_num_threads(threads)


@pytest.mark.parametrize(("page", "line", "code"), BLOCKS)
def test_example_runs(page: Path, line: int, code: str, isolated: Path) -> None:
    source = f"{page.relative_to(ROOT)}:{line}"
    if re.search(r"^\s*>>>", code, re.MULTILINE):
        parser = doctest.DocTestParser()
        test = parser.get_doctest(code, {"__name__": "__docs__"}, source, str(page), line)
        runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
        failures: list[str] = []
        runner.run(test, out=failures.append)
        assert runner.failures == 0, "".join(failures)
    else:
        exec(compile(code, source, "exec"), {"__name__": "__docs__"})
