"""Learning-rate schedules: functions of the 0-based epoch number."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Constant:
    lr: float

    def __call__(self, epoch: int) -> float:
        return self.lr


@dataclass(frozen=True)
class Step:
    """lr · gamma^k, where k counts the milestones (epochs) already reached."""

    lr: float
    milestones: tuple[int, ...]
    gamma: float = 0.1

    def __call__(self, epoch: int) -> float:
        return self.lr * self.gamma ** sum(epoch >= m for m in self.milestones)


@dataclass(frozen=True)
class Exponential:
    """lr · gamma^epoch."""

    lr: float
    gamma: float

    def __call__(self, epoch: int) -> float:
        return self.lr * self.gamma**epoch


SCHEDULES = ("constant", "step", "exponential")


def make_schedule(name: str, lr: float, gamma: float = 0.1, milestones: tuple[int, ...] = ()):
    if name == "constant":
        return Constant(lr)
    if name == "step":
        return Step(lr, tuple(milestones), gamma)
    if name == "exponential":
        return Exponential(lr, gamma)
    raise ValueError(f"unknown schedule {name!r}; choose from {', '.join(SCHEDULES)}")
