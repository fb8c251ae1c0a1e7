"""AI usage telemetry: what the tools say was used, per day, tool and person or team.

``import_usage`` reads GitHub Copilot's metrics, Claude Code's analytics and OpenTelemetry
exports, Cursor's daily usage and Jevons' own CSV/JSON into the store's ``ai_usage`` table.
The analysis compares it with the commit markers, team by team and week by week; it never
labels a commit from telemetry.
"""

from analyzer.usage.importer import FORMAT_NAMES, UsageFileImport, import_usage
from analyzer.usage.record import UsageKey, UsageRecord

__all__ = ["FORMAT_NAMES", "UsageFileImport", "UsageKey", "UsageRecord", "import_usage"]
