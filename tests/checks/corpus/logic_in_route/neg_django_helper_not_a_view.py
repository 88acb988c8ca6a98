# corpus-path: hc/accounts/views.py
def _status_of(checks):
    for check in checks:
        if check.down:
            if check.muted:
                continue
            return "down"
    return "up"
