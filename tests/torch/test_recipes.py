"""docs/recipes.md: every command in the page runs, and gives the page's figures.

The files are the page's own Python blocks, written beside the commands. Each expected
figure is the hand formula written here (or, for YOLO, ultralytics' own ``get_flops``),
and the page must quote it. transformers is installed beside the CPU torch; ultralytics
and timm are optional (skipped where they do not install).
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import torch
from click.testing import CliRunner

from bottlecalc.cli import cli
from bottlecalc.measure.shape_only import grouped_mm

PAGE = Path(__file__).parents[2] / "docs" / "recipes.md"
FILE_BLOCK = re.compile(r"```python\n# (\w+\.py)\n(.*?)```", re.S)
SH_BLOCK = re.compile(r"```sh\n(.*?)```", re.S)


def page() -> str:
    return PAGE.read_text(encoding="utf-8")


def commands() -> list[str]:
    return [line for block in SH_BLOCK.findall(page()) for line in block.splitlines()
            if line.startswith("bottlecalc ")]


def command(*parts: str) -> str:
    """The page's command that starts with ``parts`` (and holds every later part)."""
    found = [c for c in commands() if c.startswith(" ".join(parts[:2]))
             and all(p in c for p in parts)]
    assert len(found) == 1, parts
    return found[0]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The page's Python files, written where the commands run."""
    for name, text in FILE_BLOCK.findall(page()):
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(line: str) -> Any:
    return CliRunner().invoke(cli, shlex.split(line)[1:], prog_name="bottlecalc")


def counted(line: str) -> dict[str, Any]:
    result = run(line)
    assert result.exit_code == 0, result.output
    network: dict[str, Any] = json.loads(result.stdout)["networks"][0]
    assert network["unknown_ops"] == []
    return network


def quoted(*figures: int) -> None:
    for figure in figures:
        assert f"{figure:,}" in page(), figure


def test_every_command_in_the_page_is_run_here() -> None:
    ran = {("network", "llama.py"), ("check", "llama.py"), ("network", "t5.py"),
           ("network", "mixtral.py"), ("check", "mixtral.py"), ("network", "gpt2.py"),
           ("network", "yolo.py"), ("network", "vit.py")}
    assert {(c.split()[1], c.split()[2].split(":")[0]) for c in commands()} == ran
    assert len(commands()) == 10


def test_llama_7b_on_meta_and_its_budget(here: Path) -> None:
    pytest.importorskip("transformers")
    d, f, layers, vocab, t = 4096, 11008, 32, 32000, 128
    params = 2 * vocab * d + layers * (4 * d * d + 3 * d * f + 2 * d) + d
    macs = layers * (4 * t * d * d + 3 * t * d * f + 2 * t * t * d) + t * d * vocab
    found = counted(command("bottlecalc", "network", "llama.py"))
    assert found["params"]["total"] == params
    assert (found["macs"]["complete"], found["macs"]["ops"]) == (macs, macs)
    assert found["flops"] == {"torch": 2 * macs, "torch_device": "meta"}
    assert run(command("bottlecalc", "check", "llama.py", f"--max-macs {macs}")).exit_code == 0
    assert run(command("bottlecalc", "check", "llama.py", f"--max-macs {macs - 1}")).exit_code == 1
    quoted(params, macs, 2 * macs)


def test_t5_small_with_decoder_input_ids(here: Path) -> None:
    pytest.importorskip("transformers")
    d, f, vocab, s, t = 512, 2048, 32128, 64, 16
    encoder = 6 * (4 * s * d * d + 2 * s * s * d + 2 * s * d * f)
    decoder = 6 * (4 * t * d * d + 2 * t * t * d + 2 * t * d * d + 2 * s * d * d
                   + 2 * t * s * d + 2 * t * d * f)
    macs = encoder + decoder + t * d * vocab
    # shared embedding once; per layer q, k, v, o and the feed-forward; RMSNorms; the
    # relative position biases (32 buckets x 8 heads, in the first layer of each stack)
    block = 4 * d * d + 2 * d * f
    params = (vocab * d + 6 * (block + 2 * d) + 6 * (block + 4 * d * d + 3 * d)
              + 2 * d + 2 * 32 * 8)
    found = counted(command("bottlecalc", "network", "t5.py"))
    assert found["params"]["total"] == params
    assert (found["macs"]["complete"], found["macs"]["ops"]) == (macs, macs)
    quoted(params, macs, encoder, decoder, t * d * vocab)


def test_mixtral_grouped_mm_experts_are_counted_and_held_to_a_budget(here: Path) -> None:
    pytest.importorskip("transformers")
    d, f, vocab, t, kv, experts, top = 256, 512, 1000, 64, 128, 8, 2
    layer = 2 * t * d * d + 2 * t * d * kv + 2 * t * t * d + t * d * experts \
        + t * top * 3 * d * f
    macs = 2 * layer + t * d * vocab
    expert_params = 2 * experts * 3 * d * f
    params = 2 * vocab * d + 2 * (2 * d * d + 2 * d * kv + d * experts + 2 * d) + d \
        + expert_params
    found = counted(command("bottlecalc", "network", "mixtral.py"))
    assert found["params"]["total"] == params
    assert (found["macs"]["complete"], found["macs"]["ops"]) == (macs, macs)
    assert found["flops"]["torch_device"] == "meta"  # float32 _grouped_mm answered by shapes
    assert run(command("bottlecalc", "check", "mixtral.py", f"--max-macs {macs}")).exit_code == 0
    under = run(command("bottlecalc", "check", "mixtral.py", f"--max-macs {macs - 1}"))
    assert under.exit_code == 1
    quoted(params, macs, expert_params)


def test_gpt2_tied_embeddings(here: Path) -> None:
    pytest.importorskip("transformers")
    d, layers, vocab, positions, t = 768, 12, 50257, 1024, 128
    macs = layers * (12 * t * d * d + 2 * t * t * d) + t * d * vocab
    # wte (shared with lm_head) and wpe; per layer c_attn, c_proj, the MLP with biases
    # and two LayerNorms; the final LayerNorm
    per_layer = (3 * d * d + 3 * d) + (d * d + d) + (8 * d * d + 5 * d) + 4 * d
    params = vocab * d + positions * d + layers * per_layer + 2 * d
    found = counted(command("bottlecalc", "network", "gpt2.py"))
    assert found["params"]["total"] == params
    assert (found["macs"]["complete"], found["macs"]["ops"]) == (macs, macs)
    quoted(params, macs)


def test_yolo_from_its_yaml_gives_ultralytics_fused_gflops(here: Path) -> None:
    pytest.importorskip("ultralytics")
    from ultralytics.nn.tasks import DetectionModel
    from ultralytics.utils.torch_utils import get_flops

    fused = DetectionModel("yolov8n.yaml", verbose=False).fuse(verbose=False)
    ultralytics_flops = round(get_flops(fused, 640) * 1e9)
    found = counted(command("bottlecalc", "network", "yolo.py"))
    assert found["flops"]["torch"] == ultralytics_flops == 2 * found["macs"]["complete"]
    assert found["macs"]["ops"] == found["macs"]["modules"] == found["macs"]["complete"]
    assert found["flops"]["torch_device"] == "meta"
    quoted(ultralytics_flops, ultralytics_flops // 2, found["params"]["total"])


def test_timm_vit_tiny(here: Path) -> None:
    pytest.importorskip("timm")
    d, layers, t, classes = 192, 12, 197, 1000
    macs = 196 * 16 * 16 * 3 * d + layers * (12 * t * d * d + 2 * t * t * d) + d * classes
    # patch embedding, class token, position embedding; per block qkv, proj, MLP with
    # biases and two LayerNorms; the final LayerNorm and the head
    per_block = (3 * d * d + 3 * d) + (d * d + d) + (8 * d * d + 5 * d) + 4 * d
    params = (16 * 16 * 3 * d + d) + d + t * d + layers * per_block + 2 * d \
        + d * classes + classes
    found = counted(command("bottlecalc", "network", "vit.py"))
    assert found["params"]["total"] == params
    assert (found["macs"]["complete"], found["macs"]["ops"]) == (macs, macs)
    quoted(params, macs)


DETECTOR = '''
import math

import torch
from torch import nn


class Head(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, 3, 1)
        self.stride = torch.zeros(1)  # a plain attribute, as ultralytics' Detect.stride

    def forward(self, x):
        y = self.conv(x)
        return y * y.new_full((1, 1, *y.shape[-2:]), self.stride[0])  # reads its value


class Detector(nn.Module):
    """ultralytics' DetectionModel pattern: strides found by a dummy forward in
    __init__, then read back as floats to initialise the head's bias."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(),
                                  nn.Conv2d(8, 16, 3, stride=2, padding=1))
        self.head = Head(16)
        s = 64
        self.head.stride = torch.tensor([s / self.body(torch.zeros(1, 3, s, s)).shape[-2]])
        with torch.no_grad():
            self.head.conv.bias.fill_(math.log(5 / 80 / (640 / self.head.stride[0]) ** 2))

    def forward(self, x):
        return self.head(self.body(x))


def detector():
    return Detector()
'''


def test_strides_computed_in_init_are_built_and_counted_on_meta(tmp_path: Path) -> None:
    (tmp_path / "detector.py").write_text(DETECTOR, encoding="utf-8")
    found = counted(f"bottlecalc network {tmp_path / 'detector.py'}:detector "
                    "--input 1,3,64,64 --no-fvcore --format json")
    macs = 32 * 32 * 8 * (3 * 3 * 3) + 16 * 16 * 16 * (3 * 3 * 8) + 16 * 16 * 3 * 16
    assert (found["macs"]["complete"], found["macs"]["ops"]) == (macs, macs)
    assert found["flops"]["torch_device"] == "meta"
    assert not any("CPU" in note for note in found["notes"])


@pytest.mark.parametrize(("a", "b", "offs"), [
    ((16, 8), (4, 8, 12), (4, 8, 12, 16)),  # token rows split among experts (MoE)
    ((4, 8, 8), (4, 8, 12), None),  # batched
    ((8, 16), (16, 12), (4, 8, 12, 16)),  # the inner dimension split
    ((4, 8, 8), (8, 16), (4, 8, 12, 16)),  # the columns split
])
def test_grouped_mm_on_meta_has_the_cpu_kernels_shape_in_float32(
        a: tuple[int, ...], b: tuple[int, ...], offs: tuple[int, ...] | None) -> None:
    """torch's meta kernel takes bfloat16 only; the CPU kernel (and bottlecalc) float32."""
    x, w = torch.randn(a), torch.randn(b)
    groups = None if offs is None else torch.tensor(offs, dtype=torch.int32)
    real = torch._grouped_mm(x, w, groups)
    meta = grouped_mm(x.to("meta"), w.to("meta"), None if groups is None else groups.to("meta"))
    assert (meta.shape, meta.dtype, meta.device.type) == (real.shape, torch.float32, "meta")
