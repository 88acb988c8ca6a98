# corpus-path: app/services/orders.py
import click


@click.command()
def export() -> None:
    print("exporting")


def place_order(order):
    print("placing", order)  # expect: AG102:5
