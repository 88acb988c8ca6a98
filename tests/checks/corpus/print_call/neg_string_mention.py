HELP = "use print() only in scripts"


def usage():
    return HELP
