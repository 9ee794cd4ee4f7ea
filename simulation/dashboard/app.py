"""The page ``solara run`` serves for ``cocreate dashboard`` (see ``simulation.dashboard``).

Importing it builds nothing: the model is made when a browser opens the page.
"""

from simulation.dashboard.page import Page

__all__ = ["Page"]
