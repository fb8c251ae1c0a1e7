"""Jevons: is cheaper code production adding to complexity and on-call load, and how sure are we?

The library behind the ``jevons`` command. Every command is a thin wrapper over a function
of this package with the same argument names, so a notebook can do what the CLI does.
Nothing happens on import.
"""

__version__ = "0.1.0"
