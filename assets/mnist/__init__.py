"""The four MNIST IDX files, gzip-compressed, shipped as package data (see README.md)."""
