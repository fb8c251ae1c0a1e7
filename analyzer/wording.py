"""How Jevons words a figure: numbers, percentages, intervals and authorship classes.

The findings, the verdict, the terminal summary, the dashboard, the PR report and the review
all format through this one module, so a figure reads the same wherever it appears. An
unknown number is an en dash in a table cell or a metric tile; sentences pass
``missing=NOT_KNOWN`` so that it reads ``n/a`` there.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from analyzer.models import Authorship

#: How a sentence shows a number that is not known.
NOT_KNOWN = "n/a"
_DASH = "–"

#: The reader's name for each authorship class: as a label (a table row, a chart legend)
#: and as words inside a sentence (both from ``models.Authorship``).
CLASS_LABELS: dict[str, str] = {c.value: c.label for c in Authorship}
CLASS_WORDS: dict[str, str] = {c.value: c.words for c in Authorship}


def class_label(authorship: str) -> str:
    """The class as a label (a label from a custom rule is shown as it is)."""
    return CLASS_LABELS.get(authorship, authorship)


def class_words(authorship: str) -> str:
    """The class as a sentence says it (a label from a custom rule is shown as it is)."""
    return CLASS_WORDS.get(authorship, authorship)


def known(value: float | None) -> bool:
    """Whether ``value`` is a finite number (not None, NaN or infinite)."""
    return value is not None and isinstance(value, int | float) and math.isfinite(value)


def percent(value: float | None, digits: int = 0, *, missing: str = _DASH) -> str:
    """``0.423`` as ``42%``."""
    return _shaped(value, missing, lambda v: f"{v * 100:.{digits}f}%")


def points(change: float | None, digits: int = 1, *, missing: str = _DASH) -> str:
    """A change in a share as percentage points: ``0.012`` as ``+1.2 pts``."""
    return _shaped(change, missing, lambda v: f"{v * 100:+.{digits}f} pts")


def number(value: float | None, digits: int = 1, *, missing: str = _DASH) -> str:
    """A number with thousands separators, a whole number without decimals."""
    return _shaped(
        value, missing, lambda v: f"{v:,.0f}" if float(v).is_integer() else f"{v:,.{digits}f}"
    )


def signed(value: float | None, digits: int = 1, *, missing: str = _DASH) -> str:
    """A change with its sign: ``+3.2``, ``-1.0``."""
    return _shaped(value, missing, lambda v: f"{v:+,.{digits}f}")


def figures(value: float | None, significant: int = 2, *, missing: str = _DASH) -> str:
    """``value`` to ``significant`` figures (``0.032``, ``1.2e-05``): for p-values in a sentence."""
    return _shaped(value, missing, lambda v: f"{v:.{significant}g}")


def p_value(value: float | None) -> str:
    """A p-value to three decimals, or ``<0.001``."""
    return _shaped(value, _DASH, lambda v: "<0.001" if v < 0.001 else f"{v:.3f}")


def _shaped(value: float | None, missing: str, shape: Callable[[float], str]) -> str:
    """``shape(value)`` for a finite number, else ``missing``."""
    return shape(value) if value is not None and known(value) else missing


def interval(
    low: float | None,
    high: float | None,
    *,
    digits: int = 2,
    scale: float = 1.0,
    unit: str = "",
    sign: bool = False,
    prefix: str = "95% CI ",
    missing: str = "no interval",
) -> str:
    """``95% CI 1.40 to 3.20`` (a dash between the ends would read as a minus sign), or a
    plain statement that there is none; a table whose column says what the interval is
    passes ``prefix=""``."""
    if not (known(low) and known(high)):
        return missing
    assert low is not None and high is not None
    fmt = f"{{:{'+' if sign else ''},.{digits}f}}{unit}"
    return f"{prefix}{fmt.format(low * scale)} to {fmt.format(high * scale)}"


def percent_interval(low: float | None, high: float | None, digits: int = 0) -> str:
    """``95% CI 12% to 40%`` for an interval of a share."""
    return interval(low, high, digits=digits, scale=100.0, unit="%")
