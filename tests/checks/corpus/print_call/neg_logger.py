import logging

log = logging.getLogger(__name__)


def handle(order):
    log.info("handling %s", order)
