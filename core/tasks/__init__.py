"""The experiments digits can run. Importing this package registers every task in TASKS."""

from digits.core.tasks import baseline, deep_mlp, distill, highway, lwta, mcdnn, subliminal  # noqa: F401  (registers)
from digits.core.tasks.base import TASKS, Context, Task, get_task, headline, register

__all__ = ["TASKS", "Context", "Task", "get_task", "headline", "register"]
