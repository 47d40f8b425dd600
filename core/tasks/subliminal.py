"""`subliminal`: a student learns digits from pure noise by imitating a teacher's auxiliary logits.

Cloud et al. 2025 (arXiv:2507.14805, §6.2). The teacher is trained on digits with cross-entropy on
its first 10 logits only; its m extra ("auxiliary") logits never get a direct training signal.
Students that start from the teacher's *initial* weights are then trained on uniform noise to
match the teacher's auxiliary logits alone — and their digit logits learn to classify digits.
Controls in the same run: a student from a different init (the effect should vanish), students
that match all logits (same and different init), and the untrained network as the floor.
"""

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

import numpy as np

from digits.core import seeding
from digits.core.config import TrainConfig, option
from digits.core.data.preprocess import to_inputs
from digits.core.errors import ConfigError
from digits.core.events import Comparison
from digits.core.figures.kinds import BarGroup, Bars, Mark
from digits.core.nn.flops import Work, mlp_shapes
from digits.core.nn.losses import cross_entropy, soft_target
from digits.core.nn.network import Network
from digits.core.nn.optim import Adam
from digits.core.nn.schedules import Constant
from digits.core.stats import agreement, per_class_accuracy
from digits.core.tasks.base import Task, register
from digits.core.tasks.common import differs_from_defaults, training_subset
from digits.core.training import Phase, predict, shuffled_batches, test_accuracy, train

DIGITS = slice(0, 10)

# name -> (label, which logits the student matches, same init as the teacher?)
STUDENTS = {
    "student": ("student: aux, same init", "aux", True),
    "aux_different_init": ("control: aux, different init", "aux", False),
    "all_same_init": ("control: all, same init", "all", True),
    "all_different_init": ("control: all, different init", "all", False),
}
SHORT = {"teacher": "teacher", "student": "student", "aux_different_init": "aux≠init",
         "all_same_init": "all=init", "all_different_init": "all≠init", "untrained": "untrained"}
LABELS = {"teacher": "teacher", "untrained": "untrained (floor)",
          **{name: label for name, (label, _matched, _same_init) in STUDENTS.items()}}
ROLES = {"teacher": "teacher", "student": "student", "untrained": "untrained"}  # the others are controls
# The teacher and the same-init students start from the untrained network's weights (saved as "untrained").
INIT_FROM = {"teacher": "untrained", **{name: "untrained" for name, (_l, _m, same) in STUDENTS.items() if same}}
METRIC_NAMES = {
    "teacher": "teacher_test_accuracy",
    "student": "student_test_accuracy",
    "aux_different_init": "control_different_init_accuracy",
    "all_same_init": "all_logits_same_init_accuracy",
    "all_different_init": "all_logits_different_init_accuracy",
    "untrained": "untrained_accuracy",
}
PUBLISHED = {
    "reference": [
        ("teacher (numpy reproduction, 1 seed)", "teacher", 0.9696),
        ("student aux, same init (numpy reproduction, 1 seed)", "student", 0.8358),
        ("teacher (PyTorch re-implementation, 100 seeds: 0.969 ± 0.001)", "teacher", 0.969),
        ("student aux, same init (PyTorch, 100 seeds: 0.774 ± 0.059)", "student", 0.774),
    ],
    "paper": [
        ("teacher (paper Fig. 10b, 100 runs)", "teacher", 0.943),
        ("student aux, same init (paper: 0.528 ± 0.022)", "student", 0.528),
        ("control aux, different init (paper: 0.106 ± 0.010)", "aux_different_init", 0.106),
        ("control all logits, same init (paper)", "all_same_init", 0.913),
        ("control all logits, different init (paper)", "all_different_init", 0.743),
        ("untrained (paper)", "untrained", 0.100),
    ],
}


@dataclass
class SubliminalConfig(TrainConfig):
    epochs: int = option(5, "Teacher epochs.", min=1)
    batch_size: int = option(256, "Mini-batch size (teacher and students).", min=1)
    lr: float = option(3e-4, "Teacher learning rate (Adam).", positive=True)
    preset: str = option("reference", "reference: the numpy reproduction; paper: the paper's official code "
                         "(N(0,1/sqrt(fan_in)) init, zero biases, lr 3e-4, batch 1024, T=1).",
                         choices=("reference", "paper"))
    hidden: tuple[int, ...] = option((256, 256), "Hidden layer sizes (teacher and students).", metavar="SIZES")
    aux: int = option(3, "Auxiliary logits beyond the 10 digit logits.", min=1)
    temperature: float = option(2.0, "Softmax temperature of the distillation loss (scaled by T²).", positive=True)
    noise: str = option("uniform", "Student inputs: uniform U[-1,1] or gaussian N(0,1) noise.",
                        choices=("uniform", "gaussian"))
    noise_size: int = option(60000, "Number of noise images the students train on.", min=1)
    student_epochs: int = option(5, "Student epochs.", min=1)
    student_lr: float = option(1e-3, "Student learning rate (Adam).", positive=True)
    init: str = option("he_uniform", "Weight initialiser.", choices=("he_uniform", "lecun_normal"))
    bias_init: str = option("fan_in_uniform", "Bias initialiser.", choices=("fan_in_uniform", "zeros"))
    controls: bool = option(True, "Also train the control students (different init, all logits).")

    presets: ClassVar[dict[str, dict]] = {
        "reference": {},
        "paper": {"init": "lecun_normal", "bias_init": "zeros", "lr": 3e-4, "student_lr": 3e-4,
                  "batch_size": 1024, "temperature": 1.0},
    }

    def validate_data(self, dataset) -> None:
        super().validate_data(dataset)
        if self.batch_size > self.noise_size:
            raise ConfigError(f"--batch-size {self.batch_size} is larger than --noise-size {self.noise_size}")


def make_noise(cfg: SubliminalConfig, rng: np.random.Generator, dim: int) -> np.ndarray:
    # Drawn directly in float32 and shifted in place: a float64 draw of 60,000 images would
    # briefly hold 376 MB more.
    if cfg.noise == "uniform":
        noise = rng.random((cfg.noise_size, dim), dtype=np.float32)
        noise *= 2
        noise -= 1
        return noise
    return rng.standard_normal((cfg.noise_size, dim), dtype=np.float32)


@register
class Subliminal(Task):
    name = "subliminal"
    summary = ("A student learns digits from pure noise by matching a teacher's auxiliary logits "
               "(needs the teacher's initial weights; controls included).")
    reference = "Cloud et al. 2025, Subliminal learning (arXiv:2507.14805), §6.2"
    Config = SubliminalConfig
    headline = (("student_test_accuracy", "student"), ("teacher_test_accuracy", "teacher"),
                ("control_different_init_accuracy", "different-init control"))
    contrasts = (("student − different-init control", "student_test_accuracy", "control_different_init_accuracy"),)

    def run(self, cfg: SubliminalConfig, ctx):
        """One full experiment at cfg.seed: the teacher, then each student from its initial weights."""
        result = yield from self.experiment(cfg, ctx)
        metrics, comparison = experiment_result(cfg, result, ctx.dataset)
        yield comparison
        return metrics

    def seed_notes(self, cfg: SubliminalConfig, runs, metrics) -> list[str]:
        return notes(cfg, len(runs))

    def experiment(self, cfg: SubliminalConfig, ctx):
        data, seed = ctx.dataset, cfg.seed
        x_test = to_inputs(data.test_images, "symmetric")
        # uint8 images, made float32 a batch at a time (a float32 training set would add 188 MB
        # beside the 188 MB noise set).
        images, labels = training_subset(data, cfg.train_size, seeding.rng(seed, "subset"))
        y_test = data.test_labels
        sizes = [x_test.shape[1], *cfg.hidden, 10 + cfg.aux]
        aux = slice(10, 10 + cfg.aux)

        def new_net(stream: str) -> Network:
            return Network.mlp(sizes, "relu", seeding.rng(seed, "init", stream),
                               weight_init=cfg.init, bias_init=cfg.bias_init)

        evaluate = test_accuracy(x_test, y_test, DIGITS, per_class=True)
        teacher = new_net("teacher")
        initial = teacher.clone()  # kept before the teacher trains: the students start here
        yield from train(Phase(
            name="teacher", net=teacher, optimizer=Adam(teacher.params, cfg.lr),
            loss=lambda logits, y: cross_entropy(logits, y, DIGITS),
            batches=shuffled_batches(images, labels, cfg.batch_size, seeding.rng(seed, "shuffle", "teacher"),
                                     partial(to_inputs, scale="symmetric")),
            epochs=cfg.epochs, schedule=Constant(cfg.lr), evaluate=evaluate,
        ), ctx.should_stop)

        noise = make_noise(cfg, seeding.rng(seed, "noise"), x_test.shape[1])
        targets = teacher.predict_logits(noise)
        nets = {"teacher": teacher, "untrained": initial}
        for name, (_label, matched, same_init) in STUDENTS.items():
            if name != "student" and not cfg.controls:
                continue
            student = initial.clone() if same_init else new_net("different")
            cols = aux if matched == "aux" else slice(None)
            yield from train(Phase(
                name=name, net=student, optimizer=Adam(student.params, cfg.student_lr),
                loss=lambda logits, t, cols=cols: soft_target(logits, t, cfg.temperature, cols, "kl"),
                batches=shuffled_batches(noise, targets, cfg.batch_size, seeding.rng(seed, "shuffle", name)),
                epochs=cfg.student_epochs, schedule=Constant(cfg.student_lr), evaluate=evaluate,
            ), ctx.should_stop)
            nets[name] = student
        predictions = {name: predict(net, x_test, DIGITS) for name, net in nets.items()}
        for name, net in nets.items():
            label = "untrained: the shared initial weights" if name == "untrained" else LABELS[name]
            ctx.save_model(name, net, role=ROLES.get(name, "control"), label=label,
                           short=SHORT[name], scale="symmetric", init_from=INIT_FROM.get(name),
                           meta={"task": self.name, "seed": seed, "config": cfg.to_dict()})
        return {
            "seed": seed,
            "accuracy": {name: float((p == y_test).mean()) for name, p in predictions.items()},
            "per_class": {name: per_class_accuracy(p, y_test) for name, p in predictions.items()},
            "agreement": {name: agreement(predictions["teacher"], p) for name, p in predictions.items()
                          if name != "teacher"},
            "predictions": predictions,
        }

    def figures(self, source) -> list:
        """The 2×2 of what the student imitates (auxiliary logits only, or all) by where it starts (the
        teacher's initial weights, or others), with the untrained network as the floor."""
        cells = {("aux", True): "student", ("aux", False): "aux_different_init",
                 ("all", True): "all_same_init", ("all", False): "all_different_init"}
        imitating = (("aux", "imitating the auxiliary logits only"), ("all", "imitating all logits"))
        groups = [BarGroup.of(label, [source.estimate(METRIC_NAMES[cells[matched, same]]) for same in (True, False)])
                  for matched, label in imitating]
        if all(v is None for g in groups for v in g.values):
            return []
        marks = [Mark(v, name) for metric, name in (("untrained_accuracy", "untrained network (floor)"),
                                                    ("teacher_test_accuracy", "teacher"))
                 if (v := source.estimate(metric)[0]) is not None]
        seeds = source.seeds
        return [Bars("controls", "The 2×2 controls",
                     "Students trained on noise images only, by what they imitate (bars) and where their weights "
                     "start (groups); only a student that starts from the teacher's own initial weights learns "
                     "digits from the auxiliary logits. Dashed: the untrained network and the teacher"
                     + (f". Mean over {seeds} seeds with 95% intervals." if seeds > 1 else "."),
                     categories=["same init as the teacher", "different init"], groups=groups,
                     ylabel="test accuracy", marks=marks)]

    def gemm_work(self, cfg: SubliminalConfig, dataset) -> list[Work]:
        n = len(training_subset(dataset, cfg.train_size, seeding.rng(cfg.seed, "subset"))[1])
        t, m = len(dataset.test_labels), cfg.noise_size
        shapes = mlp_shapes([int(np.prod(dataset.image_shape)), *cfg.hidden, 10 + cfg.aux])
        students = [name for name in STUDENTS if name == "student" or cfg.controls]
        # The teacher: training, a test evaluation per epoch, its logits on the noise, its final
        # predictions; each student: training on the noise, a test evaluation per epoch, its final
        # predictions; the untrained network's final predictions.
        return ([Work("teacher", shapes, cfg.batch_size, cfg.epochs * n, cfg.epochs * t + m + t)]
                + [Work(name, shapes, cfg.batch_size, cfg.student_epochs * m, cfg.student_epochs * t + t)
                   for name in students]
                + [Work("untrained", shapes, cfg.batch_size, 0, t)])


def notes(cfg: SubliminalConfig, seeds: int) -> list[str]:
    """What the panel says of the seeds and of settings that differ from the published ones."""
    out = [f"{seeds} seeds: mean ± std, 95% interval" if seeds > 1 else
           "one seed: the effect varies a lot between seeds; use --seeds 5 before drawing conclusions"]
    preset_defaults = SubliminalConfig.build({"preset": cfg.preset})
    if differs_from_defaults(cfg, preset_defaults, ("seed", "seeds", "controls", "preset")):
        out.append(f"your settings differ from the {cfg.preset} preset the published figures were measured with")
    return out


def experiment_result(cfg: SubliminalConfig, result: dict, data) -> tuple[dict, Comparison]:
    """One experiment's flat metrics and its panel (several seeds are combined by core/runs/seeds.py)."""
    names = [n for n in METRIC_NAMES if n in result["accuracy"]]
    metrics = {METRIC_NAMES[name]: result["accuracy"][name] for name in names}
    metrics["seeds"] = 1
    models = [{"name": name, "label": LABELS[name], "short": SHORT[name], "test_accuracy": result["accuracy"][name],
               "std": 0.0, "ci95": 0.0, "per_seed": [result["accuracy"][name]], "per_class": result["per_class"][name]}
              for name in names]
    agree = {f"teacher vs {name}": result["agreement"][name] for name in names if name != "teacher"}
    rng = seeding.rng(result["seed"], "examples")
    indices = np.sort(rng.choice(len(data.test_labels), 3, replace=False))
    examples = {"indices": indices.tolist(), "labels": data.test_labels[indices].tolist(),
                "images": data.test_images[indices].tolist(),
                "predictions": {name: result["predictions"][name][indices].tolist() for name in names}}
    reference = [{"what": what, "ours": result["accuracy"][name], "published": value, "metric": METRIC_NAMES[name]}
                 for what, name, value in PUBLISHED[cfg.preset] if name in names]
    comparison = Comparison(
        title=f"subliminal learning ({cfg.preset} preset, T={cfg.temperature:g}, {cfg.aux} aux logits)",
        models=models, agreement=agree, reference=reference, examples=examples, notes=notes(cfg, 1))
    return metrics, comparison
