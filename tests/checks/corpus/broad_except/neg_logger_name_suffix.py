from app.core import audit_logger


def sync(client, item_id):
    try:
        client.push(item_id)
    except Exception as error:
        audit_logger.warning("push of %s failed: %s", item_id, error)
        return False
    return True
