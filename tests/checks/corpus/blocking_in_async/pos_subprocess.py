import subprocess


async def build():
    subprocess.run(["make"], check=True)  # expect: AG104:5
    proc = subprocess.Popen(["ls"])  # expect: AG104:12
    return proc
