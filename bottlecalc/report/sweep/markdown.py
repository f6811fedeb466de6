"""``sweep --format markdown``: the table a teacher pastes into course notes."""

from __future__ import annotations

from bottlecalc.report.glossary import SWEEP_LEGEND, TIME_LEGEND
from bottlecalc.report.markdown import table
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.sweep.words import AXIS_LABELS, header, row, time_notes
from bottlecalc.sweep import Sweep


def render(sweep: Sweep, options: RenderOptions) -> str:
    lines = table([AXIS_LABELS[sweep.axis], *header(sweep)], [row(p) for p in sweep.points],
                  align="---:")
    lines += ["", f"_{SWEEP_LEGEND}_"]
    if sweep.machine is not None:
        lines += ["", f"_{TIME_LEGEND}_", "", *(f"- {note}" for note in time_notes(sweep))]
    return "\n".join(lines) + "\n"
