import subprocess


async def run_tool() -> bytes:
    proc = subprocess.Popen(["tool"], stdout=subprocess.PIPE)  # expect: AG104:12
    out, _ = proc.communicate()  # expect: AG104:14
    return out
