import asyncio
import subprocess


async def build() -> int:
    try:
        proc = await asyncio.create_subprocess_exec("make", stdout=subprocess.PIPE)
        await proc.wait()
    except subprocess.SubprocessError as error:
        raise subprocess.CalledProcessError(1, "make") from error
    return subprocess.DEVNULL
