from datetime import timezone


class UtcDateTime:
    def process_bind_param(self, value, dialect):
        if value is None:
            return value
        try:
            return value.astimezone(timezone.utc).replace(tzinfo=None)
        except Exception:  # expect: AG103:9
            return value

    def process_result_value(self, value, dialect):
        try:
            value = value.replace(tzinfo=timezone.utc)
        except Exception:  # expect: AG103:9
            pass
        return value
