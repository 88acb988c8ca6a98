"""`python -m agent_guard` runs the same command line as the `agent-guard` script."""

from agent_guard.cli import main

if __name__ == "__main__":
    main()
