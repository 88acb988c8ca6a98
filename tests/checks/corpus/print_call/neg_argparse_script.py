# corpus-path: app/export_data.py
import argparse


def export(path: str) -> None:
    print(f"exported to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Export the data")
    parser.add_argument("path")
    export(parser.parse_args().path)
