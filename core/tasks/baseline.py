"""`baseline`: a plain MLP classifier trained with softmax cross-entropy, with classic presets."""

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

import numpy as np

from digits.core import seeding
from digits.core.config import TrainConfig, option
from digits.core.data.preprocess import SCALES, to_inputs
from digits.core.figures.kinds import Images
from digits.core.nn.flops import Work, mlp_shapes
from digits.core.nn.init import BIAS_INITS, WEIGHT_INITS
from digits.core.nn.losses import cross_entropy
from digits.core.nn.network import Network
from digits.core.nn.optim import OPTIMIZERS, make_optimizer
from digits.core.nn.schedules import SCHEDULES, make_schedule
from digits.core.tasks.base import Task, register
from digits.core.tasks.common import examples, mlp_data, training_subset
from digits.core.training import Phase, accuracy, shuffled_batches, test_accuracy, train


@dataclass
class BaselineConfig(TrainConfig):
    epochs: int = option(6, "Training epochs.", min=1)
    lr: float = option(2e-3, "Learning rate (initial, for decaying schedules).", positive=True)
    preset: str = option("default", "Architecture preset: default, tiny (784-10-10), small (784-16-16-10), "
                         "classic (784-64-10 sigmoid, plain SGD).",
                         choices=("default", "tiny", "small", "classic"))
    hidden: tuple[int, ...] = option((256, 128), "Hidden layer sizes, comma-separated.", metavar="SIZES")
    activation: str = option("relu", "Hidden activation.", choices=("relu", "tanh", "sigmoid"))
    optimizer: str = option("adam", "Optimizer.", choices=OPTIMIZERS)
    init: str = option("he_uniform", "Weight initialiser.", choices=tuple(WEIGHT_INITS))
    bias_init: str = option("zeros", "Bias initialiser (fan_in_uniform: U(±1/sqrt(fan_in)), PyTorch's default).",
                            choices=tuple(BIAS_INITS))
    weight_decay: float = option(0.0, "L2 weight decay.", min=0)
    schedule: str = option("exponential", "Learning-rate schedule.", choices=SCHEDULES)
    lr_decay: float = option(0.7, "Schedule factor: per epoch (exponential) or per step (step).", positive=True)
    lr_step: int = option(5, "Epochs between drops for the step schedule.", min=1)
    scale: str = option("unit", "Input scaling: unit [0,1] or symmetric [-1,1].", choices=SCALES)

    presets: ClassVar[dict[str, dict]] = {
        "default": {},
        "tiny": {"hidden": (10,), "lr": 1e-2, "epochs": 10},
        "small": {"hidden": (16, 16), "lr": 1e-2, "epochs": 10},
        "classic": {"hidden": (64,), "activation": "sigmoid", "init": "he_normal", "optimizer": "sgd",
                    "schedule": "constant", "lr": 0.1, "batch_size": 10, "epochs": 32},
    }


@register
class Baseline(Task):
    name = "baseline"
    summary = "A plain MLP classifier (softmax cross-entropy): the yardstick for every other task."
    reference = "LeCun, Bottou, Bengio & Haffner 1998, Gradient-based learning applied to document recognition"
    Config = BaselineConfig

    def run(self, cfg: BaselineConfig, ctx):
        data = ctx.dataset
        images, labels, x_test, y_test, sizes = mlp_data(data, cfg, cfg.scale)
        prepare = partial(to_inputs, scale=cfg.scale)
        net = Network.mlp(sizes, cfg.activation, seeding.rng(cfg.seed, "init"),
                          weight_init=cfg.init, bias_init=cfg.bias_init)
        phase = Phase(
            name="train",
            net=net,
            optimizer=make_optimizer(cfg.optimizer, net.params, cfg.lr, weight_decay=cfg.weight_decay),
            loss=cross_entropy,
            batches=shuffled_batches(images, labels, cfg.batch_size, seeding.rng(cfg.seed, "shuffle"), prepare),
            epochs=cfg.epochs,
            schedule=make_schedule(cfg.schedule, cfg.lr, cfg.lr_decay,
                                   tuple(range(cfg.lr_step, cfg.epochs, cfg.lr_step))),
            evaluate=test_accuracy(x_test, y_test),
        )
        yield from train(phase, ctx.should_stop)
        test_acc = accuracy(net, x_test, y_test)
        metrics = {
            "test_accuracy": test_acc,
            "test_error": 1 - test_acc,
            "train_accuracy": accuracy(net, images, labels, prepare=prepare),
            "params": net.num_params,
        }
        ctx.save_model("model", net, role="model", label=f"MLP {net.describe()}", short="model", scale=cfg.scale,
                       meta={"task": self.name, "config": cfg.to_dict(), "dataset": data.name, "metrics": metrics})
        yield examples("model", net, data, x_test, seeding.rng(cfg.seed, "examples"))
        return metrics

    def figures(self, source) -> list:
        if "model" not in source.record.model_names:
            return []
        weights = source.network("model").layers[0].W  # (784, hidden): column j is unit j's receptive field
        side = int(round(np.sqrt(weights.shape[0])))
        if side * side != weights.shape[0]:
            return []
        units = min(32, weights.shape[1])
        return [Images("weights", "First-layer weights",
                       f"The input weights of the first {units} of the {weights.shape[1]} hidden units, each as a "
                       f"{side}×{side} image (red positive, blue negative, each unit scaled to its largest weight): "
                       "the strokes each unit looks for.",
                       images=weights[:, :units].T.reshape(units, side, side),
                       captions=[[f"unit {j + 1}"] for j in range(units)], signed=True)]

    def gemm_work(self, cfg: BaselineConfig, dataset) -> list[Work]:
        n = len(training_subset(dataset, cfg.train_size, seeding.rng(cfg.seed, "subset"))[1])
        t = len(dataset.test_labels)
        sizes = [int(np.prod(dataset.image_shape)), *cfg.hidden, dataset.num_classes]
        # training; a test evaluation per epoch; final test and train accuracy; the example digits
        return [Work("model", mlp_shapes(sizes), cfg.batch_size, cfg.epochs * n, cfg.epochs * t + t + n + t)]
