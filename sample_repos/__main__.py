"""``python -m sample_repos generate [SCENARIO ...] [--out DIR] [--seed N] [--force]``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sample_repos.generate import default_out_dir, generate_scenario, is_up_to_date
from sample_repos.scenario import DEFAULT_SCENARIO, ScenarioError, list_scenarios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_repos", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="build scenarios (reusing up-to-date ones)")
    generate.add_argument(
        "scenarios", nargs="*", help=f"default: {DEFAULT_SCENARIO}; 'all' for every scenario"
    )
    generate.add_argument(
        "--out", type=Path, default=None, help="parent directory (default: sample_repos/generated)"
    )
    generate.add_argument("--seed", type=int, default=None, help="override the scenario's seed")
    generate.add_argument("--force", action="store_true", help="rebuild even if up to date")
    commands.add_parser("list", help="list the bundled scenarios")
    args = parser.parse_args(argv)
    if args.command == "list":
        for name in list_scenarios():
            print(name)
        return 0
    args.out = args.out or default_out_dir()
    names = args.scenarios or [DEFAULT_SCENARIO]
    if names == ["all"]:
        names = list_scenarios()
    for name in names:
        try:
            fresh = not args.force and is_up_to_date(name, args.out, seed=args.seed)
            started = time.perf_counter()
            paths = generate_scenario(name, args.out, seed=args.seed, force=args.force)
        except ScenarioError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        figures = paths.load_truth()["figures"]
        how = "up to date" if fresh else f"generated in {time.perf_counter() - started:.1f}s"
        print(
            f"{name}: {how}: {figures['commits_total']} commits, "
            f"{figures['incidents_total']} incidents -> {paths.root}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
