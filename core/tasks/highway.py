"""`highway`: a 30-block highway network trains where a plain network of the same depth cannot.

Srivastava, Greff & Schmidhuber 2015 (arXiv:1505.00387, Fig. 1). Both networks share their input
projection (784 → width, tanh) and output layer (width → 10), their initial values, optimiser
and data; between them sit `depth` blocks: highway blocks y = T·tanh(W_H·x + b_H) + (1 − T)·x
with T = sigmoid(W_T·x + b_T) and the gate bias at −2 (blocks start by carrying their input),
or plain blocks y = tanh(W·x + b). Weights U(±1/sqrt(fan_in)), inputs in [−1, 1], Adam with the
gradients' global norm clipped at 5, on a 6,000-image training subset, scored on 2,000 test
images. The plain network's signal fades through the tanh layers and its loss stays at log 10;
the highway network's carry path lets it train. The mean transform gate per block after training
is the carry schedule the network learned.
"""

from dataclasses import dataclass
from functools import partial

from digits.core import seeding
from digits.core.config import TrainConfig, option
from digits.core.data.preprocess import to_inputs
from digits.core.errors import ConfigError
from digits.core.events import Comparison
from digits.core.figures.kinds import Chart, Panel, Series
from digits.core.nn.flops import Work
from digits.core.nn.losses import cross_entropy
from digits.core.nn.network import Dense, Highway, Network, gate_means
from digits.core.nn.optim import Adam
from digits.core.nn.schedules import Constant
from digits.core.runs.record import table
from digits.core.stats import per_class_accuracy
from digits.core.tasks.base import Task, register
from digits.core.tasks.common import evaluation_subset, training_subset
from digits.core.training import Phase, predict, shuffled_batches, test_accuracy, train

KINDS = ("highway", "plain")
# Test accuracy of the reference run (depth 30, width 50, 12 epochs); the plain depth sweep.
REFERENCE = {"highway": 0.926, "plain": 0.124}
PLAIN_SWEEP = {5: 0.857, 10: 0.292, 20: 0.098, 30: 0.124, 50: 0.124}


@dataclass
class HighwayConfig(TrainConfig):
    epochs: int = option(12, "Epochs (each network).", min=1)
    batch_size: int = option(128, "Mini-batch size.", min=1)
    lr: float = option(5e-3, "Learning rate (Adam).", positive=True)
    train_size: int = option(6000, "Training images (a seeded random subset; 0 = all 60,000).", min=0)
    test_size: int = option(2000, "Test images scored (a seeded random subset; 0 = all 10,000).", min=0)
    depth: int = option(30, "Blocks between the input projection and the output layer.", min=1)
    width: int = option(50, "Units per block.", min=1)
    depths: tuple[int, ...] = option((), "Sweep: train both networks at each of these depths, e.g. 5,10,20,30,50 "
                                         "(overrides --depth).", metavar="DEPTHS", allow_empty=True)
    gate_bias: float = option(-2.0, "Initial bias of the highway transform gates (negative: start by carrying).")
    clip: float = option(5.0, "Clip the gradients' global L2 norm to this before each step (0 = no clipping).",
                         min=0)

    def depth_list(self) -> tuple[int, ...]:
        return self.depths or (self.depth,)

    def validate_data(self, dataset) -> None:
        super().validate_data(dataset)
        if self.test_size > len(dataset.test_labels):
            raise ConfigError(f"--test-size {self.test_size} is larger than the {len(dataset.test_labels)} "
                              "test images")


def build(kind: str, depth: int, cfg: HighwayConfig, seed: int, inputs: int, classes: int) -> Network:
    """The input projection and output layer come from the same streams for both kinds (the
    same initial values); the blocks from a stream of their own."""
    project = Dense.create(seeding.rng(seed, "init", "input"), inputs, cfg.width, "tanh",
                           "fan_in_uniform", "fan_in_uniform")
    rng = seeding.rng(seed, "init", kind, str(depth))
    if kind == "highway":
        blocks = [Highway.create(rng, cfg.width, cfg.gate_bias) for _ in range(depth)]
    else:
        blocks = [Dense.create(rng, cfg.width, cfg.width, "tanh", "fan_in_uniform", "fan_in_uniform")
                  for _ in range(depth)]
    output = Dense.create(seeding.rng(seed, "init", "output"), cfg.width, classes, "identity",
                          "fan_in_uniform", "fan_in_uniform")
    return Network([project, *blocks, output])


@register
class HighwayTask(Task):
    name = "highway"
    summary = ("A 30-block highway network trains; a plain tanh network of the same depth stays at "
               "chance (same data, init and optimiser).")
    reference = "Srivastava, Greff & Schmidhuber 2015, Highway Networks (arXiv:1505.00387)"
    Config = HighwayConfig
    headline = (("highway_test_accuracy", "highway"), ("plain_test_accuracy", "plain"))
    contrasts = (("highway − plain", "highway_test_accuracy", "plain_test_accuracy"),)

    def run(self, cfg: HighwayConfig, ctx):
        data, seed = ctx.dataset, cfg.seed
        images, labels = training_subset(data, cfg.train_size, seeding.rng(seed, "subset"))
        test_images, y_test, test_subset = evaluation_subset(data, cfg.test_size, seeding.rng(seed, "test subset"))
        ctx.test_subset = None if test_subset is None else test_subset.tolist()
        x_test = to_inputs(test_images, "symmetric")
        sweep = len(cfg.depth_list()) > 1
        metrics, models, sweep_rows, gates = {}, [], [], {}
        for depth in cfg.depth_list():
            row = {"depth": depth}
            for kind in KINDS:
                net = build(kind, depth, cfg, seed, x_test.shape[1], data.num_classes)

                yield from train(Phase(
                    name=f"{kind} (depth {depth})", net=net, optimizer=Adam(net.params, cfg.lr), loss=cross_entropy,
                    batches=shuffled_batches(images, labels, cfg.batch_size,
                                             seeding.rng(seed, "shuffle", kind, str(depth)),
                                             partial(to_inputs, scale="symmetric")),
                    epochs=cfg.epochs, schedule=Constant(cfg.lr), evaluate=test_accuracy(x_test, y_test),
                    clip_norm=cfg.clip or None,
                ), ctx.should_stop)
                predicted = predict(net, x_test)
                accuracy = float((predicted == y_test).mean())
                row[kind] = accuracy
                if sweep:
                    metrics[f"{kind}_test_accuracy_d{depth}"] = accuracy
                if depth == cfg.depth_list()[-1]:
                    metrics[f"{kind}_test_accuracy"] = accuracy
                    models.append({"name": kind, "label": f"{kind}, depth {depth}", "short": kind,
                                   "test_accuracy": accuracy, "per_class": per_class_accuracy(predicted, y_test)})
                    ctx.save_model(kind, net, role="model", label=f"{kind}, depth {depth}", short=kind,
                                   scale="symmetric", meta={"task": self.name, "config": cfg.to_dict(), "depth": depth})
                if kind == "highway":
                    gates[depth] = gate_means(net, x_test)
            sweep_rows.append(row)
        deepest = cfg.depth_list()[-1]
        yield Comparison(
            title=f"highway vs plain, depth {deepest}, width {cfg.width} ({len(images):,} training images)",
            models=models,
            reference=[{"what": f"{kind}, depth 30 (reference run, 12 epochs)",
                        "ours": metrics[f"{kind}_test_accuracy"], "published": REFERENCE[kind]}
                       for kind in KINDS] if deepest == 30 else [],
            notes=[gate_note(gates[deepest])] + ([sweep_note(sweep_rows)] if sweep else []),
        )
        ctx.save_json("results.json", {"sweep": sweep_rows, "gate_means": {str(d): g for d, g in gates.items()}})
        ctx.save_results(tables={
            "depth_sweep": table(["depth", "highway", "plain"],
                                 [[r["depth"], r["highway"], r["plain"]] for r in sweep_rows]),
            "gate_means": table(["depth", "block", "mean_T"],
                                [[d, k + 1, g] for d, means in gates.items() for k, g in enumerate(means)])})
        return metrics

    def figures(self, source) -> list:
        out = []
        sweep = source.table("depth_sweep")
        if len(sweep) > 1:
            depths = [r["depth"] for r in sweep]
            out.append(Chart("depth_sweep", "Test accuracy against depth",
                             "Highway and plain networks of each depth, trained alike (same data, initial "
                             "projection and optimiser): the plain network falls to chance as it deepens.",
                             [Panel("blocks", "test accuracy", [Series(kind, depths, [r[kind] for r in sweep])
                                                                for kind in KINDS], xticks=depths, percent=True)]))
        gates = source.table("gate_means")
        if gates:
            depths = list(dict.fromkeys(r["depth"] for r in gates))
            series = [Series(f"depth {d}", [r["block"] for r in gates if r["depth"] == d],
                             [r["mean_T"] for r in gates if r["depth"] == d]) for d in depths]
            blocks = sorted({r["block"] for r in gates})
            out.append(Chart("gates", "Mean transform gate per block",
                             "The highway network's transform gate T averaged over the test digits, block by block "
                             f"from input to output (1 − T of each unit's input is carried through unchanged; the gate "
                             f"biases start at {source.config.get('gate_bias')}).",
                             [Panel("block", "mean transform gate T", series,
                                    xticks=blocks if len(blocks) <= 16 else None)]))
        return out

    def gemm_work(self, cfg: HighwayConfig, dataset) -> list[Work]:
        """At each depth, each network: training, a test evaluation per epoch, the final predictions;
        the highway network also its gate means (a forward pass of the test images, and each
        block's transform-gate product x·W_T, width × width, in chunks of 2048). A highway block is
        one width × 2·width product ([W_H | W_T]), a plain block width × width."""
        n = len(training_subset(dataset, cfg.train_size, seeding.rng(cfg.seed, "subset"))[1])
        s = len(evaluation_subset(dataset, cfg.test_size, seeding.rng(cfg.seed, "test subset"))[1])
        inputs, width = dataset.train_images[0].size, cfg.width
        work = []
        for depth in cfg.depth_list():
            for kind in KINDS:
                block = (width, 2 * width) if kind == "highway" else (width, width)
                shapes = ((inputs, width), *[block] * depth, (width, dataset.num_classes))
                gate_pass = 1 if kind == "highway" else 0
                work.append(Work(f"{kind} (depth {depth})", shapes, cfg.batch_size, cfg.epochs * n,
                                 (cfg.epochs + 1 + gate_pass) * s))
            work.append(Work(f"highway gates (depth {depth})", ((width, width),) * depth, cfg.batch_size, 0, s,
                             chunk=2048))
        return work


def gate_note(means: list[float]) -> str:
    shown = " ".join(f"{m:.2f}" for m in means)
    return f"mean transform gate T per highway block, input to output (1 − T is carried): {shown}"


def sweep_note(rows: list[dict]) -> str:
    parts = [f"depth {r['depth']}: highway {r['highway']:.3f}, plain {r['plain']:.3f}"
             + (f" (reference plain {PLAIN_SWEEP[r['depth']]:.3f})" if r["depth"] in PLAIN_SWEEP else "")
             for r in rows]
    return "sweep: " + "; ".join(parts)
