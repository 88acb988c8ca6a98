# corpus-checks: async-without-await
import functools


@functools.wraps(print)  # agent-guard: ignore[async-without-await] the framework requires async
async def hook():
    return None
