"""The data: MNIST-layout IDX files and the bundled MNIST, images to network inputs, and the
augmentations (translation jitter, affine + elastic warps)."""
