"""The Textual front-end (`digits tui`). Screens and widgets live in modules of their own here."""
