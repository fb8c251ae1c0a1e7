"""Sample repositories with known truth: scenario definitions and a deterministic generator.

``generate_scenario("jevons-volume")`` builds (or reuses) a git repository, its incident
exports, an ownership file and a ground-truth JSON under ``sample_repos/generated/``; see
``sample_repos/README.md`` for the layout and the truth file's fields.
"""

from sample_repos.generate import ScenarioPaths, generate_scenario, is_up_to_date
from sample_repos.scenario import DEFAULT_SCENARIO, Scenario, list_scenarios, load_scenario

__all__ = [
    "DEFAULT_SCENARIO",
    "Scenario",
    "ScenarioPaths",
    "generate_scenario",
    "is_up_to_date",
    "list_scenarios",
    "load_scenario",
]
