"""An independent, simple reading of strong AI markers, to check the rules against on real
histories that have no ground truth.

It shares nothing with ``analyzer.attribution``: no rule table, no trailer parser. A commit is
AI when its author e-mail is an agent's own address, its author name carries aider's
``(aider)`` suffix, its subject aider's ``aider:`` prefix, or when any line of its message,
wherever it sits, is a co-author line naming an AI tool's exact address or one of a few tool
footers and trailers. Where the two readings disagree a person looks: the simple reading
over-reads markers quoted in prose or indented, and under-reads what it lacks.
"""

from __future__ import annotations

import re

from analyzer.models import Commit

_GH = r"@users\.noreply\.github\.com"
#: Agents that commit as themselves (author e-mail, exact).
AGENT_AUTHORS = re.compile(
    "|".join(
        (
            r"noreply@anthropic\.com",
            rf"209825114\+claude\[bot\]{_GH}",
            rf"198982749\+copilot{_GH}",
            rf"158243242\+devin-ai-integration\[bot\]{_GH}",
            r"cursoragent@cursor\.com",
            rf"161369871\+google-labs-jules\[bot\]{_GH}",
            r"openhands@all-hands\.dev",
        )
    ),
    re.IGNORECASE,
)
#: Co-authors that are AI tools (e-mail, exact).
AI_COAUTHORS = re.compile(
    "|".join(
        (
            r"noreply@anthropic\.com",
            rf"209825114\+claude\[bot\]{_GH}",
            rf"(198982749|223556219|175728472)\+copilot{_GH}",
            r"(aider@aider\.chat|noreply@aider\.chat|noreply@aider\.dev)",
            rf"158243242\+devin-ai-integration\[bot\]{_GH}",
            r"cursoragent@cursor\.com",
            r"noreply@openai\.com",
            r"amp@ampcode\.com",
            rf"138933559\+factory-droid\[bot\]{_GH}",
            rf"161369871\+google-labs-jules\[bot\]{_GH}",
        )
    ),
    re.IGNORECASE,
)
_COAUTHOR_LINE = re.compile(r"^\s*co-authored-by:.*<([^<>]+)>\s*$", re.IGNORECASE)
_OTHER_LINES = re.compile(
    r"^\s*(🤖\s*)?Generated with \[?Claude Code\]?"
    r"|^\s*Claude-Session:\s*https://claude\.ai/code/session_"
    r"|^\s*Amp-Thread-ID:\s*https://ampcode\.com/threads/T-"
    r"|^\s*Made-with:\s*Cursor\b",
    re.IGNORECASE,
)


def simple_marker(commit: Commit) -> str | None:
    """The first strong AI marker the simple reading finds in ``commit``, or None."""
    if AGENT_AUTHORS.fullmatch(commit.author_email):
        return f"author {commit.author_email}"
    if commit.author_name.rstrip().endswith("(aider)"):
        return f"author name {commit.author_name}"
    if commit.subject.startswith("aider: "):
        return f"subject {commit.subject}"
    for line in commit.message.splitlines():
        coauthor = _COAUTHOR_LINE.match(line)
        if coauthor and AI_COAUTHORS.fullmatch(coauthor.group(1).strip()):
            return line.strip()
        if _OTHER_LINES.match(line):
            return line.strip()
    return None
