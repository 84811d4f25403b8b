"""The bundled program's entry point (packaging/build.sh): the same as the `yorisoi` command."""

import sys

from ui.main import main

if __name__ == "__main__":
    sys.exit(main())
