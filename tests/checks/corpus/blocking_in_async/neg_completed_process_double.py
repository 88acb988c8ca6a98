import subprocess


class FakeRunner:
    async def run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, 0, stdout="ok", stderr="")
