"""An order beyond an engine's reach is refused with the limit, however large it is (a huge k
once failed with Python's int-to-string digit limit while formatting (2k-1)!!)."""

from __future__ import annotations

import pytest

from wishart_moments.coefficients import check_engine_order, engine_limit


@pytest.mark.parametrize("k", [15, 200, 100_000, 10**9])
def test_matchings_refusal_is_immediate(k: int) -> None:
    with pytest.raises(ValueError, match=rf"kmax={k} is too large .* kmax <= 14") as info:
        check_engine_order(k, "matchings", name="kmax")
    assert "use engine 'recursion'" in str(info.value)


def test_limits_of_bounded_engines() -> None:
    assert engine_limit("matchings") == 14
    assert engine_limit("recursion") is None
