"""`lwta`: how much a network forgets its first task while it learns a second, ReLU vs LWTA.

Srivastava, Masci, Kazerounian, Gomez & Schmidhuber 2013 (Compete to Compute, §5). Two networks
from the same initial weights, 784-400-400-10: ReLU units, and local winner-take-all blocks of
k = 2 (only the larger of each pair passes its pre-activation; the gradient reaches it alone).
Each learns task 1 (digits 0-4), then task 2 (digits 5-9), with a multi-head output: a task's loss
and predictions use its own 5 logits only. 500 training images per class, SGD with momentum 0.9,
lr 0.05, weight decay 1e-4, batch 64, 5 epochs per task; the optimiser state carries over from
task 1 to task 2. Reported: task-1 test accuracy before and after task 2, the difference (the
forgetting), and task-2 accuracy, for both networks, and with --seeds their mean ± std.
"""

from dataclasses import dataclass
from functools import partial

import numpy as np

from digits.core import seeding
from digits.core.config import TrainConfig, option, parse_seeds
from digits.core.errors import ConfigError
from digits.core.events import Comparison
from digits.core.losses import cross_entropy
from digits.core.network import Network
from digits.core.optim import SGD
from digits.core.preprocess import to_inputs
from digits.core.record import Head
from digits.core.schedules import Constant
from digits.core.stats import per_class_accuracy, summarize
from digits.core.tasks.base import Task, register
from digits.core.training import Phase, shuffled_batches, train

SPLITS = {"0-4/5-9": ((0, 1, 2, 3, 4), (5, 6, 7, 8, 9)), "even/odd": ((0, 2, 4, 6, 8), (1, 3, 5, 7, 9))}
# The reference run at seed 0, and over 10 seeds (mean, std).
REFERENCE = {"relu_forgetting": (0.072, 0.045, 0.021), "lwta_forgetting": (0.022, 0.043, 0.028)}
KINDS = ("relu", "lwta")


@dataclass
class LwtaConfig(TrainConfig):
    epochs: int = option(5, "Epochs per task.", min=1)
    batch_size: int = option(64, "Mini-batch size.", min=1)
    lr: float = option(0.05, "Learning rate (SGD with momentum).", positive=True)
    momentum: float = option(0.9, "Heavy-ball momentum (its state carries over to task 2).", min=0)
    weight_decay: float = option(1e-4, "L2 weight decay.", min=0)
    hidden: tuple[int, ...] = option((400, 400), "Hidden layer sizes (both networks).", metavar="SIZES")
    block: int = option(2, "LWTA block size k: units compete in groups of k.", min=2)
    per_class: int = option(500, "Training images per class (a seeded sample).", min=1)
    split: str = option("0-4/5-9", "Task 1 / task 2 classes.", choices=tuple(SPLITS))
    seeds: str = option("", "Repeat per seed: a count (10 = seeds --seed..--seed+9) or a list (0,1,2); "
                        "reports mean ± std.")

    def validate(self) -> None:
        super().validate()
        for width in self.hidden:
            if width % self.block:
                raise ConfigError(f"--block {self.block} does not divide the hidden width {width}; "
                                  f"use a width that is a multiple of {self.block}")
        self.seed_list()

    def seed_list(self) -> tuple[int, ...]:
        return parse_seeds(self.seeds, self.seed)

    def validate_data(self, dataset) -> None:
        counts = np.bincount(dataset.train_labels, minlength=10)
        if self.per_class > counts.min():
            raise ConfigError(f"--per-class {self.per_class} is more than the {counts.min()} training images "
                              "of the rarest class")
        if self.batch_size > 5 * self.per_class:
            raise ConfigError(f"--batch-size {self.batch_size} is larger than a task's {5 * self.per_class} images")


def sample_per_class(labels: np.ndarray, per_class: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices of `per_class` random images of every class."""
    return np.sort(np.concatenate([rng.choice(np.flatnonzero(labels == c), per_class, replace=False)
                                   for c in range(10)]))


def head_accuracy(net: Network, x: np.ndarray, y: np.ndarray, head: tuple[int, ...]) -> tuple[float, np.ndarray]:
    """Accuracy on the digits of one task, predicting among that task's logits only; and the predictions."""
    columns = np.array(head)
    predicted = columns[net.predict_logits(x)[:, columns].argmax(axis=1)]
    return float((predicted == y).mean()), predicted


@register
class Lwta(Task):
    name = "lwta"
    summary = ("Catastrophic forgetting: ReLU vs local winner-take-all units learning digits 0-4, then 5-9 "
               "(multi-head, same init).")
    reference = "Srivastava et al. 2013, Compete to Compute (NeurIPS), §5"
    Config = LwtaConfig
    headline = (("relu_forgetting", "ReLU forgetting"), ("lwta_forgetting", "LWTA forgetting"))

    def run(self, cfg: LwtaConfig, ctx):
        seeds = cfg.seed_list()
        results = []
        for seed in seeds:
            result = yield from self.run_seed(cfg, ctx, seed, f" (seed {seed})" if len(seeds) > 1 else "",
                                              seed == seeds[-1])
            results.append(result)
        metrics = {}
        for key in results[0]["metrics"]:
            values = [r["metrics"][key] for r in results]
            metrics[key] = float(np.mean(values))
            if len(seeds) > 1:
                stats = summarize(values)
                metrics[f"{key}_mean"], metrics[f"{key}_std"] = stats["mean"], stats["std"]
        yield comparison(cfg, results, metrics)
        ctx.save_json("results.json", {"seeds": list(seeds), "per_seed": [r["metrics"] for r in results]})
        ctx.save_results(per_seed=[{"seed": r["seed"], "metrics": r["metrics"]} for r in results])
        return metrics

    def run_seed(self, cfg: LwtaConfig, ctx, seed: int, suffix: str, save: bool):
        data = ctx.dataset
        keep = sample_per_class(data.train_labels, cfg.per_class, seeding.rng(seed, "subset"))
        images, labels = data.train_images[keep], data.train_labels[keep]
        x_test, y_test = to_inputs(data.test_images, "unit"), data.test_labels
        heads = SPLITS[cfg.split]
        sizes = [x_test.shape[1], *cfg.hidden, 10]
        relu = Network.mlp(sizes, "relu", seeding.rng(seed, "init"), weight_init="he_uniform", bias_init="zeros")
        nets = {"relu": relu, "lwta": Network.from_arrays(
            [{**spec, "activation": f"lwta{cfg.block}" if spec["activation"] == "relu" else spec["activation"]}
             for spec in relu.spec], relu.state())}
        out, predictions = {}, {}
        for kind, net in nets.items():
            optimizer = SGD(net.params, cfg.lr, cfg.momentum, weight_decay=cfg.weight_decay)  # kept for task 2
            for task, head in enumerate(heads, start=1):
                mask = np.isin(labels, head)
                position = np.full(10, -1)
                position[list(head)] = np.arange(len(head))  # class -> its index among the head's logits
                test_mask = np.isin(y_test, head)

                def evaluate(net, head=head, test_mask=test_mask):
                    return {"test_accuracy": head_accuracy(net, x_test[test_mask], y_test[test_mask], head)[0]}

                yield from train(Phase(
                    name=f"{kind}: task {task} ({'/'.join(map(str, head))}){suffix}", net=net, optimizer=optimizer,
                    loss=partial(cross_entropy, cols=np.array(head)),
                    batches=shuffled_batches(images[mask], position[labels[mask]], cfg.batch_size,
                                             seeding.rng(seed, "shuffle", kind, str(task)),
                                             partial(to_inputs, scale="unit")),
                    epochs=cfg.epochs, schedule=Constant(cfg.lr), evaluate=evaluate,
                ), ctx.should_stop)
                for seen, seen_head in enumerate(heads[:task], start=1):
                    on = np.isin(y_test, seen_head)
                    out[f"{kind}_task{seen}_after_task{task}"] = head_accuracy(net, x_test[on], y_test[on],
                                                                              seen_head)[0]
            both = np.empty_like(y_test)
            for head in heads:  # every test digit judged by its own task's head
                on = np.isin(y_test, head)
                both[on] = head_accuracy(net, x_test[on], y_test[on], head)[1]
            predictions[kind] = both
            if save:
                ctx.save_model(kind, net, role="model", label="ReLU" if kind == "relu" else f"LWTA (k={cfg.block})",
                               short=kind, heads=[Head(list(h), list(h), f"task {k}") for k, h in enumerate(heads, 1)],
                               meta={"task": self.name, "seed": seed, "config": cfg.to_dict()})
        metrics = {}
        for kind in KINDS:
            before, after = out[f"{kind}_task1_after_task1"], out[f"{kind}_task1_after_task2"]
            metrics.update({f"{kind}_task1_accuracy_before": before, f"{kind}_task1_accuracy_after": after,
                            f"{kind}_forgetting": before - after,
                            f"{kind}_task2_accuracy": out[f"{kind}_task2_after_task2"]})
        return {"seed": seed, "metrics": metrics, "predictions": predictions, "labels": y_test}


def comparison(cfg: LwtaConfig, results: list[dict], metrics: dict) -> Comparison:
    n = len(results)
    models = []
    for kind in KINDS:
        last = results[-1]
        models.append({
            "name": kind, "label": "ReLU" if kind == "relu" else f"LWTA (k={cfg.block})", "short": kind,
            "test_accuracy": float((last["predictions"][kind] == last["labels"]).mean()),
            "per_class": per_class_accuracy(last["predictions"][kind], last["labels"])})
    notes = []
    for kind in KINDS:
        spread = f" ± {metrics[f'{kind}_forgetting_std']:.3f}" if n > 1 else ""
        notes.append(f"{kind}: task 1 {metrics[f'{kind}_task1_accuracy_before']:.3f} → "
                     f"{metrics[f'{kind}_task1_accuracy_after']:.3f} after task 2, forgetting "
                     f"{metrics[f'{kind}_forgetting']:.3f}{spread}; task 2 {metrics[f'{kind}_task2_accuracy']:.3f}")
    if n > 1:
        lwta_less = sum(r["metrics"]["lwta_forgetting"] < r["metrics"]["relu_forgetting"] for r in results)
        if 0 < lwta_less < n:
            notes.append(f"the seeds disagree: LWTA forgets less than ReLU in {lwta_less} of {n} seeds; this "
                         "small-network result is noisy, compare means with their spread")
    else:
        notes.append("one seed: forgetting varies a lot between seeds; use --seeds 10 before drawing conclusions")
    notes.append("accuracy here: every test digit judged by its own task's 5 logits")
    reference = []
    if cfg.split == "0-4/5-9":
        for key, (seed0, mean, std) in REFERENCE.items():
            what = key.replace("_", " ")
            reference.append({"what": f"{what} (reference run, seed 0)" if n == 1 else
                              f"{what} (reference, 10 seeds: {mean:.3f} ± {std:.3f})",
                              "ours": metrics[key], "published": seed0 if n == 1 else mean})
    return Comparison(title=f"forgetting: {cfg.split} split, {'-'.join(map(str, [784, *cfg.hidden, 10]))}",
                      models=models, reference=reference, notes=notes)
