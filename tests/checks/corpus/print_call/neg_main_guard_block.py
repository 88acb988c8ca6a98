# corpus-path: app/initial_data.py
import logging

log = logging.getLogger(__name__)


def init() -> None:
    log.info("creating initial data")


def main() -> None:
    init()
    print("Initial data created")


if __name__ == "__main__":
    main()
    print("done")
