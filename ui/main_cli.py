"""``python -m ui.main_cli`` runs the ``amanat`` command (used by tests and the demo)."""

from ui.main import cli

if __name__ == "__main__":
    cli()
