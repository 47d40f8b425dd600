"""Reading an X window dump (`xwd -root`, ZPixmap, 24 or 32 bits per pixel) into an RGB array, so the
Sixel check needs no image tool beyond x11-apps."""

import numpy as np


def read_xwd(data: bytes) -> np.ndarray:
    header = np.frombuffer(data[:100], dtype=">u4")
    header_size, version, pixmap_format = int(header[0]), int(header[1]), int(header[2])
    if version != 7 or pixmap_format != 2:
        raise ValueError(f"unsupported XWD (version {version}, format {pixmap_format})")
    width, height = int(header[4]), int(header[5])
    byte_order, bits_per_pixel, bytes_per_line = int(header[7]), int(header[11]), int(header[12])
    red_mask, green_mask, blue_mask = int(header[14]), int(header[15]), int(header[16])
    ncolors = int(header[19])
    if bits_per_pixel not in (24, 32):
        raise ValueError(f"unsupported XWD depth: {bits_per_pixel} bits per pixel")
    start = header_size + 12 * ncolors
    raw = np.frombuffer(data[start:start + bytes_per_line * height], np.uint8).reshape(height, bytes_per_line)
    step = bits_per_pixel // 8
    raw = raw[:, :width * step].reshape(height, width, step).astype(np.uint32)
    if byte_order != 0:  # MSBFirst: most significant byte first
        raw = raw[..., ::-1]
    pixels = sum(raw[..., k] << (8 * k) for k in range(step))

    def channel(mask):
        shift = (mask & -mask).bit_length() - 1
        return ((pixels & mask) >> shift).astype(np.uint8)

    return np.stack([channel(red_mask), channel(green_mask), channel(blue_mask)], axis=-1)
