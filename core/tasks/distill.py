"""`distill`: dark knowledge — a student recognises a digit it never saw (Hinton, Vinyals & Dean 2015, §3).

A large teacher is trained on all digits. A smaller student is trained only to match the
teacher's softened outputs (temperature T) on a transfer set from which every example of the
omitted class (3 by default) was removed. The student still recognises most 3s, because the
teacher's soft targets on other digits say how 3-like they are; raising the student's 3-bias
(found by bisection so that it predicts 3s as often as they occur) recovers most of the rest.
"""

from dataclasses import dataclass

import numpy as np

from digits.core import seeding
from digits.core.calibration import BISECTION_LIMIT, fit_offsets, predict_with_offsets
from digits.core.config import TrainConfig, option
from digits.core.data.augment import random_translate
from digits.core.data.dataset import require_mnist_shape
from digits.core.data.preprocess import to_inputs
from digits.core.errors import ConfigError
from digits.core.events import Comparison
from digits.core.figures.kinds import BarGroup, Bars, Chart, Mark, Panel, Series
from digits.core.nn.flops import Work, mlp_shapes
from digits.core.nn.losses import cross_entropy, soft_target
from digits.core.nn.network import Network
from digits.core.nn.optim import Adam
from digits.core.nn.schedules import Constant
from digits.core.runs.record import table
from digits.core.stats import agreement, per_class_accuracy
from digits.core.tasks.base import Task, register
from digits.core.tasks.common import differs_from_defaults, training_subset
from digits.core.training import Phase, shuffled_batches, train

CLASSES = 10
SWEEP_OMIT = np.round(np.arange(0.0, 5.01, 0.5), 2)  # raising the unseen classes' biases
SWEEP_KEEP = -np.arange(0.0, 10.01, 1.0)  # lowering the kept classes' biases (the paper: -7.6)

# Hinton et al. 2015 §3 (test errors out of 10,000; 1,010 test 3s) and the numpy reproduction's write-up.
PAPER_OMIT_3 = [
    ("teacher (paper: 67 errors)", "teacher_test_accuracy", 1 - 67 / 10000),
    ("student without 3s, before correction (paper: 206 errors)", "student_test_accuracy_before", 1 - 206 / 10000),
    ("… on test 3s (paper: 133 of 1010 wrong)", "student_omitted_accuracy_before", 1 - 133 / 1010),
    ("student after correction (paper: 109 errors, 3-bias +3.5)", "student_test_accuracy", 1 - 109 / 10000),
    ("… on test 3s (paper: 14 wrong, 98.6%)", "student_omitted_accuracy", 1 - 14 / 1010),
    ("student after correction (numpy reproduction, seed 0)", "student_test_accuracy", 0.9807),
    ("… on test 3s (numpy reproduction)", "student_omitted_accuracy", 0.9782),
]
PAPER_KEEP_78 = [
    ("student trained on 7s and 8s only, before (paper: 47.3% error)", "student_test_accuracy_before", 0.527),
    ("after lowering the 7 and 8 biases by 7.6 (paper: 13.2% error)", "student_test_accuracy", 0.868),
]


@dataclass
class DistillConfig(TrainConfig):
    epochs: int = option(12, "Teacher epochs.", min=1)
    lr: float = option(1e-3, "Teacher learning rate (Adam).", positive=True)
    hidden: tuple[int, ...] = option((1200, 1200), "Teacher hidden layer sizes.", metavar="SIZES")
    jitter: int = option(2, "Teacher's random translation in pixels (0 = none).", min=0)
    student_hidden: tuple[int, ...] = option((800, 800), "Student hidden layer sizes.", metavar="SIZES")
    student_epochs: int = option(20, "Student epochs.", min=1)
    student_lr: float = option(1e-3, "Student learning rate (Adam).", positive=True)
    temperature: float = option(20.0, "Distillation temperature (soft-target loss scaled by T²).", positive=True)
    hard_weight: float = option(0.0, "Add this weight × hard-label cross-entropy on the transfer set.", min=0)
    omit: tuple[int, ...] = option((3,), "Classes removed from the transfer set, e.g. 3 or 3,8.",
                                   metavar="CLASSES", item_range=(0, 9), allow_empty=True)
    keep: tuple[int, ...] = option((), "Transfer set of only these classes, e.g. 7,8 (overrides --omit).",
                                   metavar="CLASSES", item_range=(0, 9), allow_empty=True)
    probe_size: int = option(5000, "Training images used to fit the bias correction.", min=1)

    def validate(self) -> None:
        super().validate()
        if not self.keep and not self.omit:
            raise ConfigError("--omit needs at least one class (e.g. --omit 3), or give --keep")
        if not self.keep and len(set(self.omit)) == CLASSES:
            raise ConfigError("--omit removes every class: the transfer set would be empty")
        if self.keep and len(set(self.keep)) == CLASSES:
            raise ConfigError("--keep lists every class: nothing would be unseen by the student")

    def validate_data(self, dataset) -> None:
        super().validate_data(dataset)
        if self.jitter:
            require_mnist_shape(dataset, "distill's translation jitter (--jitter)")
        _, labels = training_subset(dataset, self.train_size, seeding.rng(self.seed, "subset"))
        transfer = int(transfer_mask(labels, self).sum())
        if transfer < self.batch_size:
            raise ConfigError(f"the transfer set would hold only {transfer} images, fewer than --batch-size "
                              f"{self.batch_size}; use more data or a smaller batch")
        for c in self.absent():
            if not (dataset.test_labels == c).any():
                raise ConfigError(f"the test set has no images of class {c}, so the unseen class cannot be scored")

    def absent(self) -> list[int]:
        """Classes the student never sees."""
        if self.keep:
            return [c for c in range(CLASSES) if c not in self.keep]
        return sorted(set(self.omit))

    def corrected(self) -> list[int]:
        """Classes whose output bias is corrected: the omitted ones, or the kept ones (lowered)."""
        return sorted(set(self.keep)) if self.keep else sorted(set(self.omit))


def transfer_mask(labels: np.ndarray, cfg: DistillConfig) -> np.ndarray:
    """Which training images the student may see: all but the omitted classes, or only the kept ones."""
    return np.isin(labels, cfg.keep) if cfg.keep else ~np.isin(labels, cfg.absent())


def scores(predicted: np.ndarray, labels: np.ndarray, absent: list[int]) -> dict:
    hits = predicted == labels
    unseen = np.isin(labels, absent)
    out = {"test_accuracy": float(hits.mean()), "omitted_accuracy": float(hits[unseen].mean()),
           "errors": int((~hits).sum()), "omitted_errors": int((~hits[unseen]).sum()),
           "per_class": per_class_accuracy(predicted, labels, CLASSES)}
    if len(absent) > 1:
        for c in absent:
            out[f"omitted_accuracy_{c}"] = float(hits[labels == c].mean())
    return out


@register
class Distill(Task):
    name = "distill"
    summary = ("Dark knowledge: a student distilled without any 3s still recognises 3s; a bias "
               "correction recovers the rest.")
    reference = "Hinton, Vinyals & Dean 2015, Distilling the knowledge in a neural network, §3"
    Config = DistillConfig
    highlight_label = "digits the student never saw"
    headline = (("student_test_accuracy", "student"), ("student_omitted_accuracy", "student on unseen digits"),
                ("teacher_test_accuracy", "teacher"))
    contrasts = (("unseen digits: after − before correction", "student_omitted_accuracy",
                  "student_omitted_accuracy_before"),)

    def run(self, cfg: DistillConfig, ctx):
        data, seed, absent = ctx.dataset, cfg.seed, cfg.absent()
        images, labels = training_subset(data, cfg.train_size, seeding.rng(seed, "subset"))
        # Training images stay uint8 (made float32 a batch at a time): float32 copies of the
        # training and transfer sets would hold 360 MB more.
        x_test, y_test = to_inputs(data.test_images), data.test_labels

        def evaluate(net):
            return scores(net.predict_logits(x_test).argmax(axis=1), y_test, absent)

        teacher = Network.mlp([x_test.shape[1], *cfg.hidden, CLASSES], "relu", seeding.rng(seed, "init", "teacher"),
                              weight_init="he_normal", bias_init="zeros")
        jitter_rng = seeding.rng(seed, "augment")
        # Shifting the uint8 images with zero fill, then scaling, equals shifting the [0, 1] inputs.
        prepare = (lambda xb: to_inputs(random_translate(xb, jitter_rng, cfg.jitter))) if cfg.jitter else to_inputs
        yield from train(Phase(
            name="teacher", net=teacher, optimizer=Adam(teacher.params, cfg.lr), loss=cross_entropy,
            batches=shuffled_batches(images, labels, cfg.batch_size, seeding.rng(seed, "shuffle", "teacher"), prepare),
            epochs=cfg.epochs, schedule=Constant(cfg.lr), evaluate=evaluate,
        ), ctx.should_stop)

        in_transfer = transfer_mask(labels, cfg)
        x_transfer, y_transfer = images[in_transfer], labels[in_transfer]
        soft = teacher.predict_logits(x_transfer, prepare=to_inputs)
        T, w = cfg.temperature, cfg.hard_weight

        def loss(logits, targets):
            teacher_logits, hard_labels = targets
            value, grad = soft_target(logits, teacher_logits, T, kind="kl")
            if w:
                hard_value, hard_grad = cross_entropy(logits, hard_labels)
                value, grad = value + w * hard_value, grad + w * hard_grad
            return value, grad

        student = Network.mlp([x_test.shape[1], *cfg.student_hidden, CLASSES], "relu",
                              seeding.rng(seed, "init", "student"), weight_init="he_normal", bias_init="zeros")
        yield from train(Phase(
            name="student", net=student, optimizer=Adam(student.params, cfg.student_lr), loss=loss,
            batches=shuffled_batches(x_transfer, (soft, y_transfer), cfg.batch_size,
                                     seeding.rng(seed, "shuffle", "student"), to_inputs),
            epochs=cfg.student_epochs, schedule=Constant(cfg.student_lr), evaluate=evaluate,
        ), ctx.should_stop)

        # Bias correction on a probe of the full training set (all classes present).
        probe = seeding.rng(seed, "probe").choice(len(data.train_images), min(cfg.probe_size, len(data.train_images)),
                                                  replace=False)
        probe_logits = student.predict_logits(to_inputs(data.train_images[probe]))
        frequency = np.bincount(data.train_labels, minlength=CLASSES) / len(data.train_labels)
        offsets = fit_offsets(probe_logits, {c: float(frequency[c]) for c in cfg.corrected()})

        test_logits = student.predict_logits(x_test)
        teacher_pred = teacher.predict_logits(x_test).argmax(axis=1)
        before = test_logits.argmax(axis=1)
        after = predict_with_offsets(test_logits, offsets)
        sweep = [{"offset": float(s),
                  **{k: v for k, v in scores(predict_with_offsets(test_logits, {c: s for c in offsets}),
                                             y_test, absent).items() if k in ("test_accuracy", "omitted_accuracy")}}
                 for s in (SWEEP_KEEP if cfg.keep else SWEEP_OMIT)]
        clipped = [c for c, b in offsets.items() if abs(b) > BISECTION_LIMIT - 0.01]
        corrected_student = student.clone()
        for c, b in offsets.items():
            corrected_student.layers[-1].b[c] += np.float32(b)

        t, sb, sa = scores(teacher_pred, y_test, absent), scores(before, y_test, absent), scores(after, y_test, absent)
        metrics = metric_dict(t, sb, sa, offsets, absent)
        meta = {"task": self.name, "config": cfg.to_dict()}
        unseen = "/".join(map(str, absent))
        ctx.save_model("teacher", teacher, role="teacher", label="teacher", meta=meta)
        ctx.save_model("student", corrected_student, role="student",
                       label=f"student (no {unseen} seen), after bias correction",
                       meta={**meta, "bias_offsets": {str(c): b for c, b in offsets.items()}})
        ctx.save_model("student_uncorrected", student, role="control",
                       label=f"student (no {unseen} seen), before bias correction", short="uncorr.", meta=meta)
        ctx.save_json("results.json", {
            "metrics": metrics, "absent_classes": absent, "corrected_classes": cfg.corrected(),
            "bias_offsets": {str(c): b for c, b in offsets.items()},
            "probe_targets": {str(c): float(frequency[c]) for c in offsets},
            "transfer_size": int(len(x_transfer)),
            "per_class": {"teacher": t["per_class"], "student_before": sb["per_class"], "student": sa["per_class"]},
            "sweep": sweep,
        })
        ctx.save_results(tables={
            "offset_sweep": table(["offset", "test_accuracy", "omitted_accuracy"],
                                  [[r["offset"], r.get("test_accuracy"), r.get("omitted_accuracy")] for r in sweep]),
            "bias_offsets": table(["class", "offset", "probe_target"],
                                  [[c, b, float(frequency[c])] for c, b in offsets.items()])})
        panel = comparison(cfg, data, t, sb, sa, offsets, sweep, absent,
                           {"teacher": teacher_pred, "student_before": before, "student": after},
                           seeding.rng(seed, "examples"))
        if clipped:
            panel.notes.append(f"the bias target of class {'/'.join(map(str, clipped))} is out of reach: its offset "
                               f"stopped at the search limit ±{BISECTION_LIMIT:g}")
        yield panel
        return metrics

    def figures(self, source) -> list:
        sweep, offsets = source.table("offset_sweep"), source.table("bias_offsets")
        corrected = [int(r["class"]) for r in offsets]
        unseen = "/".join(map(str, source.record.highlight or corrected))
        which = "/".join(map(str, corrected))
        out = []
        if sweep:
            marks = [Mark(r["offset"], f"chosen for {r['class']}: {r['offset']:+.2f}", axis="x") for r in offsets]
            out.append(Chart(
                "offset_sweep", "Bias correction: accuracy against the offset",
                f"The student's test accuracy on the {unseen}s it never saw and on all test digits when the bias of "
                f"class {which} is moved by the offset on the x axis; the dashed line is the offset the run chose "
                "by its class-frequency criterion.",
                [Panel(f"offset added to the bias of {which}", "test accuracy", [
                    Series(f"on the {unseen}s", [r["offset"] for r in sweep], [r["omitted_accuracy"] for r in sweep]),
                    Series("on all digits", [r["offset"] for r in sweep], [r["test_accuracy"] for r in sweep])],
                    marks=marks, percent=True)]))
        views = source.views
        if offsets and {"student", "student_uncorrected"} <= set(views):
            labels = views["student"].labels
            classes = views["student"].probs.shape[1]
            frequency = np.bincount(labels, minlength=classes) / len(labels)
            targets = ", ".join(f"{r['probe_target']:.3f} for {r['class']}" for r in offsets)
            out.append(Bars(
                "criterion", "The class-frequency criterion",
                f"The offset of {which} is found by bisection so that the student's mean predicted probability of "
                f"the class equals its frequency among training digits (measured on {source.config.get('probe_size')}"
                f" training images: {targets}). Here on the test digits: each class's frequency, and the student's "
                "mean predicted probability of it before and after the correction.",
                categories=[str(c) for c in range(classes)],
                groups=[BarGroup("class frequency", frequency.tolist()),
                        BarGroup("before correction", views["student_uncorrected"].probs.mean(axis=0).tolist()),
                        BarGroup("after correction", views["student"].probs.mean(axis=0).tolist())],
                xlabel="digit", ylabel="mean predicted probability", highlight=corrected,
                highlight_label="the corrected class", percent=False))
        return out

    def gemm_work(self, cfg: DistillConfig, dataset) -> list[Work]:
        _, labels = training_subset(dataset, cfg.train_size, seeding.rng(cfg.seed, "subset"))
        n, t, k = len(labels), len(dataset.test_labels), int(transfer_mask(labels, cfg).sum())
        probe = min(cfg.probe_size, len(dataset.train_images))
        inputs = int(np.prod(dataset.image_shape))
        # The teacher: training, a test evaluation per epoch, its soft targets on the transfer set,
        # its final test predictions; the student: training on the transfer set, a test evaluation
        # per epoch, the probe of the bias correction, its final test logits.
        return [Work("teacher", mlp_shapes([inputs, *cfg.hidden, CLASSES]), cfg.batch_size,
                     cfg.epochs * n, cfg.epochs * t + k + t),
                Work("student", mlp_shapes([inputs, *cfg.student_hidden, CLASSES]), cfg.batch_size,
                     cfg.student_epochs * k, cfg.student_epochs * t + probe + t)]


def metric_dict(t: dict, sb: dict, sa: dict, offsets: dict[int, float], absent: list[int]) -> dict:
    metrics = {
        "teacher_test_accuracy": t["test_accuracy"], "teacher_omitted_accuracy": t["omitted_accuracy"],
        "student_test_accuracy_before": sb["test_accuracy"],
        "student_omitted_accuracy_before": sb["omitted_accuracy"],
        "student_test_accuracy": sa["test_accuracy"], "student_omitted_accuracy": sa["omitted_accuracy"],
        "teacher_test_errors": t["errors"], "student_test_errors_before": sb["errors"],
        "student_omitted_errors_before": sb["omitted_errors"], "student_test_errors": sa["errors"],
        "student_omitted_errors": sa["omitted_errors"],
    }
    if len(absent) > 1:
        for c in absent:
            metrics[f"teacher_omitted_accuracy_{c}"] = t[f"omitted_accuracy_{c}"]
            metrics[f"student_omitted_accuracy_before_{c}"] = sb[f"omitted_accuracy_{c}"]
            metrics[f"student_omitted_accuracy_{c}"] = sa[f"omitted_accuracy_{c}"]
    if len(offsets) == 1:
        metrics["bias_offset"] = next(iter(offsets.values()))
    else:
        for c, b in offsets.items():
            metrics[f"bias_offset_{c}"] = b
    return metrics


def comparison(cfg, data, t, sb, sa, offsets, sweep, absent, predictions, rng) -> Comparison:
    unseen = "/".join(map(str, absent))
    models = [
        {"name": "teacher", "short": "teacher", "label": f"teacher {'-'.join(map(str, cfg.hidden))}", **t},
        {"name": "student_before", "short": "before",
         "label": f"student {'-'.join(map(str, cfg.student_hidden))}, no {unseen}", **sb},
        {"name": "student", "short": "after", "label": "student after bias correction", **sa},
    ]
    metrics = metric_dict(t, sb, sa, offsets, absent)
    if not cfg.keep and tuple(cfg.omit) == (3,):
        reference = [{"what": what, "ours": metrics[key], "published": value} for what, key, value in PAPER_OMIT_3]
    elif tuple(sorted(cfg.keep)) == (7, 8):
        reference = [{"what": what, "ours": metrics[key], "published": value} for what, key, value in PAPER_KEEP_78]
    else:
        reference = []
    unseen_idx = np.flatnonzero(np.isin(data.test_labels, absent))
    indices = np.concatenate([rng.choice(unseen_idx, min(2, len(unseen_idx)), replace=False),
                              rng.choice(len(data.test_labels), 1, replace=False)])
    examples = {"indices": indices.tolist(), "labels": data.test_labels[indices].tolist(),
                "images": data.test_images[indices].tolist(),
                "predictions": {name: p[indices].tolist() for name, p in predictions.items()}}
    notes = []
    if reference and differs_from_defaults(cfg, DistillConfig(), ("omit", "keep", "seed")):
        notes.append("your settings differ from the defaults the published figures were measured with")
    offset_text = ", ".join(f"{c}: {b:+.3f}" for c, b in offsets.items())
    sweep_text = "  ".join(f"{row['offset']:+.1f}→{row['omitted_accuracy']:.1%}/{row['test_accuracy']:.1%}"
                           for row in sweep)
    return Comparison(
        title=f"distillation at T={cfg.temperature:g}, student never saw {unseen}",
        models=models, highlight=absent,
        agreement={"teacher vs student before": agreement(predictions["teacher"], predictions["student_before"]),
                   "teacher vs student after": agreement(predictions["teacher"], predictions["student"])},
        reference=reference, examples=examples,
        notes=notes + [f"bias offsets (bisection, mean probability = class frequency on {cfg.probe_size} training "
               f"images): {offset_text}",
               f"sweep, offset → accuracy on {unseen} / overall: {sweep_text}"])
