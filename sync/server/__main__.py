"""`python -m sync.server …` is `yorisoi-server …`."""

import sys

from .cli import main

sys.exit(main())
