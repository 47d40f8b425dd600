"""The errors digits raises on bad input; front-ends print them as one line and exit non-zero."""


class DigitsError(Exception):
    """A problem the user can fix; the message names what is wrong and what to do."""

    exit_code = 1


class ConfigError(DigitsError):
    """An invalid option or configuration, caught before any work starts."""

    exit_code = 2


class RunLookupError(DigitsError):
    """A run, model, test index or class that does not exist (the user asked for it)."""

    exit_code = 2


class DataError(DigitsError):
    """A dataset file that is missing, malformed, truncated or fails its checksum."""


class ModelFileError(DigitsError):
    """A saved network that is not ours, is truncated, or does not match its architecture."""


class TrainingDiverged(DigitsError):
    """The loss became NaN or infinite."""


class RunCancelled(Exception):
    """Raised inside the training loop when the caller asked it to stop (Ctrl-C, TUI cancel)."""

    def __init__(self, phase: str | None = None, epoch: int | None = None, step: int | None = None):
        super().__init__(f"cancelled in phase {phase!r}, epoch {epoch}, step {step}")
        self.phase, self.epoch, self.step = phase, epoch, step


class MissingExtra(DigitsError):
    """An optional dependency a command needs is not installed; the message gives the install command."""
