"""``python -m simulation.cli``: the same as the ``cocreate`` command."""

import sys

from simulation.cli import main

sys.exit(main())
