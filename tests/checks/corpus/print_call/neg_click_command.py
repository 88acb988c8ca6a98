# corpus-path: app/commands.py
import click


@click.group()
def cli() -> None:
    pass


@cli.command("seed")
@click.option("--count", default=10)
def seed(count: int) -> None:
    for number in range(count):
        print(f"seeded {number}")
