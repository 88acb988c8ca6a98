# This Content is Auto Generated for Pytest
prefix = "/api"


def households_item_id(item_id):
    return f"{prefix}/households/{item_id}"
