import click


@click.command()
def migrate():
    try:
        run_migrations()
    except Exception:
        click.echo("migration failed", err=True)
        raise SystemExit(1)


def run_migrations():
    pass
