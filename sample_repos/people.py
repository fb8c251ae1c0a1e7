"""Who writes the sample repositories: a fictional team, the real AI tools, the real bots.

Humans are plainly fictional (``example.com``-style addresses). AI tools and automation
bots appear with the exact identities and markers they leave in real histories (see
``shared/reference/ai-markers.md``), because attribution must recognise those forms.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import string
from collections.abc import Callable, Sequence


@dataclasses.dataclass(frozen=True)
class Identity:
    """A name and e-mail as they appear in a commit header or trailer."""

    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


@dataclasses.dataclass(frozen=True)
class Person:
    """A human on the team. ``variants`` are other identities the same person commits
    under (a laptop's config, an old address), reconciled by ``.mailmap``."""

    key: str
    identity: Identity
    tz_minutes: int
    weight: float
    variants: tuple[Identity, ...] = ()
    variant_share: float = 0.0
    joined: dt.date | None = None
    left: dt.date | None = None
    conventional: bool = False
    signs_off: bool = False

    def active(self, day: dt.date) -> bool:
        return (self.joined is None or day >= self.joined) and (
            self.left is None or day < self.left
        )


TEAM: tuple[Person, ...] = (
    Person(
        "priya",
        Identity("Priya Natarajan", "priya@example.com"),
        tz_minutes=330,
        weight=1.4,
        variants=(Identity("Priya N", "priya.natarajan@laptop.example.net"),),
        variant_share=0.15,
    ),
    Person(
        "tomasz",
        Identity("Tomasz Kowalczyk", "tomasz@example.com"),
        tz_minutes=60,
        weight=1.2,
        variants=(Identity("Tomek Kowalczyk", "tomek@example.org"),),
        variant_share=0.2,
        conventional=True,
    ),
    Person("amara", Identity("Amara Okafor", "amara@example.com"), tz_minutes=60, weight=1.0),
    Person(
        "diego",
        Identity("Diego Fernández", "diego@example.com"),
        tz_minutes=-180,
        weight=1.0,
        variants=(Identity("Diego Fernandez", "diego.fernandez@example.org"),),
        variant_share=0.25,
        conventional=True,
    ),
    Person(
        "meilin",
        Identity("Mei Lin Chen", "meilin@example.com"),
        tz_minutes=480,
        weight=0.9,
        signs_off=True,
    ),
    Person("jonas", Identity("Jonas Weber", "jonas@example.com"), tz_minutes=0, weight=0.9),
    Person(
        "sofia",
        Identity("Sofia Rossi", "sofia@example.com"),
        tz_minutes=60,
        weight=0.8,
        left=dt.date(2025, 11, 14),
    ),
    Person(
        "kwame",
        Identity("Kwame Mensah", "kwame@example.com"),
        tz_minutes=0,
        weight=0.9,
        joined=dt.date(2025, 8, 4),
        conventional=True,
    ),
    # A human whose first name is an AI product's: never evidence of AI.
    Person("devin", Identity("Devin Park", "devin.park@example.com"), tz_minutes=-480, weight=0.7),
    Person("cline", Identity("Cline Example", "cline@example.com"), tz_minutes=-300, weight=0.3),
)

#: The two teams the people work in (telemetry and the trailers switch are per team).
TEAMS: dict[str, tuple[str, ...]] = {
    "web": ("priya", "tomasz", "amara", "sofia", "kwame"),
    "platform": ("diego", "meilin", "jonas", "devin", "cline"),
}
TEAM_OF: dict[str, str] = {key: team for team, keys in TEAMS.items() for key in keys}


def github_login(person: Person) -> str:
    """The person's GitHub login (what Copilot's telemetry names people by)."""
    return f"{person.key}-example"


def team_members(team: str) -> list[str]:
    """Every address and login a team's people use: what ``[usage] teams`` lists."""
    members: list[str] = []
    for person in TEAM:
        if TEAM_OF[person.key] == team:
            members += [person.identity.email, *(v.email for v in person.variants)]
            members.append(github_login(person))
    return members


GITHUB_WEB = Identity("GitHub", "noreply@github.com")
DEPENDABOT = Identity("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
RENOVATE = Identity("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com")
PRE_COMMIT_CI = Identity(
    "pre-commit-ci[bot]", "66853113+pre-commit-ci[bot]@users.noreply.github.com"
)
GITHUB_ACTIONS = Identity(
    "github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"
)

# Contributors from other teams whose co-author trailers pile up in long-lived branches.
_FIRST = (
    "Ava",
    "Bram",
    "Chioma",
    "Dmitri",
    "Elif",
    "Farah",
    "Goran",
    "Hana",
    "Ines",
    "Joao",
    "Kenji",
    "Lena",
    "Marek",
    "Nadia",
    "Omar",
    "Paula",
    "Quentin",
    "Rhea",
    "Stefan",
    "Tariq",
    "Uma",
    "Viktor",
    "Wren",
    "Xiu",
    "Yusuf",
    "Zofia",
)
_LAST = ("Alvarez", "Brennan", "Costa", "Dubois", "Eriksen", "Fischer", "Gupta", "Haddad")
OTHER_CONTRIBUTORS: tuple[Identity, ...] = tuple(
    Identity(f"{first} {last}", f"{first.lower()}.{last.lower()}@example.com")
    for last in _LAST
    for first in _FIRST
)


def mailmap(team: Sequence[Person] = TEAM) -> str:
    """The ``.mailmap`` that folds every variant identity into the person's main one."""
    lines = ["# Canonical identities for people who committed under several."]
    for person in team:
        for variant in person.variants:
            lines.append(f"{person.identity} {variant}")
    return "\n".join(lines) + "\n"


# --- AI tools -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Marking:
    """How one AI-made commit looks: identities replaced, trailers and footer added."""

    author: Identity | None = None
    committer: Identity | None = None
    trailers: tuple[str, ...] = ()
    footer: str | None = None
    web_edit: bool = False  # a suggestion applied in the GitHub UI ("Update <file>")


MarkFn = Callable[[random.Random, dt.date, Identity], Marking]


@dataclasses.dataclass(frozen=True)
class AiTool:
    """One way an AI tool shows up in commits, available between two dates."""

    key: str
    tool: str
    klass: str  # ai_authored | ai_assisted
    weight: float
    available_from: dt.date
    available_until: dt.date | None
    mark: MarkFn
    agent_branch: str | None = None  # branch prefix when it works through pull requests

    def available(self, day: dt.date) -> bool:
        return day >= self.available_from and (
            self.available_until is None or day < self.available_until
        )


def _token(
    rng: random.Random, size: int, alphabet: str = string.ascii_letters + "0123456789"
) -> str:
    return "".join(rng.choice(alphabet) for _ in range(size))


def _uuid(rng: random.Random) -> str:
    hexd = _token(rng, 32, "0123456789abcdef")
    return f"{hexd[:8]}-{hexd[8:12]}-4{hexd[13:16]}-a{hexd[17:20]}-{hexd[20:]}"


def _claude_code(rng: random.Random, day: dt.date, human: Identity) -> Marking:
    if day < dt.date(2025, 10, 1):
        return Marking(
            trailers=("Co-Authored-By: Claude <noreply@anthropic.com>",),
            footer="🤖 Generated with [Claude Code](https://claude.ai/code)",
        )
    if day < dt.date(2026, 2, 1):
        return Marking(
            trailers=("Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>",),
            footer="🤖 Generated with [Claude Code](https://claude.com/claude-code)",
        )
    model = rng.choice(("Claude Opus 4.6", "Claude Opus 4.6", "Claude Opus 4.6 (1M context)"))
    trailers = [f"Co-Authored-By: {model} <noreply@anthropic.com>"]
    if day >= dt.date(2026, 4, 1) and rng.random() < 0.6:
        trailers.append(f"Claude-Session: https://claude.ai/code/session_01{_token(rng, 22)}")
    footer = None
    if day < dt.date(2026, 5, 1) and rng.random() < 0.4:
        footer = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"
    return Marking(trailers=tuple(trailers), footer=footer)


def _cursor(rng: random.Random, day: dt.date, human: Identity) -> Marking:
    both = ("Made-with: Cursor", "Co-authored-by: Cursor <cursoragent@cursor.com>")
    return Marking(trailers=rng.choice((both, both[:1], both[1:])))


def _aider_trailer(rng: random.Random, day: dt.date, human: Identity) -> Marking:
    model = rng.choice(
        ("anthropic/claude-sonnet-4-20250514", "openai/gpt-4.1", "gemini/gemini-2.5-pro")
    )
    return Marking(trailers=(f"Co-authored-by: aider ({model}) <aider@aider.chat>",))


def _fixed_trailers(*trailers: str) -> MarkFn:
    def mark(rng: random.Random, day: dt.date, human: Identity) -> Marking:
        return Marking(trailers=trailers)

    return mark


def _amp(rng: random.Random, day: dt.date, human: Identity) -> Marking:
    return Marking(
        trailers=(
            f"Amp-Thread-ID: https://ampcode.com/threads/T-{_uuid(rng)}",
            "Co-authored-by: Amp <amp@ampcode.com>",
        )
    )


def _review_suggestion(coauthor: str) -> MarkFn:
    def mark(rng: random.Random, day: dt.date, human: Identity) -> Marking:
        return Marking(
            committer=GITHUB_WEB, trailers=(f"Co-authored-by: {coauthor}",), web_edit=True
        )

    return mark


def _agent(identity: Identity, *, coauthor: str = "name") -> MarkFn:
    """An agent commits as itself; the human who asked is named in a trailer."""

    def mark(rng: random.Random, day: dt.date, human: Identity) -> Marking:
        if coauthor == "email":  # Devin's form: the requesting user's e-mail twice
            trailer = f"Co-Authored-By: {human.email} <{human.email}>"
        else:
            trailer = f"Co-authored-by: {human}"
        return Marking(author=identity, committer=identity, trailers=(trailer,))

    return mark


def _self_identity(identity: Identity) -> MarkFn:
    def mark(rng: random.Random, day: dt.date, human: Identity) -> Marking:
        return Marking(author=identity, committer=identity)

    return mark


def _aider_edit(rng: random.Random, day: dt.date, human: Identity) -> Marking:
    aider = Identity(f"{human.name} (aider)", human.email)
    return Marking(author=aider, committer=aider)


COPILOT_AGENT = Identity("Copilot", "198982749+Copilot@users.noreply.github.com")

AI_TOOLS: tuple[AiTool, ...] = (
    # AI-assisted: a human commits, the tool leaves a trailer or footer.
    AiTool(
        "claude-code", "claude-code", "ai_assisted", 40, dt.date(2025, 3, 1), None, _claude_code
    ),
    AiTool("cursor", "cursor", "ai_assisted", 22, dt.date(2026, 1, 1), None, _cursor),
    AiTool("aider-trailer", "aider", "ai_assisted", 7, dt.date(2025, 6, 1), None, _aider_trailer),
    AiTool(
        "codex-cli",
        "codex",
        "ai_assisted",
        8,
        dt.date(2026, 2, 1),
        None,
        _fixed_trailers("Co-authored-by: Codex <noreply@openai.com>"),
    ),
    AiTool(
        "copilot-cli",
        "copilot-cli",
        "ai_assisted",
        6,
        dt.date(2026, 2, 1),
        None,
        _fixed_trailers("Co-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>"),
    ),
    AiTool("amp", "amp", "ai_assisted", 6, dt.date(2025, 6, 1), None, _amp),
    AiTool(
        "copilot-review",
        "copilot-review",
        "ai_assisted",
        4,
        dt.date(2025, 4, 1),
        None,
        _review_suggestion("Copilot <175728472+Copilot@users.noreply.github.com>"),
    ),
    AiTool(
        "gemini-review",
        "gemini-code-assist",
        "ai_assisted",
        2,
        dt.date(2025, 6, 1),
        None,
        _review_suggestion(
            "gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>"
        ),
    ),
    AiTool(
        "jules-trailer",
        "jules",
        "ai_assisted",
        2,
        dt.date(2026, 1, 1),
        None,
        _fixed_trailers(
            "Co-authored-by: google-labs-jules[bot] "
            "<161369871+google-labs-jules[bot]@users.noreply.github.com>"
        ),
    ),
    # AI-authored: the agent is the author.
    AiTool(
        "copilot-agent",
        "copilot-agent",
        "ai_authored",
        30,
        dt.date(2025, 5, 19),
        None,
        _agent(COPILOT_AGENT),
        agent_branch="copilot/fix-",
    ),
    AiTool(
        "claude-action",
        "claude-code",
        "ai_authored",
        14,
        dt.date(2025, 6, 1),
        None,
        _agent(Identity("claude[bot]", "209825114+claude[bot]@users.noreply.github.com")),
        agent_branch="claude/issue-",
    ),
    AiTool(
        "claude-web",
        "claude-code",
        "ai_authored",
        14,
        dt.date(2025, 10, 1),
        None,
        _self_identity(Identity("Claude", "noreply@anthropic.com")),
        agent_branch="claude/",
    ),
    AiTool(
        "devin",
        "devin",
        "ai_authored",
        12,
        dt.date(2024, 10, 1),
        None,
        _agent(
            Identity("Devin AI", "158243242+devin-ai-integration[bot]@users.noreply.github.com"),
            coauthor="email",
        ),
        agent_branch="devin/",
    ),
    AiTool(
        "cursor-agent",
        "cursor",
        "ai_authored",
        12,
        dt.date(2025, 6, 1),
        None,
        _self_identity(Identity("Cursor Agent", "cursoragent@cursor.com")),
        agent_branch="cursor/",
    ),
    AiTool("aider-edit", "aider", "ai_authored", 8, dt.date(2024, 9, 1), None, _aider_edit),
    AiTool(
        "jules-author",
        "jules",
        "ai_authored",
        5,
        dt.date(2025, 5, 20),
        dt.date(2026, 1, 1),
        _self_identity(
            Identity(
                "google-labs-jules[bot]",
                "161369871+google-labs-jules[bot]@users.noreply.github.com",
            )
        ),
    ),
    AiTool(
        "openhands",
        "openhands",
        "ai_authored",
        5,
        dt.date(2025, 3, 1),
        None,
        _self_identity(Identity("openhands", "openhands@all-hands.dev")),
        agent_branch="openhands/",
    ),
)


def available_tools(klass: str, day: dt.date) -> list[AiTool]:
    return [tool for tool in AI_TOOLS if tool.klass == klass and tool.available(day)]
