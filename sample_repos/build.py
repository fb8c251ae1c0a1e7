"""Realise a plan: apply each change to the source model and write it as a commit.

Events (changes, branch commits, merges, bot commits) are processed in time order. A
change that is planned to fail gets one of its new blocks locked as the fault; the
fixing change later rewrites or deletes exactly those lines (or reverts the whole
change), so ``git blame`` of the fix's deleted lines leads back to the inducing commit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

from sample_repos.codebase import Codebase, Touch
from sample_repos.deps import Ecosystem, initial_ecosystems
from sample_repos.edits import (
    Edit,
    add_block,
    add_tests,
    bugfix,
    delete_module,
    feature,
    modify_block,
    move_module,
    refactor,
    remove_additions,
)
from sample_repos.fastimport import FastImport, Signature
from sample_repos.history import Branch, Change, Fault, Plan
from sample_repos.messages import (
    MessageWriter,
    merge_message,
)
from sample_repos.people import (
    COPILOT_AGENT,
    DEPENDABOT,
    GITHUB_ACTIONS,
    GITHUB_WEB,
    PRE_COMMIT_CI,
    RENOVATE,
    TEAM,
)
from sample_repos.render import block_lines
from sample_repos.scaffold import initial_files
from sample_repos.scenario import Scenario
from sample_repos.services import SERVICE_BY_NAME, SERVICES
from sample_repos.signing import CommitRecord, CommitSigner, Reverted
from sample_repos.source import Block, Function, SourceFile
from sample_repos.textedits import (
    config_fix,
    dependency_bump,
    pre_commit_update,
    regenerate_stubs,
    runbook_note,
    tune_config,
)

MAIN = "refs/heads/main"
_BOTS = {
    "dependabot": DEPENDABOT,
    "renovate": RENOVATE,
    "pre-commit-ci": PRE_COMMIT_CI,
    "github-actions": GITHUB_ACTIONS,
}


@dataclasses.dataclass
class FaultSite:
    """Where a fault lives in the code, and the commit that put it there."""

    fault: Fault
    mark: int
    edit: Edit
    file: SourceFile
    function: Function
    block: Block
    mainline_mark: int | None = None
    fix_mark: int | None = None


@dataclasses.dataclass
class BuildResult:
    records: list[CommitRecord]
    shas: dict[int, str]
    sites: dict[int, FaultSite]
    config_fixes: dict[int, int]  # incident key -> mark of the config change
    snapshots: list[dict[str, object]]


@dataclasses.dataclass
class _Open:
    """A feature branch being worked on."""

    tip: int
    marks: list[int]
    written: dict[str, None]
    removed: dict[str, None]


class Builder:
    def __init__(
        self, scenario: Scenario, plan: Plan, repo: Path, env: dict[str, str], rng: random.Random
    ) -> None:
        self.scenario = scenario
        self.plan = plan
        self.rng = rng
        self.cb = Codebase(rng)
        self.signer = CommitSigner(rng, MessageWriter(rng))
        self.stream = FastImport(repo, env)
        self.ecosystems: list[Ecosystem] = initial_ecosystems()
        self.records: list[CommitRecord] = []
        self.sites: dict[int, FaultSite] = {}
        self.config_fixes: dict[int, int] = {}
        self.open: dict[int, _Open] = {}
        self.subjects: dict[int, str] = {}
        self.snapshots: list[dict[str, object]] = []
        self.main_tip = 0
        self.mark = 0
        self.revisions = {"pre-commit-ci": 0, "github-actions": 0}

    # --- driver ---------------------------------------------------------------------
    def run(self) -> BuildResult:
        self._initial_commit()
        events: list[tuple[dt.datetime, int, int, Change | Branch]] = [
            (c.at, 0, c.cid, c) for c in self.plan.changes
        ]
        events += [(b.merge_at, 1, b.bid, b) for b in self.plan.branches]
        events.sort(key=lambda e: e[:3])
        month = None
        for at, _, _, item in events:
            if (at.year, at.month) != month:
                month = (at.year, at.month)
                self._snapshot(at)
            if isinstance(item, Branch):
                self._merge(item)
            else:
                self._change(item)
        shas = self.stream.finish()
        return BuildResult(self.records, shas, self.sites, self.config_fixes, self.snapshots)

    def _next_mark(self) -> int:
        self.mark += 1
        return self.mark

    def _snapshot(self, at: dt.datetime) -> None:
        functions = [f for s in self.cb.sources.values() for f in s.functions]
        self.snapshots.append(
            {
                "month": f"{at.year:04d}-{at.month:02d}",
                "source_files": len(self.cb.sources),
                "functions": len(functions),
                "ccn_total": sum(f.ccn for f in functions),
                "functions_ccn_over_10": sum(f.ccn > 10 for f in functions),
                "functions_ccn_over_20": sum(f.ccn > 20 for f in functions),
            }
        )

    # --- the first commit -----------------------------------------------------------
    def _initial_commit(self) -> None:
        at = self.scenario.start_at + dt.timedelta(hours=4, minutes=12)
        self.cb.begin(Touch(0, at))
        for service in SERVICES:
            for _ in range(self.rng.randint(3, 5)):
                file = self.cb.new_file(service, self.rng.randint(2, 4))
                for function in file.functions:
                    for _ in range(self.rng.randint(0, 3)):
                        function.blocks.append(self.cb.block(service, function, file))
                    self.cb.add_test(file, function)
        for path, text in initial_files().items():
            self.cb.write_text(path, text)
        for eco in self.ecosystems:
            for path, text in eco.files().items():
                self.cb.write_text(path, text)
        priya = TEAM[0]
        signature = Signature(priya.identity, at, priya.tz_minutes)
        message = "Initial commit: checkout, inventory, storefront, payments, notifications"
        self._emit(MAIN, [], signature, signature, message)
        self.records.append(
            CommitRecord(
                self.mark,
                [],
                "human",
                None,
                "initial",
                "all",
                "direct",
                True,
                signature,
                signature,
                message,
            )
        )
        self.main_tip = self.mark

    # --- writing commits ------------------------------------------------------------
    def _emit(
        self,
        ref: str,
        parents: list[int],
        author: Signature,
        committer: Signature,
        message: str,
        extra_written: list[tuple[str, bytes]] | None = None,
        extra_removed: list[str] | None = None,
    ) -> int:
        mark = self._next_mark()
        written, removed = self.cb.changes()
        written += extra_written or []
        removed += extra_removed or []
        self.stream.commit(ref, mark, author, committer, message, parents, written, removed)
        return mark

    # --- changes --------------------------------------------------------------------
    def _change(self, change: Change) -> None:
        if change.bot is not None:
            self._bot(change)
        elif change.branch is not None:
            self._branch_commit(change)
        else:
            self._main_change(change)

    def _edit(self, change: Change) -> Edit:
        service = SERVICE_BY_NAME.get(change.service, SERVICES[0])  # bots and platform: unused
        revertable = change.fault is not None and change.fault.fix_kind == "revert"
        kinds: dict[str, Callable[[], Edit]] = {
            "feature": lambda: feature(self.cb, service, change.size, revertable=revertable),
            "bugfix": lambda: bugfix(self.cb, service, change.size, revertable=revertable),
            "refactor": lambda: refactor(self.cb, service, change.size),
            "test": lambda: add_tests(self.cb, service, change.size),
            "move": lambda: move_module(self.cb, service),
            "delete": lambda: delete_module(self.cb, service),
            "docs": lambda: runbook_note(self.cb, change.service),
            "config": lambda: tune_config(self.cb, change.service),
            "fix": lambda: self._fix(change),
            "revert": lambda: self._revert(change),
            "config_fix": lambda: config_fix(self.cb, change.fixes_incident),  # type: ignore[arg-type]
        }
        return kinds[change.kind]()

    def _main_change(self, change: Change) -> None:
        self.cb.begin(Touch(change.cid, change.at))
        edit = self._edit(change)
        reverts = (
            self.sites[change.fixes.fid].mark if change.kind == "revert" and change.fixes else None
        )
        author, committer, message, record = self.signer.sign(change, edit, self._reverted(reverts))
        parent = self.main_tip
        mark = self._emit(MAIN, [parent], author, committer, message)
        self.main_tip = mark
        self._record(record, mark, [parent], change, mainline=True)
        self._after_commit(change, edit, mark, reverts)

    def _reverted(self, mark: int | None) -> Reverted | None:
        return Reverted(self.subjects[mark], self.stream.sha(mark)) if mark is not None else None

    def _after_commit(self, change: Change, edit: Edit, mark: int, reverts: int | None) -> None:
        if change.fault is not None:
            self._plant(change.fault, edit, mark)
        if change.fixes is not None and change.fixes.fid in self.sites:
            self.sites[change.fixes.fid].fix_mark = mark
        if change.fixes_incident is not None:
            self.config_fixes[change.fixes_incident.key] = mark
        self.records[-1].reverts = reverts

    def _record(
        self, record: CommitRecord, mark: int, parents: list[int], change: Change, *, mainline: bool
    ) -> None:
        record.mark = mark
        record.parents = parents
        record.mainline = mainline
        record.change = change
        self.subjects[mark] = record.subject
        self.records.append(record)

    # --- faults ---------------------------------------------------------------------
    def _plant(self, fault: Fault, edit: Edit, mark: int) -> None:
        if not edit.added:
            raise RuntimeError(
                f"change {fault.change.cid} should introduce a fault but added no code"
            )
        if fault.fix_kind == "revert":
            for _, _, block in edit.added:
                block.locked_by = fault.fid
            for _, function in edit.new_functions:
                function.locked_by = fault.fid
            for _, block, _, _ in edit.modified:
                block.locked_by = fault.fid
            file, function, block = edit.added[0]
        else:
            file, function, block = self.rng.choice(edit.added)
            block.locked_by = fault.fid
        self.sites[fault.fid] = FaultSite(fault, mark, edit, file, function, block)

    def _fix(self, change: Change) -> Edit:
        assert change.fixes is not None
        site = self.sites[change.fixes.fid]
        file, function, block = site.file, site.function, site.block
        edit = Edit("fix", file.service)
        edit.describe(file, function, block)
        if len(function.blocks) > 1 and self.rng.random() < 0.12:
            function.blocks.remove(block)  # the faulty rule should never have existed
            edit.lines += block_lines(file.language)
            self.cb.mark(file.path)
        else:
            block.locked_by = None
            modify_block(self.cb, edit, file, block, body=self.rng.random() < 0.5)
        older = [
            b
            for b in function.blocks
            if b is not block and b.locked_by is None and b.touched_at < site.fault.change.at
        ]
        if older and self.rng.random() < 0.25:  # a neighbouring tidy-up: noise for SZZ
            modify_block(self.cb, edit, file, self.rng.choice(older), body=False)
        if function.locked_by is None and self.rng.random() < 0.4:
            add_block(self.cb, edit, file, function)
        if self.rng.random() < 0.5:
            self.cb.add_test(file, function)
        return edit

    def _revert(self, change: Change) -> Edit:
        assert change.fixes is not None
        return remove_additions(self.cb, self.sites[change.fixes.fid].edit)

    # --- branches -------------------------------------------------------------------
    def _branch_commit(self, change: Change) -> None:
        branch = change.branch
        assert branch is not None
        if branch.bid not in self.open:
            self._open_branch(branch, change)
        state = self.open[branch.bid]
        self.cb.begin(Touch(change.cid, change.at, branch.bid))
        edit = self._edit(change)
        author, committer, message, record = self.signer.sign(change, edit)
        parents = [state.tip]
        mark = self._emit(f"refs/heads/{branch.name}", parents, author, committer, message)
        record.branch = branch.name
        self._record(record, mark, parents, change, mainline=False)
        self._after_commit(change, edit, mark, None)
        state.tip = mark
        state.marks.append(mark)
        for path in self.cb.written:
            state.written[path] = None
            state.removed.pop(path, None)
        for path in self.cb.removed:
            state.removed[path] = None
            state.written.pop(path, None)

    def _open_branch(self, branch: Branch, first: Change) -> None:
        candidates = [
            f
            for f in self.cb.sources.values()
            if f.service == first.service and f.reserved_by is None and not f.has_lock
        ]
        for file in self.rng.sample(candidates, min(len(candidates), self.rng.randint(1, 2))):
            file.reserved_by = branch.bid
        self.open[branch.bid] = _Open(self.main_tip, [], {}, {})
        if branch.initial_plan:
            self._initial_plan(branch, first)

    def _initial_plan(self, branch: Branch, first: Change) -> None:
        """The Copilot coding agent's first commit on its branch: empty, subject 'Initial plan'."""
        at = first.at - dt.timedelta(minutes=self.rng.randint(3, 15))
        self.cb.begin(Touch(first.cid, at, branch.bid))
        signature = Signature(COPILOT_AGENT, at, 0)
        message = f"Initial plan\n\nCo-authored-by: {first.person.identity}"
        state = self.open[branch.bid]
        mark = self._emit(f"refs/heads/{branch.name}", [state.tip], signature, signature, message)
        record = CommitRecord(
            mark,
            [state.tip],
            "ai_authored",
            "copilot-agent",
            "initial_plan",
            first.service,
            "branch",
            False,
            signature,
            signature,
            "Initial plan",
            markers=[f"author: {COPILOT_AGENT}", "Initial plan"],
            branch=branch.name,
        )
        self.records.append(record)
        state.tip = mark
        state.marks.append(mark)

    def _merge(self, branch: Branch) -> None:
        state = self.open.pop(branch.bid)
        self.cb.begin(Touch(0, branch.merge_at))
        for file in self.cb.sources.values():
            if file.reserved_by == branch.bid:
                file.reserved_by = None
        written = [(p, self.cb.render(p)) for p in state.written if self.cb.exists(p)]
        pr = self.signer.next_pr()
        title = self.subjects.get(state.marks[-1], "Update") if state.marks else "Update"
        first_subject = next((self.subjects[m] for m in state.marks if m in self.subjects), title)
        message = merge_message(pr, branch.name, first_subject)
        merger = branch.merger
        author = Signature(merger.identity, branch.merge_at, merger.tz_minutes)
        committer = Signature(GITHUB_WEB, branch.merge_at, 0)
        parents = [self.main_tip, state.tip]
        mark = self._emit(MAIN, parents, author, committer, message, written, list(state.removed))
        self.main_tip = mark
        agent_branch = any(
            branch.name.startswith(p)
            for p in ("copilot/", "claude/", "cursor/", "devin/", "openhands/")
        )
        record = CommitRecord(
            mark,
            parents,
            "human",
            None,
            "merge",
            branch.changes[0].service,
            "merge",
            True,
            author,
            committer,
            message.splitlines()[0],
            weak_markers=[f"branch: {branch.name}"] if agent_branch else [],
            awkward="agent-branch-merge" if agent_branch else None,
            branch=branch.name,
            merged=list(state.marks),
        )
        self.records.append(record)
        for site in self.sites.values():
            if site.mark in state.marks:
                site.mainline_mark = mark

    # --- bots -----------------------------------------------------------------------
    def _bot(self, change: Change) -> None:
        assert change.bot is not None
        self.cb.begin(Touch(change.cid, change.at))
        bot = _BOTS[change.bot]
        if change.bot in ("dependabot", "renovate"):
            names = ("npm", "gomod") if change.bot == "dependabot" else ("poetry", "maven")
            eco = self.rng.choice([e for e in self.ecosystems if e.name in names])
            text = dependency_bump(self.cb, eco, change.bot, self.rng)
            service = next(s.name for s in SERVICES if s.root == eco.directory)
        else:
            self.revisions[change.bot] += 1
            revision = self.revisions[change.bot]
            text = (
                pre_commit_update(self.cb, revision)
                if change.bot == "pre-commit-ci"
                else regenerate_stubs(self.cb, revision)
            )
            service = "platform"
        subject, _, rest = text.partition("\n\n")
        author = Signature(bot, change.at, 0)
        committer = author
        if change.delivery == "squash":
            subject = f"{subject} (#{self.signer.next_pr()})"
            committer = Signature(
                GITHUB_WEB, change.at + dt.timedelta(minutes=self.rng.randint(5, 600)), 0
            )
            author = Signature(bot, change.at, 0)
        message = subject + ("\n\n" + rest if rest else "")
        mark = self._emit(MAIN, [self.main_tip], author, committer, message)
        record = CommitRecord(
            mark,
            [self.main_tip],
            "automation",
            change.bot,
            "deps" if change.bot in ("dependabot", "renovate") else change.kind,
            service,
            change.delivery,
            True,
            author,
            committer,
            subject,
        )
        self.main_tip = mark
        self._record(record, mark, record.parents, change, mainline=True)


def build_repository(
    scenario: Scenario, plan: Plan, repo: Path, env: dict[str, str], rng: random.Random
) -> BuildResult:
    """Write ``plan`` into the (freshly initialised) repository at ``repo``."""
    return Builder(scenario, plan, repo, env, rng).run()
