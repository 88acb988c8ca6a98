from fastapi.responses import JSONResponse


async def webhook(payload, handler):
    try:
        await handler(payload)
    except Exception:
        return JSONResponse({"ok": False}, status_code=500)
    return JSONResponse({"ok": True})
