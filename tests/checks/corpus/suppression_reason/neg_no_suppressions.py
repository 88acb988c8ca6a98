# corpus-checks: print-call
import logging


def main():
    logging.getLogger(__name__).info("report")
