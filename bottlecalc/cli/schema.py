"""``bottlecalc schema``: print the JSON Schema of one of the JSON documents bottlecalc writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bottlecalc.cli import options
from bottlecalc.cli.output import emit
from bottlecalc.report.jsondoc import SCHEMA_VERSIONS, schema_text

EXAMPLES = """
\b
Examples:
  bottlecalc schema compare                       # the schema of compare --format json
  bottlecalc schema network -o network.schema.json
  bottlecalc network resnet50 --format json -o resnet50.json
  check-jsonschema --schemafile network.schema.json resnet50.json
"""
PREFIX = "bottlecalc."


class SchemaName(click.Choice):
    """A document's name, bare (``network``) or as its ``schema`` key says (``bottlecalc.network``)."""

    def __init__(self) -> None:
        super().__init__(sorted(SCHEMA_VERSIONS))

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value)
        return super().convert(text.removeprefix(PREFIX), param, ctx)


@click.command(epilog=EXAMPLES)
@click.argument("name", type=SchemaName(), required=False, metavar="NAME")
@options.output_option
@options.debug_option
def schema(*, name: str | None, output: Path | None) -> None:
    """Print the JSON Schema (draft 2020-12) of one JSON document bottlecalc writes.

    NAME is one of check, compare, network and sweep (the command whose --format json
    output it describes), or the document's "schema" key, e.g. bottlecalc.network. Every
    object in a document is closed: a key the schema does not list fails validation. The
    schema describes what this bottlecalc writes; its $id and "version" name the document
    version.
    """
    if name is None:
        raise click.UsageError(f"give a NAME: one of {', '.join(sorted(SCHEMA_VERSIONS))}")
    emit(schema_text(name), output)
