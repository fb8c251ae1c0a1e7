"""The ``jevons`` console script.

The command line's own error boundary (:func:`analyzer.cli.main`) exists only once
``analyzer.cli`` and what it imports (Typer, Rich) are loaded; a Ctrl-C in that first
fraction of a second ends the same way as one later: one line, exit status 130, no
traceback.
"""

from __future__ import annotations

import sys

from analyzer.interruption import EXIT_INTERRUPTED, interruption_line


def main() -> None:
    try:
        from analyzer.cli import main as run
    except KeyboardInterrupt:
        print(interruption_line(sys.argv[1:]), file=sys.stderr, flush=True)
        raise SystemExit(EXIT_INTERRUPTED) from None
    run()


if __name__ == "__main__":
    main()
