"""Saving and loading networks: `<name>.npz` (arrays only) beside `<name>.json` (architecture).

Both files are written atomically. Loading never unpickles, and checks that the JSON is ours,
that every array is present with the shape the architecture implies, and nothing else.
"""

import json
import zipfile
from pathlib import Path

import numpy as np

from digits.core.atomic import atomic_open, write_json
from digits.core.errors import ModelFileError
from digits.core.nn.activations import is_activation
from digits.core.nn.network import LAYER_TYPES, Network

FORMAT = "digits-network"
VERSION = 1


def model_files(path: Path) -> tuple[Path, Path]:
    """(npz, json) for a model path given with or without either extension; dots in names are kept."""
    path = Path(path)
    if path.suffix in (".npz", ".json"):
        path = path.with_suffix("")
    return path.parent / f"{path.name}.npz", path.parent / f"{path.name}.json"


def save_network(path: Path, net: Network, meta: dict | None = None) -> Path:
    """Write `path`.npz and `path`.json; return the .npz path."""
    npz, json_path = model_files(path)
    with atomic_open(npz, "wb") as handle:
        np.savez(handle, **net.state())
    write_json(json_path, {
        "format": FORMAT, "version": VERSION, "layers": net.spec, "sizes": net.sizes,
        "dtype": str(net.dtype), "params": net.num_params, "meta": meta or {},
    })
    return npz


def expected_shapes(layers: list[dict]) -> dict[str, tuple[int, ...]]:
    shapes = {}
    for i, layer in enumerate(layers):
        for name, shape in LAYER_TYPES[layer["type"]].param_shapes(layer).items():
            shapes[f"layers.{i}.{name}"] = tuple(int(d) for d in shape)
    return shapes


def read_spec(json_path: Path) -> dict:
    try:
        spec = json.loads(json_path.read_text())
    except FileNotFoundError:
        raise ModelFileError(f"{json_path}: missing architecture file (save both .npz and .json)") from None
    except OSError as exc:
        raise ModelFileError(f"{json_path}: cannot read ({exc.strerror or exc})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{json_path}: not valid JSON ({exc}); damaged, or not a digits model") from None
    if not isinstance(spec, dict) or spec.get("format") != FORMAT:
        raise ModelFileError(f"{json_path}: not a digits network file (no \"format\": \"{FORMAT}\")")
    if spec.get("version") != VERSION:
        raise ModelFileError(f"{json_path}: network format version {spec.get('version')} is not supported "
                             f"(this digits reads version {VERSION})")
    layers = spec.get("layers")
    if not isinstance(layers, list) or not layers:
        raise ModelFileError(f"{json_path}: architecture lists no layers")
    for i, layer in enumerate(layers):
        if not isinstance(layer, dict) or layer.get("type") not in LAYER_TYPES:
            raise ModelFileError(f"{json_path}: layer {i} has an unknown type (known: {', '.join(LAYER_TYPES)})")
        if not is_activation(layer.get("activation")):
            raise ModelFileError(f"{json_path}: layer {i} has unknown activation {layer.get('activation')!r}")
        if not all(isinstance(layer.get(k), int) and layer[k] > 0 for k in ("in", "out")):
            raise ModelFileError(f"{json_path}: layer {i} lacks positive integer in/out sizes")
    return spec


def load_network(path: Path) -> tuple[Network, dict]:
    """Load a network saved by `save_network`; return it and its metadata."""
    npz, json_path = model_files(path)
    spec = read_spec(json_path)
    try:
        archive = np.load(npz, allow_pickle=False)
    except FileNotFoundError:
        raise ModelFileError(f"{npz}: file not found") from None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ModelFileError(f"{npz}: not a readable .npz archive ({exc}); the file is truncated or not ours") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ModelFileError(f"{npz}: holds a single array, not a .npz archive of a network")
    try:
        with archive:
            arrays = {key: archive[key] for key in archive.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ModelFileError(f"{npz}: not a readable .npz archive ({exc}); the file is truncated or not ours") from None
    shapes = expected_shapes(spec["layers"])
    for before, after in zip(spec["layers"], spec["layers"][1:]):
        if before["out"] != after["in"]:
            raise ModelFileError(f"{json_path}: a layer of {before['out']} outputs feeds one of {after['in']} inputs")
    if set(arrays) != set(shapes):
        raise ModelFileError(f"{npz}: arrays {sorted(arrays)} do not match the architecture in {json_path.name}")
    for key, shape in shapes.items():
        if arrays[key].shape != shape:
            raise ModelFileError(f"{npz}: {key} has shape {arrays[key].shape}, architecture needs {shape}")
        if arrays[key].dtype != np.float32:
            raise ModelFileError(f"{npz}: {key} holds {arrays[key].dtype}, expected float32")
    return Network.from_arrays(spec["layers"], arrays), spec.get("meta", {})
