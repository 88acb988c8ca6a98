# corpus-path: app/admin.py
import typer

app = typer.Typer()


@app.command()
def create_user(email: str) -> None:
    print(f"created {email}")
