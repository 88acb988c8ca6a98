# corpus-options: {"allow_dummy_args": true}
def handler(event: str, _context) -> None:
    return None
