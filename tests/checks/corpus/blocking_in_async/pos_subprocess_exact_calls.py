import subprocess
from subprocess import check_output as co


async def versions() -> list[str]:
    first = subprocess.check_output(["git", "--version"])  # expect: AG104:13
    second = subprocess.getoutput("python --version")  # expect: AG104:14
    third = co(["make", "--version"])  # expect: AG104:13
    subprocess.check_call(["true"])  # expect: AG104:5
    return [first.decode(), second, third.decode()]
