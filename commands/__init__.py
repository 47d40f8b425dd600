"""The Typer command-line front-end: one sub-app per command module, assembled in `app`."""
