"""``network TARGET --seq/--phase --format json`` (schema ``bottlecalc.scaling``,
docs/json.md). Exact fractions are ``{"numerator": n, "denominator": d}``."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from bottlecalc.report.jsondoc import dumps, header
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.scaling.words import reason
from bottlecalc.scaling import Active, Decode, Fit, Scaling, SeqPoint, SequenceReport


def fraction(value: Fraction) -> dict[str, int]:
    return {"numerator": value.numerator, "denominator": value.denominator}


def fit_dict(found: Fit) -> dict[str, Any]:
    poly = found.polynomial
    coefficients: dict[str, Any] = dict.fromkeys("abc")
    if poly is not None:
        coefficients = {k: fraction(v) for k, v in zip("abc", poly.coefficients, strict=True)}
    return {"fitted": poly is not None, "verified": found.verified,
            "verified_at": list(found.verified_at), **coefficients, "reason": reason(found)}


def point_dict(point: SeqPoint) -> dict[str, Any]:
    return {"length": point.length, "tokens": point.tokens, "macs": point.macs,
            "causal_macs": point.causal, "causal_skipped": point.causal_skipped,
            "attention_macs": point.attention, "macs_per_token": fraction(point.per_token),
            "causal_macs_per_token": fraction(point.causal_per_token)}


def scaling_dict(found: Scaling) -> dict[str, Any]:
    return {"seq_dim": found.seq_dim, "resized": list(found.resized),
            "points": [point_dict(p) for p in found.points],
            "polynomial": {"dense": fit_dict(found.dense), "causal": fit_dict(found.causal),
                           "attention": fit_dict(found.attention)}}


def decode_dict(step: Decode) -> dict[str, Any]:
    return {"context": step.context, "batch": step.batch, "prefill_macs": step.prefill_macs,
            "prefill_causal_macs": step.prefill_causal, "macs": step.macs,
            "macs_per_token": fraction(step.per_token), "attention_macs": step.attention,
            "kv_bytes": step.kv_bytes, "kv_tensors": step.kv_tensors,
            "kv_bytes_per_token": fraction(step.kv_bytes_per_token)}


def active_dict(found: Active) -> dict[str, Any]:
    return {"params": found.params, "active_params": found.active, "macs": found.macs}


def report_dict(report: SequenceReport) -> dict[str, Any]:
    return {
        **header("scaling"),
        "model": report.name,
        "params": report.params,
        "trainable_params": report.trainable,
        "scaling": None if report.scaling is None else scaling_dict(report.scaling),
        "decode": None if report.decode is None else decode_dict(report.decode),
        "active": None if report.active is None else active_dict(report.active),
        "notes": list(report.notes),
    }


def render(report: SequenceReport, options: RenderOptions) -> str:
    return dumps(report_dict(report))
