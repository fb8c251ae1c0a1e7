"""Scripts run inside ``.venv-bench`` (they import PyDriller, never Jevons)."""
