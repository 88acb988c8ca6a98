class Service:
    def run(self, job):
        try:
            job()
        except Exception:
            self.logger.exception("job failed")
