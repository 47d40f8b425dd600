"""Mechanics of the teacher/student tasks on tiny configs (a few hundred samples, one epoch)."""

import json

import numpy as np
import pytest

from digits.core.calibration import fit_offsets, mean_probability
from digits.core.nn.losses import softmax
from digits.core.nn.persist import load_network
from digits.core.runs.runner import execute
from digits.core.tasks.distill import DistillConfig, transfer_mask
from digits.core.tasks.subliminal import SubliminalConfig

TINY_SUBLIMINAL = {"train_size": 600, "noise_size": 512, "epochs": 1, "student_epochs": 1, "hidden": "16",
                   "batch_size": 64}
TINY_DISTILL = {"train_size": 1200, "epochs": 1, "student_epochs": 1, "hidden": "32", "student_hidden": "16",
                "batch_size": 64, "probe_size": 500}


def run(task, config, mnist, runs_root=None):
    events = list(execute(task, config, mnist, runs_root))
    assert events[-1].name == "run_finished", events[-1]
    return events


@pytest.fixture(scope="module")
def subliminal_run(mnist, tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    events = run("subliminal", SubliminalConfig.build(TINY_SUBLIMINAL), mnist, root)
    models = {name: load_network(f"{events[-1].run_dir}/models/{name}")[0]
              for name in ("teacher", "untrained", "student", "aux_different_init", "all_same_init")}
    return events, models


def test_subliminal_reports_every_model_and_the_comparison(subliminal_run):
    events, _ = subliminal_run
    finished = events[-1]
    assert set(finished.metrics) >= {"teacher_test_accuracy", "student_test_accuracy",
                                      "control_different_init_accuracy", "all_logits_same_init_accuracy",
                                      "all_logits_different_init_accuracy", "untrained_accuracy"}
    phases = [e.phase for e in events if e.name == "phase_started"]
    assert phases == ["teacher", "student", "aux_different_init", "all_same_init", "all_different_init"]
    assert [m["name"] for m in finished.comparison["models"]][0] == "teacher"
    assert all(len(m["per_class"]) == 10 for m in finished.comparison["models"])


def test_students_start_from_the_teachers_initial_weights(subliminal_run):
    _, models = subliminal_run
    untrained, student, different = models["untrained"], models["student"], models["aux_different_init"]
    first_layer = untrained.params[0]
    # The aux-only student's digit outputs get no gradient, so Adam never moves them: they still
    # hold the teacher's *initial* values, and only a student cloned from them can hold those.
    np.testing.assert_array_equal(student.layers[-1].W[:, :10], untrained.layers[-1].W[:, :10])
    np.testing.assert_array_equal(student.layers[-1].b[:10], untrained.layers[-1].b[:10])
    assert not np.array_equal(student.layers[-1].W[:, 10:], untrained.layers[-1].W[:, 10:])
    # The different-init control differs in its draw only: same shapes and same init scale.
    assert all(a.shape == b.shape for a, b in zip(different.params, untrained.params))
    np.testing.assert_array_equal(different.layers[-1].W[:, :10] == untrained.layers[-1].W[:, :10], False)
    assert different.params[0].std() == pytest.approx(first_layer.std(), rel=0.05)


def test_teacher_aux_logits_and_students_digit_logits_get_no_direct_gradient(subliminal_run):
    _, models = subliminal_run
    teacher, untrained = models["teacher"], models["untrained"]
    np.testing.assert_array_equal(teacher.layers[-1].W[:, 10:], untrained.layers[-1].W[:, 10:])
    assert not np.array_equal(teacher.layers[-1].W[:, :10], untrained.layers[-1].W[:, :10])
    all_logits = models["all_same_init"]
    assert not np.array_equal(all_logits.layers[-1].W[:, :10], untrained.layers[-1].W[:, :10])


def test_several_seeds_give_mean_std_and_interval(mnist):
    config = SubliminalConfig.build({**TINY_SUBLIMINAL, "seeds": "2", "controls": False})
    events = run("subliminal", config, mnist)
    metrics = events[-1].metrics
    assert metrics["seeds"] == 2
    for name in ("teacher_test_accuracy", "student_test_accuracy", "untrained_accuracy"):
        assert {name + "_mean", name + "_std", name + "_ci95"} <= set(metrics)
    teacher = next(m for m in events[-1].comparison["models"] if m["name"] == "teacher")
    assert len(teacher["per_seed"]) == 2
    assert teacher["per_seed"][0] != teacher["per_seed"][1]  # each seed draws its own init, data order, noise
    phases = [e.phase for e in events if e.name == "phase_started"]
    assert phases == ["teacher (seed 0)", "student (seed 0)", "teacher (seed 1)", "student (seed 1)"]
    assert "control_different_init_accuracy" not in metrics  # --no-controls


def test_temperature_reaches_the_students_loss(mnist):
    def student_losses(temperature):
        config = SubliminalConfig.build({**TINY_SUBLIMINAL, "controls": False, "temperature": temperature})
        return [e.train_loss for e in run("subliminal", config, mnist) if e.name == "epoch_finished"][1:]

    assert student_losses(1.0) != student_losses(4.0)


def test_same_seed_same_subliminal_numbers(mnist):
    config = SubliminalConfig.build({**TINY_SUBLIMINAL, "controls": False})
    assert run("subliminal", config, mnist)[-1].metrics == run("subliminal", config, mnist)[-1].metrics


def test_omitted_classes_are_absent_from_the_transfer_set(mnist):
    labels = mnist.train_labels
    assert not np.isin(labels[transfer_mask(labels, DistillConfig.build({"omit": "3,8"}))], [3, 8]).any()
    kept = labels[transfer_mask(labels, DistillConfig.build({"keep": "7,8"}))]
    assert set(np.unique(kept)) == {7, 8}


def test_distill_end_to_end_and_results_file(mnist, tmp_path):
    from digits.core import seeding
    from digits.core.data.preprocess import to_inputs
    from digits.core.tasks.common import training_subset

    config = DistillConfig.build(TINY_DISTILL)
    events = run("distill", config, mnist, tmp_path)
    finished = events[-1]
    assert set(finished.metrics) >= {"teacher_test_accuracy", "teacher_omitted_accuracy",
                                      "student_test_accuracy_before", "student_omitted_accuracy_before",
                                      "student_test_accuracy", "student_omitted_accuracy", "bias_offset"}
    results = json.loads((tmp_path / finished.run_id / "results.json").read_text())
    # The student trains on exactly the subset's images that are not 3s.
    _, labels = training_subset(mnist, 1200, seeding.rng(0, "subset"))
    student_phase = next(e for e in events if e.name == "phase_started" and e.phase == "student")
    assert student_phase.samples_per_epoch == results["transfer_size"] == int((labels != 3).sum())
    assert results["absent_classes"] == [3]
    assert [row["offset"] for row in results["sweep"]] == [0.5 * i for i in range(11)]  # 0 -> 5, as published
    corrected, _ = load_network(tmp_path / finished.run_id / "models" / "student")
    raw, _ = load_network(tmp_path / finished.run_id / "models" / "student_uncorrected")
    # The offset makes the mean P(3) on a probe of the full training set equal the frequency of 3s.
    assert results["probe_targets"]["3"] == pytest.approx(6131 / 60000)
    probe = seeding.rng(0, "probe").choice(60000, config.probe_size, replace=False)
    probe_logits = raw.predict_logits(to_inputs(mnist.train_images[probe]))
    assert mean_probability(probe_logits, {3: finished.metrics["bias_offset"]}, 3) == pytest.approx(6131 / 60000,
                                                                                                     abs=1e-4)
    shift = corrected.layers[-1].b - raw.layers[-1].b
    assert shift[3] == pytest.approx(finished.metrics["bias_offset"], abs=1e-5)
    assert np.count_nonzero(shift) == 1


def test_several_omitted_classes_get_suffixed_metrics(mnist):
    finished = run("distill", DistillConfig.build({**TINY_DISTILL, "omit": "3,8"}), mnist)[-1]
    assert {"bias_offset_3", "bias_offset_8", "student_omitted_accuracy_3", "teacher_omitted_accuracy_8"} <= set(
        finished.metrics)


def test_bisection_hits_the_target_frequency():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((2000, 10)) * 3
    logits[:, 3] -= 4  # a class the model under-predicts
    offsets = fit_offsets(logits, {3: 0.1022})
    assert offsets[3] > 0
    assert mean_probability(logits, offsets, 3) == pytest.approx(0.1022, abs=1e-4)
    both = fit_offsets(logits, {3: 0.1, 8: 0.2})
    shifted = logits.copy()
    shifted[:, 3] += both[3]
    shifted[:, 8] += both[8]
    probs = softmax(shifted).mean(axis=0)
    assert probs[3] == pytest.approx(0.1, abs=1e-3) and probs[8] == pytest.approx(0.2, abs=1e-3)


def test_noise_is_float32_in_range_and_seeded():
    from digits.core import seeding
    from digits.core.tasks.subliminal import make_noise

    cfg = SubliminalConfig.build({"noise_size": 2000})
    noise = make_noise(cfg, seeding.rng(0, "noise"), 784)
    assert noise.dtype == np.float32 and noise.shape == (2000, 784)
    assert -1 <= noise.min() < -0.99 and 0.99 < noise.max() <= 1
    assert abs(float(noise.mean())) < 0.01
    np.testing.assert_array_equal(noise, make_noise(cfg, seeding.rng(0, "noise"), 784))
