import logging


class Exporter:
    def __init__(self) -> None:
        self._logger = logging.getLogger("exporter")

    def dump(self, fix) -> None:
        try:
            fix()
        except Exception:
            self._logger.error("fixing the data failed; exporting anyway")
