"""`mcdnn`: one column of Cireşan, Meier & Schmidhuber's multi-column network, as an MLP.

Cireşan et al. 2012 (Multi-column deep neural networks for image classification) averaged the
outputs of many independently trained columns. Here a column is a 784-800-800-400-10 ReLU MLP
(He-normal hidden weights, Glorot-uniform output, zero biases) trained with SGD and Nesterov
momentum 0.9, lr 0.05 then 0.01 from the 6th epoch, weight decay 1e-4, batch 128, 12 epochs.
`--columns K` trains K columns from different seeds and averages their softmax outputs: the
paper's multi-column idea, reported beside the single column's error.
"""

from dataclasses import dataclass
from functools import partial

import numpy as np

from digits.core import seeding
from digits.core.config import TrainConfig, option
from digits.core.data.preprocess import to_inputs
from digits.core.events import Comparison
from digits.core.nn.flops import Work, mlp_shapes
from digits.core.nn.init import glorot_uniform
from digits.core.nn.losses import cross_entropy, softmax
from digits.core.nn.network import Network
from digits.core.nn.optim import SGD
from digits.core.nn.schedules import Step
from digits.core.stats import per_class_accuracy, summarize
from digits.core.tasks.base import Task, register
from digits.core.tasks.common import mlp_data, training_subset
from digits.core.training import Phase, shuffled_batches, test_accuracy, train

REFERENCE_ERROR = 0.0146  # the reference run; over several seeds 1.47% ± 0.03%


@dataclass
class McdnnConfig(TrainConfig):
    epochs: int = option(12, "Epochs per column.", min=1)
    lr: float = option(0.05, "Initial learning rate (SGD, Nesterov momentum).", positive=True)
    lr_drop_epoch: int = option(6, "Epoch (1-based) from which the learning rate is --lr-after.", min=1)
    lr_after: float = option(0.01, "Learning rate from --lr-drop-epoch on.", positive=True)
    momentum: float = option(0.9, "Nesterov momentum.", positive=True)
    weight_decay: float = option(1e-4, "L2 weight decay.", min=0)
    hidden: tuple[int, ...] = option((800, 800, 400), "Hidden layer sizes of a column.", metavar="SIZES")
    columns: int = option(1, "Columns trained from different seeds; their softmax outputs are averaged.", min=1)


def column(cfg: McdnnConfig, sizes: list[int], seed: int) -> Network:
    """He-normal hidden layers (ReLU), a Glorot-uniform output layer, zero biases."""
    rng = seeding.rng(seed, "init")
    net = Network.mlp(sizes, "relu", rng, weight_init="he_normal", bias_init="zeros")
    out = net.layers[-1]
    out.W[...] = glorot_uniform(rng, *out.W.shape, np.float32)
    return net


@register
class Mcdnn(Task):
    name = "mcdnn"
    summary = "A deep ReLU MLP column (784-800-800-400-10, Nesterov SGD); --columns K averages K of them."
    reference = "Cireşan, Meier & Schmidhuber 2012, Multi-column deep neural networks for image classification"
    Config = McdnnConfig
    headline = (("test_error", "test error"), ("test_error_averaged", "test error, columns averaged"))

    def run(self, cfg: McdnnConfig, ctx):
        data = ctx.dataset
        images, labels, x_test, y_test, sizes = mlp_data(data, cfg)
        schedule = Step(cfg.lr, (cfg.lr_drop_epoch - 1,), cfg.lr_after / cfg.lr)
        probs, models, metrics = [], [], {}
        for k in range(cfg.columns):
            seed = cfg.seed + k
            net = column(cfg, sizes, seed)

            name = f"column {k + 1}" if cfg.columns > 1 else "column"
            yield from train(Phase(
                name=name, net=net,
                optimizer=SGD(net.params, cfg.lr, cfg.momentum, nesterov=True, weight_decay=cfg.weight_decay),
                loss=cross_entropy,
                batches=shuffled_batches(images, labels, cfg.batch_size, seeding.rng(seed, "shuffle"),
                                         partial(to_inputs, scale="unit")),
                epochs=cfg.epochs, schedule=schedule, evaluate=test_accuracy(x_test, y_test),
            ), ctx.should_stop)
            p = softmax(net.predict_logits(x_test))
            probs.append(p)
            predicted = p.argmax(axis=1)
            error = float((predicted != y_test).mean())
            metrics.setdefault("test_error", error)  # the first column's: the single-column figure
            metrics[f"test_error_column_{k + 1}"] = error
            models.append({"name": f"column_{k + 1}", "label": name, "short": f"col {k + 1}",
                           "test_accuracy": 1 - error, "per_class": per_class_accuracy(predicted, y_test)})
            ctx.save_model(f"column_{k + 1}", net, role="column", label=f"{name} (seed {seed})", short=f"col {k + 1}",
                           meta={"task": self.name, "config": cfg.to_dict(), "seed": seed})
        if cfg.columns > 1:
            averaged = np.mean(probs, axis=0).argmax(axis=1)
            metrics["test_error_averaged"] = float((averaged != y_test).mean())
            errors = [metrics[f"test_error_column_{k + 1}"] for k in range(cfg.columns)]
            stats = summarize(errors)  # the sample std and 95% t-interval, as for seeds everywhere
            metrics["test_error_mean"], metrics["test_error_std"] = stats["mean"], stats["std"]
            metrics["test_error_ci95"] = stats["ci95"]
            # Each column is a seed: the record's results list them the way --seeds runs are listed.
            ctx.save_results(per_seed=[{"seed": cfg.seed + k, "metrics": {"test_error": e}}
                                       for k, e in enumerate(errors)])
            models.append({"name": "averaged", "label": f"{cfg.columns} columns averaged", "short": "avg",
                           "test_accuracy": 1 - metrics["test_error_averaged"],
                           "per_class": per_class_accuracy(averaged, y_test)})
        yield Comparison(
            title=f"MCDNN column{'s' if cfg.columns > 1 else ''} ({'-'.join(map(str, sizes))}, {cfg.epochs} epochs)",
            models=models,
            reference=[{"what": "single column, test accuracy (reference run: 1.46% error)",
                        "ours": 1 - metrics["test_error"], "published": 1 - REFERENCE_ERROR}],
        )
        return metrics

    def gemm_work(self, cfg: McdnnConfig, dataset) -> list[Work]:
        """Each column: training, a test evaluation per epoch, the final test probabilities."""
        n = len(training_subset(dataset, cfg.train_size, seeding.rng(cfg.seed, "subset"))[1])
        t = len(dataset.test_labels)
        shapes = mlp_shapes([int(np.prod(dataset.image_shape)), *cfg.hidden, dataset.num_classes])
        return [Work(f"column {k + 1}", shapes, cfg.batch_size, cfg.epochs * n, (cfg.epochs + 1) * t)
                for k in range(cfg.columns)]
