"""Why a user's model rejected the example input: the module whose forward raised, and,
for a shape error, that the size may need to be a multiple of the model's stride.

Detectors (YOLO, RT-DETR) concatenate upsampled features with earlier ones: an input that
is not a multiple of their stride (650 x 650 to a stride-32 model) fails deep inside, at a
``torch.cat``, with torch's words only. This names the place and the likely cause.
"""

from __future__ import annotations

import torch
from torch import nn

# Words torch uses when tensor shapes do not fit together (cat, matmul, add, view).
SHAPE_WORDS = ("size", "shape", "dimension", "must match")


def where_it_failed(exc: BaseException, root: nn.Module) -> str:
    """' in module neck.cat (Concat)': the innermost module of ``root`` whose forward was
    running when ``exc`` was raised (' in Detector.forward' for the root's own), or '' when
    none was."""
    names = {id(module): name for name, module in root.named_modules()}
    found = None
    trace = exc.__traceback__
    while trace is not None:
        owner = trace.tb_frame.f_locals.get("self")
        if isinstance(owner, nn.Module) and id(owner) in names:
            found = owner
        trace = trace.tb_next
    if found is None:
        return ""
    kind = type(found).__name__
    return f" in module {names[id(found)]} ({kind})" if names[id(found)] else f" in {kind}.forward"


def shape_hint(exc: BaseException, root: nn.Module) -> str:
    """' The input size may need to be a multiple of the model's stride (32).' after a
    shape error ('' after any other)."""
    if not isinstance(exc, RuntimeError) or not any(w in str(exc).lower() for w in SHAPE_WORDS):
        return ""
    stride = model_stride(root)
    said = f"the model's stride ({stride})" if stride else "the model's stride"
    return f"{'' if str(exc).endswith('.') else '.'} The input size may need to be a " \
           f"multiple of {said}."


def model_stride(root: nn.Module) -> int | None:
    """The largest of the model's ``stride`` attribute (ultralytics keeps a tensor of its
    strides there), when it holds real numbers."""
    stride = getattr(root, "stride", None)
    if isinstance(stride, torch.Tensor) and not stride.is_meta and stride.numel():
        return int(stride.max().item())
    if isinstance(stride, int) and stride > 1:
        return stride
    if isinstance(stride, (tuple, list)) and stride and all(isinstance(s, int) for s in stride):
        return max(stride)
    return None
