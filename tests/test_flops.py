"""Each task's work list (`Task.gemm_work`, the benchmarks' FLOP counts and GEMM floors) equals the
matrix products a tiny run of it actually performs, counted from the products' operands: every
`np.matmul` in `digits.core.nn.network` and the one `@` there (Highway.gate), split into training
(inside a training forward pass or a backward pass) and evaluation (everything else)."""

import ast
from pathlib import Path

import numpy as np
import pytest

from digits.core.nn import network
from digits.core.nn.flops import Work, mlp_shapes, shapes_train_flops, step_products, train_flops
from digits.core.runs.runner import execute
from digits.core.tasks.base import TASKS, get_task

ROOT = Path(__file__).resolve().parents[1]

CASES = [
    ("baseline", {"train_size": 500, "epochs": 2, "hidden": "16 8", "batch_size": 64}),
    ("subliminal", {"train_size": 600, "noise_size": 300, "epochs": 1, "student_epochs": 2, "hidden": "16",
                    "batch_size": 64, "seeds": "2"}),
    ("subliminal", {"train_size": 600, "noise_size": 300, "epochs": 2, "student_epochs": 1, "hidden": "8 8",
                    "batch_size": 64, "controls": False}),
    ("distill", {"train_size": 1200, "epochs": 2, "student_epochs": 1, "hidden": "32", "student_hidden": "16",
                 "batch_size": 64, "probe_size": 500}),
    ("deep-mlp", {"train_size": 300, "epochs": 2, "hidden": "16 8", "batch_size": 64, "ablation": True}),
    ("mcdnn", {"train_size": 300, "epochs": 2, "hidden": "16 8 8", "batch_size": 64, "columns": 2}),
    ("highway", {"train_size": 300, "test_size": 250, "epochs": 2, "depth": 3, "width": 8, "batch_size": 64}),
    ("highway", {"train_size": 200, "test_size": 0, "epochs": 1, "depths": "1,4", "width": 6, "batch_size": 50,
                 "seeds": "2"}),
    ("lwta", {"per_class": 30, "epochs": 2, "hidden": "8 8", "batch_size": 32}),
    ("lwta", {"per_class": 20, "epochs": 1, "hidden": "6", "block": 3, "batch_size": 16, "split": "even/odd"}),
]


class Counter:
    """Matrix-product FLOPs (2·m·k·n per (m × k)·(k × n) product), by training and evaluation."""

    def __init__(self):
        self.flops = {"train": 0, "eval": 0}
        self.training = 0  # > 0 inside a training forward pass or a backward pass

    def add(self, a: np.ndarray, b: np.ndarray) -> None:
        assert a.ndim == b.ndim == 2 and a.shape[1] == b.shape[0]
        self.flops["train" if self.training else "eval"] += 2 * a.shape[0] * a.shape[1] * b.shape[1]


class CountingNumpy:
    """numpy for `digits.core.nn.network`, with every matmul counted."""

    def __init__(self, counter: Counter):
        self._counter = counter

    def __getattr__(self, name):
        return getattr(np, name)

    def matmul(self, a, b, **kwargs):
        self._counter.add(a, b)
        return np.matmul(a, b, **kwargs)


def counted_array(counter: Counter):
    """An ndarray view type whose `@` (the matmul ufunc) is counted, the result a plain array."""

    class Counted(np.ndarray):
        def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
            plain = [np.asarray(x) if isinstance(x, Counted) else x for x in inputs]
            if ufunc is np.matmul and method == "__call__":
                counter.add(*plain)
            return getattr(ufunc, method)(*plain, **kwargs)

    return Counted


@pytest.fixture
def counter(monkeypatch):
    counter = Counter()
    monkeypatch.setattr(network, "np", CountingNumpy(counter))
    forward, backward, gate = network.Network.forward, network.Network.backward, network.Highway.gate
    counted = counted_array(counter)

    def counting_forward(self, x, train=False):
        counter.training += train
        try:
            return forward(self, x, train)
        finally:
            counter.training -= train

    def counting_backward(self, grad):
        counter.training += 1
        try:
            return backward(self, grad)
        finally:
            counter.training -= 1

    monkeypatch.setattr(network.Network, "forward", counting_forward)
    monkeypatch.setattr(network.Network, "backward", counting_backward)
    monkeypatch.setattr(network.Highway, "gate", lambda self, x: gate(self, x.view(counted)))
    return counter


@pytest.mark.parametrize("task,overrides", CASES, ids=[f"{t}-{i}" for i, (t, _) in enumerate(CASES)])
def test_the_work_list_is_the_products_a_run_performs(task, overrides, mnist, counter):
    config = get_task(task).Config.build(overrides)
    events = list(execute(task, config, mnist, None))
    assert events[-1].name == "run_finished", events[-1]
    work = get_task(task).work(config, mnist)
    assert all(isinstance(w, Work) for w in work)
    assert counter.flops["train"] > 0 and counter.flops["eval"] > 0
    assert sum(w.train_flops for w in work) == counter.flops["train"]
    assert sum(w.eval_flops for w in work) == counter.flops["eval"]
    assert get_task(task).flops(config, mnist) == sum(counter.flops.values())


def test_every_task_has_a_work_list_and_a_case():
    assert {task for task, _ in CASES} == set(TASKS)
    for name in TASKS:
        assert "gemm_work" in vars(TASKS[name]), f"{name} has no gemm_work"


def test_the_counter_sees_every_matrix_product_of_the_networks():
    """The counting above covers every matrix product in core/: the np.matmul calls of
    core/nn/network.py (its `np` is replaced) and its one `@` (Highway.gate, wrapped). core/data/
    (e.g. the warps' Gaussian smoothing, 28 × 28 products) is data preparation, outside the
    networks' work."""
    products = {"matmul", "dot", "einsum", "tensordot", "inner", "vdot", "matvec", "vecmat", "outer"}
    found = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        if path.parent == ROOT / "core" / "data":  # data preparation (the warps' smoothing products)
            continue
        tree = ast.parse(path.read_text(), str(path))
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]

        def where(node, functions=functions):
            inside = [f.name for f in functions if f.lineno <= node.lineno <= f.end_lineno]
            return inside[-1] if inside else None

        for node in ast.walk(tree):
            rel = str(path.relative_to(ROOT))
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
                found.append((rel, "@", where(node)))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in products:
                owner = node.func.value.id if isinstance(node.func.value, ast.Name) else "?"
                found.append((rel, f"{owner}.{node.func.attr}", where(node)))
    assert found, "the scan sees nothing"
    # np.vdot in clip_global_norm is the gradients' squared norm: one pass over the parameters,
    # overhead like the optimizer's update, not a matrix product.
    expected = {("core/nn/optim.py", "np.vdot", "clip_global_norm"), ("core/nn/network.py", "@", "gate")}
    unexpected = [f for f in found if f not in expected and f[:2] != ("core/nn/network.py", "np.matmul")]
    assert not unexpected, unexpected


def test_mlp_counts_match_the_shape_counts():
    sizes = [784, 256, 128, 10]
    assert mlp_shapes(sizes) == ((784, 256), (256, 128), (128, 10))
    per_sample = 6 * (784 * 256 + 256 * 128 + 128 * 10) - 2 * 784 * 256
    assert train_flops(sizes, 3) == shapes_train_flops(mlp_shapes(sizes), 3) == 3 * per_sample
    kinds = [kind for kind, *_ in step_products(mlp_shapes(sizes), 64)]
    assert kinds == ["forward", "weight", "forward", "weight", "input", "forward", "weight", "input"]
