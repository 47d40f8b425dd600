"""Entry point for `python -m digits`."""

from digits.commands.app import main

main()
