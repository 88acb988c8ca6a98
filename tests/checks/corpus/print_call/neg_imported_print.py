from rich import print


def show(table):
    print(table)
