"""The experiments digits can run. Importing this package registers every task in TASKS."""

from digits.core.tasks import baseline, deep_mlp, distill, highway, lwta, mcdnn, subliminal  # noqa: F401  (registers)
from digits.core.tasks.base import TASKS, Context, Task, get_task, headline, register

# What the front-ends offer without being told a task: `digits train` with no --task, and the
# quick first run (seconds) that the TUI offers when there are no runs yet.
DEFAULT_TASK = "baseline"
QUICK_RUN = ("baseline", {"preset": "small", "epochs": "2"})

__all__ = ["DEFAULT_TASK", "QUICK_RUN", "TASKS", "Context", "Task", "get_task", "headline", "register"]
