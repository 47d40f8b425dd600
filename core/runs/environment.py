"""Where a run ran: the versions, CPU, SIMD level, BLAS library and threads, and which kernels it
used. Float32 training differs at rounding level between machines (numba compiles for the host,
numpy dispatches SIMD kernels by CPU, OpenBLAS picks a kernel per core type and splits work by its
thread count), so a number from another machine is interpretable only beside this.

importlib.metadata, socket and threadpoolctl are imported when a run record is written, not with
this module (~0.02 s that `digits --help` and `digits train --no-save` do not need)."""

import os
import platform
from functools import cache

import numpy as np

import digits
from digits.core.nn.kernels import backend

SIMD_LEVELS = ("AVX512F", "AVX2", "AVX", "SSE42", "ASIMD", "NEON")  # best first


def version(package: str) -> str | None:
    """A package's version without importing it (importing numba alone costs ~0.2 s)."""
    import importlib.metadata

    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(("model name", "Model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def simd_level() -> str:
    """The widest SIMD extension numpy found on this CPU (and may dispatch to)."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:
        return "unknown"
    return next((level for level in SIMD_LEVELS if features.get(level)), "baseline")


def blas() -> dict:
    """The BLAS numpy calls: library, version, threads and (OpenBLAS) the core type it runs."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return {}
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return {"library": pool.get("internal_api"), "version": pool.get("version"),
                    "threads": pool.get("num_threads"), "core": pool.get("architecture")}
    return {}


@cache
def static() -> dict:
    """What cannot change within a process."""
    import socket

    return {"digits": digits.__version__, "numpy": np.__version__, "numba": version("numba"),
            "python": platform.python_version(), "platform": platform.platform(), "host": socket.gethostname(),
            "cpu": cpu_model(), "simd": simd_level(), "cpus": os.cpu_count()}


def environment() -> dict:
    """The `environment` block of a run record."""
    return {**static(), "blas": blas(), "kernels": backend(),
            "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE")}
