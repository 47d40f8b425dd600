"""The GEMM floor of `benchmarks.tasks` from a work list: steps × one step's products plus
evaluation chunks × one forward pass, each distinct product timed once (times faked here, so
the arithmetic is checked independently of the CPU)."""

import numpy as np
import pytest

from digits.benchmarks.peak import ProductTimer, floor_seconds, operands, work_products
from digits.core.nn.flops import Work, forward_products, step_products
from digits.core.tasks.base import TASKS, get_task


def fake_timer(products) -> ProductTimer:
    """A timer that 'measured' each product at 1 ns per multiply-add: nothing is timed."""
    timer = ProductTimer()
    timer.seconds.update({p: p[1] * p[2] * p[3] * 1e-9 for p in products})
    return timer


def test_the_floor_is_steps_times_a_step_plus_chunks_times_a_forward_pass():
    shapes = ((784, 100), (100, 200), (200, 10))
    work = [Work("net", shapes, 50, trained=1000, evaluated=5000), Work("net", shapes, 50, 0, 1000),
            Work("other", ((784, 10),), 100, trained=300)]
    timer = fake_timer(work_products(work))
    floor = floor_seconds(work, timer)
    macs_step = 50 * (784 * 100 * 2 + 100 * 200 * 3 + 200 * 10 * 3)  # no input gradient for the first layer
    macs_chunk = 2000 * (784 * 100 + 100 * 200 + 200 * 10)
    assert floor["net"] == pytest.approx((1000 / 50 * macs_step + 6000 / 2000 * macs_chunk) * 1e-9)
    assert floor["other"] == pytest.approx(300 / 100 * 100 * 784 * 10 * 2 * 1e-9)


def test_each_distinct_product_is_timed_once_per_measurement():
    shapes = ((784, 50),) + ((50, 100),) * 30 + ((50, 10),)
    products = work_products([Work("highway", shapes, 128, 100, 100)])
    distinct = set(products)
    assert len(products) == 3 * 32 - 1 + 32 and len(distinct) == 2 + 3 + 3 + 3
    assert distinct == set(step_products(shapes[:2] + shapes[-1:], 128)) | set(forward_products(shapes, 2000))


@pytest.mark.parametrize("kind,m,k,n", [("forward", 8, 5, 3), ("weight", 5, 8, 3), ("input", 8, 3, 5)])
def test_operands_are_laid_out_as_the_network_multiplies_them(kind, m, k, n):
    a, b = operands(kind, m, k, n, np.random.default_rng(0))
    assert a.shape == (m, k) and b.shape == (k, n)
    assert a.flags.f_contiguous == (kind == "weight") and b.flags.f_contiguous == (kind == "input")


def test_the_timer_measures_a_small_product():
    timer = ProductTimer(passes=2, round_seconds=0.001)
    assert 0 < timer.product("forward", 16, 32, 8) < 0.01


@pytest.mark.parametrize("task", sorted(TASKS))
def test_every_task_at_its_defaults_has_a_floor(task, mnist):
    config = get_task(task).Config.build({})
    work = get_task(task).work(config, mnist)
    assert work and all(w.trained or w.evaluated for w in work)
    floor = floor_seconds(work, fake_timer(work_products(work)))
    assert set(floor) == {w.name for w in work} and all(s > 0 for s in floor.values())
