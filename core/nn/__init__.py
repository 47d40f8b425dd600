"""The network math: layers and activations, initialisers, losses, optimizers and their numba
kernels, learning-rate schedules, FLOP counts, and network files (numpy float32, no front-end)."""
