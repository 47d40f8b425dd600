"""The Typer command-line front-end: one module per command (or command group), assembled in `app`."""
