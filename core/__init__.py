"""The numpy core: data, networks, losses, optimizers, training loop, tasks and events.

Nothing here imports a front-end (typer, rich, textual, digits.commands, digits.tui).
"""
