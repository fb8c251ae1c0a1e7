"""How a mining run reports what it is doing, without the library printing anything.

The miner calls a :class:`MiningObserver`; the library's default observes nothing, the
command line passes a :class:`ConsoleObserver`: a Rich progress display (commits and
blobs, each with its rate and time remaining) on a terminal, only warnings elsewhere.
``blobs_measured`` may be called from a worker pool's thread, so observers must be
thread-safe (Rich's progress is).
"""

from __future__ import annotations

import types
from typing import Protocol

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from analyzer.mining.summary import RepositoryFailure, RepositorySummary


class MiningObserver(Protocol):
    """Receives the events of a mining run."""

    def run_started(self, repositories: int) -> None: ...

    def repository_failed(self, source: str, reason: str) -> None: ...

    def repository_started(self, repo_id: str, commits_to_mine: int) -> None: ...

    def commits_mined(self, count: int) -> None: ...

    def blobs_queued(self, count: int) -> None: ...

    def blobs_measured(self, count: int) -> None: ...

    def warning(self, message: str) -> None: ...

    def repository_finished(self, summary: RepositorySummary) -> None: ...


class SilentObserver:
    """Observes nothing: the library's default."""

    def run_started(self, repositories: int) -> None:
        pass

    def repository_failed(self, source: str, reason: str) -> None:
        pass

    def repository_started(self, repo_id: str, commits_to_mine: int) -> None:
        pass

    def commits_mined(self, count: int) -> None:
        pass

    def blobs_queued(self, count: int) -> None:
        pass

    def blobs_measured(self, count: int) -> None:
        pass

    def warning(self, message: str) -> None:
        pass

    def repository_finished(self, summary: RepositorySummary) -> None:
        pass


class _RateColumn(ProgressColumn):
    """Items per second, for things that are not bytes."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f}/s", style="progress.data.speed")


class ConsoleObserver:
    """Progress bars on a terminal (``show_progress``): the repositories of the run when
    there are several, and the current one's commits and blobs; warnings and failed
    repositories always, on ``console``."""

    def __init__(self, console: Console, *, show_progress: bool) -> None:
        self.console = console
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=console,
            disable=not show_progress,
            transient=True,
        )
        self._repositories: TaskID | None = None
        self._commits: TaskID | None = None
        self._blobs: TaskID | None = None
        self._blob_total = 0

    def __enter__(self) -> ConsoleObserver:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        self._progress.stop()

    def run_started(self, repositories: int) -> None:
        if repositories > 1:
            self._repositories = self._progress.add_task("repositories", total=repositories)

    def repository_failed(self, source: str, reason: str) -> None:
        line = RepositoryFailure(source, reason).line()
        self.console.print(f"[red]failed:[/] {escape(line)}", highlight=False, soft_wrap=True)
        self._end_repository()

    def repository_started(self, repo_id: str, commits_to_mine: int) -> None:
        self._commits = self._progress.add_task(f"{repo_id} commits", total=commits_to_mine)
        self._blobs = self._progress.add_task(f"{repo_id} blobs", total=0)
        self._blob_total = 0

    def commits_mined(self, count: int) -> None:
        if self._commits is not None:
            self._progress.advance(self._commits, count)

    def blobs_queued(self, count: int) -> None:
        if self._blobs is not None:
            self._blob_total += count
            self._progress.update(self._blobs, total=self._blob_total)

    def blobs_measured(self, count: int) -> None:
        if self._blobs is not None:
            self._progress.advance(self._blobs, count)

    def warning(self, message: str) -> None:
        self.console.print(
            f"[yellow]warning:[/] {escape(message)}", highlight=False, soft_wrap=True
        )

    def repository_finished(self, summary: RepositorySummary) -> None:
        self._end_repository()

    def _end_repository(self) -> None:
        # Draw the finished counts before the bars go: the display otherwise redraws only
        # on its 10 Hz timer, which a short repository can finish between.
        self._progress.refresh()
        for task in (self._commits, self._blobs):
            if task is not None:
                self._progress.remove_task(task)
        self._commits = self._blobs = None
        if self._repositories is not None:
            self._progress.advance(self._repositories, 1)
