"""Sweeps: many runs of one task as one experiment, a grid of option values × seeds. A cell is one
run (one grid point, one seed); the sweep's directory holds every finished cell's run record and
is the single source of truth; a summary aggregates the cells per grid point."""
