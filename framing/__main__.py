"""``python -m framing``: the ``framing`` command."""

import sys

from .cli.app import main

sys.exit(main())
