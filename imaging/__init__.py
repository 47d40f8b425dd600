"""Digits as pictures for the front-ends (`commands/` and `tui/`): grey levels, ASCII and half
blocks, the Sixel and Kitty graphics encoders, and MNIST-style preprocessing of a drawn digit.
Pure numpy; imports nothing of the front-ends, and core/ does not import it."""
