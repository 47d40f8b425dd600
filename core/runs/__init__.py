"""Runs: running a task and recording it (the run directory, the run record and its schema-1
migration, the environment), several seeds as one result, and reading a saved run's models back."""
