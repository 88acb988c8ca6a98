# corpus-path: app/cli_entry.py
# corpus-options: {"entry_points": ["app.cli_entry:run"]}
def run() -> None:
    print("usage: app-tool COMMAND")
