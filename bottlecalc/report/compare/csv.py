"""``compare --format csv``: one row per block (``--explain``: one row per layer).

Columns are the JSON keys flattened (``params_conv`` is ``params.conv``), so both formats
carry the same numbers under the same names.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from bottlecalc.report.compare.json import block_dict
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.timing import TIME_COLUMNS
from bottlecalc.results import CompareResult

BLOCK_COLUMNS = [
    "kind", "in", "mid", "out", "stride", "groups", "params_conv", "params_bn", "params_bias",
    "params_shortcut", "params_total", "params_instantiated", "macs_conv", "macs_analytic",
    "macs_fvcore", "flops_analytic", "flops_torch",
]
TRAIN_COLUMNS = ["flops_train_analytic", "flops_train_torch"]  # --pass train
YOLO_COLUMNS = ["yolo_n", "yolo_e", "yolo_k", "yolo_shortcut", "yolo_c3k", "yolo_thop_fused",
                "yolo_thop_unfused"]  # when YOLO's blocks are compared
LAYER_COLUMNS = ["kind", "name", "op", "params", "buffers", "macs", "fvcore", "formula"]


def _flat(entry: dict[str, Any], groups: tuple[str, ...]) -> dict[str, Any]:
    """``entry`` with each of ``groups`` spread into ``group_key`` columns."""
    row = dict(entry)
    for group in groups:
        for key, value in (entry.get(group) or {}).items():
            row[f"{group}_{key}"] = "" if value is None else value
    return row


def _joined_k(block: dict[str, Any]) -> dict[str, Any]:
    """A YOLO block's kernel list as one cell ('3,3')."""
    yolo = block.get("yolo")
    if not yolo or yolo["k"] is None:
        return block
    return {**block, "yolo": {**yolo, "k": ",".join(map(str, yolo["k"]))}}


def render(result: CompareResult, options: RenderOptions) -> str:
    buffer = io.StringIO()
    columns = LAYER_COLUMNS if options.explain else BLOCK_COLUMNS
    timed = TIME_COLUMNS if result.machine is not None else []
    train = TRAIN_COLUMNS if result.train and not options.explain else []
    yolo = YOLO_COLUMNS if any(b.spec.is_yolo for b in result.blocks) and \
        not options.explain else []
    writer = csv.DictWriter(buffer, fieldnames=columns + yolo + train + timed,
                            extrasaction="ignore", restval="", lineterminator="\n")
    writer.writeheader()
    for block in (block_dict(b, result.machine, train=result.train) for b in result.blocks):
        layers = [_flat({"kind": block["kind"], **layer}, ("time", "roofline"))
                  for layer in block["layers"]]
        whole = _flat(_joined_k(block), ("params", "macs", "flops", "time", "roofline", "yolo"))
        trained = whole.pop("flops_train", None) or {}  # --pass train: one column each
        whole.update({f"flops_train_{k}": "" if v is None else v for k, v in trained.items()})
        writer.writerows(layers if options.explain else [whole])
    return buffer.getvalue()
