"""The one error discovery raises for bad input."""

from __future__ import annotations


class DiscoveryError(ValueError):
    """Input discovery cannot use; ``flag`` names the option or argument at fault."""

    def __init__(self, flag: str, message: str):
        super().__init__(message)
        self.flag = flag
