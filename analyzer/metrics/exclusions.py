"""Which paths are kept out of complexity figures (vendored, generated, minified, lock files).

Globs follow ``.gitignore`` rules, as users already write them: ``*`` stays within a
path segment, ``**`` spans any number of directories, a pattern without a slash matches
a name at any depth, a leading ``/`` or an inner slash anchors it at the repository root,
a trailing ``/`` matches directories (and so everything under them), and ``!pattern``
re-includes what an earlier pattern excluded (the last matching pattern wins). The
defaults are :data:`analyzer.config.DEFAULT_EXCLUDES`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import pathspec

from analyzer.errors import ConfigError


@functools.lru_cache(maxsize=64)
def _compiled(globs: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    try:
        return pathspec.GitIgnoreSpec.from_lines(globs)
    except (ValueError, TypeError) as exc:  # pathspec's pattern errors derive from ValueError
        raise ConfigError(f"invalid exclude glob: {exc}") from exc


def is_excluded(path: str, globs: Sequence[str]) -> bool:
    """Whether ``path`` (repository-relative, ``/``-separated) matches the exclusion globs."""
    if not globs:
        return False
    return bool(_compiled(tuple(globs)).match_file(path))


def check_globs(globs: Sequence[str]) -> None:
    """Raise :class:`ConfigError` naming the first glob that is not a valid pattern."""
    for glob in globs:
        _compiled((glob,))
