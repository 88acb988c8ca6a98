import os


async def run(command, pid):
    os.system(command)  # expect: AG104:5
    os.waitpid(pid, 0)  # expect: AG104:5
    os.spawnl(os.P_WAIT, "/bin/true", "true")  # expect: AG104:5
