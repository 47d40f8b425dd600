"""digits: a terminal lab for training small numpy neural networks on handwritten digits."""

__version__ = "0.1.0"
