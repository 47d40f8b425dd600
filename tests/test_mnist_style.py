"""imaging/mnist_style: the brush, the stroke, and MNIST's crop-scale-centre preprocessing."""

import numpy as np
import pytest

from digits.core.runs.inspection import find_run, load_models, probabilities
from digits.imaging.mnist_style import BOX, CENTRE, centre_of_mass, line, preprocess, resample_matrix, stamp


def blank() -> np.ndarray:
    return np.zeros((28, 28), np.float32)


def ink_box(image: np.ndarray) -> tuple[int, int]:
    """(height, width) of the bounding box of every non-zero pixel."""
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def test_empty_canvas_stays_empty():
    out = preprocess(blank())
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert not out.any()


@pytest.mark.parametrize(("top", "left", "h", "w"), [(1, 1, 6, 12), (15, 3, 12, 6), (2, 20, 5, 5), (0, 0, 28, 28)])
def test_box_scaled_to_20_and_centred_by_mass(top, left, h, w):
    canvas = blank()
    canvas[top:top + h, left:left + w] = 1.0
    out = preprocess(canvas)
    box = ink_box(out)
    assert max(box) == BOX
    # aspect ratio kept (to the pixel)
    assert abs(box[0] * w - box[1] * h) <= max(h, w)
    cy, cx = centre_of_mass(out)
    assert abs(cy - CENTRE) <= 0.5 and abs(cx - CENTRE) <= 0.5
    assert out.min() >= 0 and out.max() <= 1 and out.dtype == np.float32


def test_lopsided_digit_is_centred_by_mass_not_by_box():
    canvas = blank()
    canvas[2:22, 4] = 1.0  # a thin stem ...
    canvas[2:22, 10:14] = 1.0  # ... and a heavy one: the mass sits right of the box's middle
    out = preprocess(canvas)
    cy, cx = centre_of_mass(out)
    assert abs(cy - CENTRE) <= 0.5 and abs(cx - CENTRE) <= 0.5
    cols = np.flatnonzero(out.any(axis=0))
    assert CENTRE - cols[0] > cols[-1] - CENTRE  # the box is off-centre, to the left


def test_resample_matrix():
    assert np.allclose(resample_matrix(7, 7), np.eye(7))
    for n_in, n_out in ((26, 20), (5, 20), (20, 3)):
        m = resample_matrix(n_in, n_out)
        assert m.shape == (n_out, n_in) and m.dtype == np.float32
        assert np.allclose(m.sum(axis=1), 1)  # a flat grey stays that grey
    # shrinking covers every input pixel: a one-pixel line never falls between samples
    assert (resample_matrix(28, 20).sum(axis=0) > 0).all()


def test_stamp_is_a_soft_round_max_combined_dab():
    canvas = stamp(blank(), 10.0, 12.0, radius=1.5)
    # the four pixels around (10, 12) are 0.5√2 from it: full ink
    assert (canvas[11:13, 9:11] == 1).all()
    # soft edge: 1.58 px away -> 0.42; nothing from radius + 0.5 on
    assert canvas[10, 10] == pytest.approx(2.0 - np.hypot(0.5, 1.5), abs=1e-6)
    yy, xx = np.mgrid[0:28, 0:28] + 0.5
    assert not canvas[np.hypot(xx - 10, yy - 12) >= 2.0].any()
    # round: symmetric under swapping the axes around the centre
    assert np.array_equal(canvas[7:17, 5:15], canvas[7:17, 5:15].T)
    again = stamp(canvas.copy(), 10.0, 12.0, radius=1.5)
    assert np.array_equal(again, canvas)  # max-combined, not added
    near = stamp(canvas.copy(), 10.5, 12.0, radius=1.5)
    assert near.max() == 1 and (near >= canvas).all()


def test_stamp_off_the_edge_paints_only_inside():
    canvas = stamp(blank(), -0.5, 27.5)
    assert canvas[27, 0] > 0 and canvas.max() <= 1
    assert not stamp(blank(), -5, -5).any()


def test_line_leaves_no_gaps_and_equals_dense_stamps():
    canvas = line(blank(), 2.5, 3.5, 25.5, 20.5)
    dense = blank()
    for t in np.linspace(0, 1, 400):
        stamp(dense, 2.5 + 23 * t, 3.5 + 17 * t)
    assert np.allclose(canvas, dense, atol=0.02)
    # every pixel the segment passes through is full ink
    t = np.linspace(0, 1, 200)
    rows, cols = (3.5 + 17 * t).astype(int), (2.5 + 23 * t).astype(int)
    assert (canvas[rows, cols] == 1).all()


def displace(image: np.ndarray, factor: float, top: int, left: int) -> np.ndarray:
    """An MNIST digit resized by `factor` and moved, as if drawn small or large somewhere else."""
    level = image.astype(np.float32) / 255
    n = round(28 * factor)
    scaled = resample_matrix(28, n) @ level @ resample_matrix(28, n).T
    out = np.zeros((28, 28), np.float32)
    src = scaled[max(0, -top):, max(0, -left):]
    src = src[:28 - max(top, 0), :28 - max(left, 0)]
    out[max(top, 0):max(top, 0) + src.shape[0], max(left, 0):max(left, 0) + src.shape[1]] = src
    return out


def test_mnist_digits_are_already_preprocessed(mnist):
    images = mnist.test_images[:200]
    out = np.stack([preprocess(i.astype(np.float32) / 255) for i in images])
    assert np.abs(out - images / 255).mean() < 1e-3


def test_preprocess_makes_moved_and_resized_digits_recognisable_again(mnist, tui_runs):
    root, ids = tui_runs
    net, meta = load_models(find_run(root, ids["baseline"]))["model"]
    images, labels = mnist.test_images[:300], mnist.test_labels[:300]

    def accuracy(batch: np.ndarray) -> float:
        as_uint8 = np.rint(np.clip(batch, 0, 1) * 255).astype(np.uint8)
        return float((probabilities(net, meta, as_uint8).argmax(axis=1) == labels).mean())

    original = accuracy(images / 255)
    moved = np.stack([displace(img, f, t, le) for img, (f, t, le) in
                      zip(images, [(0.55, 0, 0), (0.6, 12, 13), (1.0, -3, 5), (0.7, 10, 0)] * 75, strict=True)])
    restored = np.stack([preprocess(m) for m in moved])
    # the fixture's tiny baseline (one epoch on 1,000 digits) gets about 60%; moved digits, chance
    assert original > 0.5
    assert accuracy(moved) < 0.25  # the model really depends on MNIST's framing ...
    assert accuracy(restored) > original - 0.1  # ... which preprocess gives back
