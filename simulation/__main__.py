"""``python -m simulation``: the same as the ``cocreate`` command."""

import sys

from simulation.cli import main

sys.exit(main())
