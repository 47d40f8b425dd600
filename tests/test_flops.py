"""Each task's analytic FLOP count equals the matrix products its run actually performs."""

import pytest

from digits.core.nn.network import Dense
from digits.core.runs.runner import execute
from digits.core.tasks.base import get_task
from digits.core.tasks.baseline import BaselineConfig
from digits.core.tasks.distill import DistillConfig
from digits.core.tasks.subliminal import SubliminalConfig

CASES = [
    ("baseline", BaselineConfig, {"train_size": 500, "epochs": 2, "hidden": "16 8", "batch_size": 64}),
    ("subliminal", SubliminalConfig, {"train_size": 600, "noise_size": 300, "epochs": 1, "student_epochs": 2,
                                      "hidden": "16", "batch_size": 64, "seeds": "2"}),
    ("subliminal", SubliminalConfig, {"train_size": 600, "noise_size": 300, "epochs": 2, "student_epochs": 1,
                                      "hidden": "8 8", "batch_size": 64, "controls": False}),
    ("distill", DistillConfig, {"train_size": 1200, "epochs": 2, "student_epochs": 1, "hidden": "32",
                                "student_hidden": "16", "batch_size": 64, "probe_size": 500}),
]


@pytest.mark.parametrize("task,config_cls,overrides", CASES)
def test_analytic_flops_match_the_products_performed(task, config_cls, overrides, mnist, monkeypatch):
    counted = 0
    forward, backward = Dense.forward, Dense.backward

    def counting_forward(self, x, train=False):
        nonlocal counted
        counted += 2 * len(x) * self.W.size
        return forward(self, x, train)

    def counting_backward(self, grad, need_input_grad=True):
        nonlocal counted
        counted += 2 * len(grad) * self.W.size * (2 if need_input_grad else 1)
        return backward(self, grad, need_input_grad)

    monkeypatch.setattr(Dense, "forward", counting_forward)
    monkeypatch.setattr(Dense, "backward", counting_backward)
    config = config_cls.build(overrides)
    events = list(execute(task, config, mnist, None))
    assert events[-1].name == "run_finished"
    assert get_task(task).flops(config, mnist) == counted
