"""`deep-mlp`: a plain MLP reaches ~1.2% test error when its training digits are warped anew in
every batch (Cireşan, Meier, Gambardella & Schmidhuber 2010, Deep big simple neural nets).

784-512-256-10 tanh, Glorot-uniform weights, zero biases; SGD with heavy-ball momentum 0.9 and
weight decay 1e-5 inside the velocity (v = 0.9·v + g + 1e-5·W; W −= lr·v, as the reference code
does), lr 0.05 × 0.95^epoch, batch 128, 15 epochs, inputs in [0, 1]. Every batch is warped anew
(`digits.core.data.warp`): rotation ±15°, scale 0.85-1.15, shift ±2 px, and an elastic field (σ = 4,
α = 8). `--ablation` also trains the same network on the plain digits, to show what the warps buy;
`--no-augment` trains on plain digits only.
"""

from dataclasses import dataclass
from functools import partial

import numpy as np

from digits.core import seeding
from digits.core.config import TrainConfig, option
from digits.core.data.dataset import require_mnist_shape
from digits.core.data.preprocess import to_inputs
from digits.core.data.warp import WarpConfig, augment_batch
from digits.core.events import Comparison
from digits.core.figures.kinds import Images
from digits.core.nn.flops import Work, mlp_shapes
from digits.core.nn.losses import cross_entropy
from digits.core.nn.network import Network
from digits.core.nn.optim import SGD
from digits.core.nn.schedules import Exponential
from digits.core.stats import per_class_accuracy
from digits.core.tasks.base import Task, register
from digits.core.tasks.common import mlp_data, training_subset
from digits.core.training import Phase, predict, shuffled_batches, test_accuracy, train

REFERENCE = {"augmented": 0.0117, "plain": 0.021}  # test errors of the reference run (plain: ~2.0-2.2%)


@dataclass
class DeepMlpConfig(TrainConfig):
    epochs: int = option(15, "Training epochs.", min=1)
    lr: float = option(0.05, "Initial learning rate (×--lr-decay every epoch).", positive=True)
    lr_decay: float = option(0.95, "Learning-rate factor per epoch.", positive=True)
    momentum: float = option(0.9, "Heavy-ball momentum.", min=0)
    weight_decay: float = option(1e-5, "L2 weight decay (added to the gradient inside the velocity).", min=0)
    hidden: tuple[int, ...] = option((512, 256), "Hidden layer sizes (paper: up to 2500,2000,1500,1000,500).",
                                     metavar="SIZES")
    augment: bool = option(True, "Warp every training batch anew (affine + elastic).")
    ablation: bool = option(False, "Also train the same network without augmentation and report both.")
    rotation: float = option(15.0, "Largest rotation, degrees.", min=0)
    zoom: float = option(0.15, "Largest relative scale change (0.15: sizes 0.85-1.15).", min=0)
    shift: float = option(2.0, "Largest shift, pixels.", min=0)
    alpha: float = option(8.0, "Elastic displacement scale (0: no elastic warp).", min=0)
    sigma: float = option(4.0, "Elastic field smoothness, pixels.", positive=True)

    def warp(self) -> WarpConfig:
        return WarpConfig(self.rotation, self.zoom, self.shift, self.alpha, self.sigma)

    def validate_data(self, dataset) -> None:
        super().validate_data(dataset)
        if self.augment:
            require_mnist_shape(dataset, "deep-mlp's warps (--augment)")


@register
class DeepMlp(Task):
    name = "deep-mlp"
    summary = "A deep tanh MLP trained on digits warped anew every batch (affine + elastic); --ablation without."
    reference = ("Cireşan, Meier, Gambardella & Schmidhuber 2010, Deep big simple neural nets excel on "
                 "handwritten digits")
    Config = DeepMlpConfig
    headline = (("test_error", "test error"), ("test_error_no_augment", "test error without augmentation"))
    contrasts = (("error without − with augmentation", "test_error_no_augment", "test_error"),)

    def run(self, cfg: DeepMlpConfig, ctx):
        data = ctx.dataset
        images, labels, x_test, y_test, sizes = mlp_data(data, cfg)
        variants = ([True] if cfg.augment else [False]) + ([False] if cfg.ablation and cfg.augment else [])
        metrics, models = {}, []
        for augmented in variants:
            name = "augmented" if augmented else "plain"
            net = Network.mlp(sizes, "tanh", seeding.rng(cfg.seed, "init"), weight_init="glorot_uniform",
                              bias_init="zeros")
            prepare = (partial(augment_batch, rng=seeding.rng(cfg.seed, "augment"), cfg=cfg.warp()) if augmented
                       else partial(to_inputs, scale="unit"))
            yield from train(Phase(
                name="augmented" if augmented else "no augmentation", net=net,
                optimizer=SGD(net.params, cfg.lr, cfg.momentum, weight_decay=cfg.weight_decay), loss=cross_entropy,
                batches=shuffled_batches(images, labels, cfg.batch_size, seeding.rng(cfg.seed, "shuffle"), prepare),
                epochs=cfg.epochs, schedule=Exponential(cfg.lr, cfg.lr_decay), evaluate=test_accuracy(x_test, y_test),
            ), ctx.should_stop)
            predicted = predict(net, x_test)
            error = float((predicted != y_test).mean())
            metrics["test_error" if name == variants_main(variants) else "test_error_no_augment"] = error
            models.append({"name": name, "label": "warped every batch" if augmented else "no augmentation",
                           "short": name, "test_accuracy": 1 - error,
                           "per_class": per_class_accuracy(predicted, y_test)})
            ctx.save_model(name, net, role="model", label=models[-1]["label"], short=name,
                           meta={"task": self.name, "config": cfg.to_dict()})
        yield Comparison(
            title=f"deep MLP {'-'.join(map(str, sizes))} tanh, {cfg.epochs} epochs",
            models=models,
            reference=[{"what": f"{m['name']} test accuracy (reference run: {REFERENCE[m['name']]:.2%} error)",
                        "ours": m["test_accuracy"], "published": 1 - REFERENCE[m["name"]]} for m in models],
        )
        return metrics

    def figures(self, source) -> list:
        cfg = self.Config.build(source.config)
        if not cfg.augment:
            return []
        originals = 8
        images, _labels, _x, _y, _sizes = mlp_data(source.dataset, cfg)
        digits = images[:originals]
        rng = seeding.rng(cfg.seed, "augment")  # the stream training drew its warps from
        rows = [digits.reshape(originals, -1).astype(np.float32) / 255]
        rows += [augment_batch(digits, rng, cfg.warp()) for _ in range(3)]
        panel = np.stack(rows).reshape(-1, 28, 28)
        captions = [["original" if r == 0 else f"warp {r}"] for r in range(len(rows)) for _ in range(originals)]
        return [Images("augmentation", "Augmented training digits",
                       f"The first {originals} training digits (top row) and three warps of each, drawn from the run's "
                       f"augmentation stream (its seed) with its settings: rotation ±{cfg.rotation:g}°, scale "
                       f"±{cfg.zoom:.0%}, shift ±{cfg.shift:g} px, elastic α = {cfg.alpha:g}, σ = {cfg.sigma:g}.",
                       images=panel, captions=captions, columns=originals)]

    def gemm_work(self, cfg: DeepMlpConfig, dataset) -> list[Work]:
        """Each variant: training, a test evaluation per epoch, the final predictions. (The warps'
        Gaussian smoothing, four small products per field through G's eigenbasis, is data
        preparation, not counted.)"""
        n = len(training_subset(dataset, cfg.train_size, seeding.rng(cfg.seed, "subset"))[1])
        t = len(dataset.test_labels)
        shapes = mlp_shapes([int(np.prod(dataset.image_shape)), *cfg.hidden, dataset.num_classes])
        variants = ["augmented" if cfg.augment else "plain"] + (["plain"] if cfg.ablation and cfg.augment else [])
        return [Work(name, shapes, cfg.batch_size, cfg.epochs * n, (cfg.epochs + 1) * t) for name in variants]


def variants_main(variants: list[bool]) -> str:
    """The variant whose error is `test_error`: the first one trained."""
    return "augmented" if variants[0] else "plain"
