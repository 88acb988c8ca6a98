from fastapi import HTTPException


def parse_token(decode, token):
    try:
        return decode(token)
    except Exception:
        raise HTTPException(status_code=403, detail="Could not validate credentials")
