"""The TUI's screens, one per module; each is an app mode switched to with a number key."""
