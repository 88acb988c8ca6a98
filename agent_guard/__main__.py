"""`python -m agent_guard` runs the same command line as the `agent-guard` script.

Like the console script's wrapper, this is where `main()`'s exit code becomes the
process's exit status.
"""

import sys

from agent_guard.cli import main

if __name__ == "__main__":
    sys.exit(main())
