"""``bottlecalc schema``: print the JSON Schema of one of the JSON documents bottlecalc writes."""

from __future__ import annotations

from pathlib import Path

import click

from bottlecalc.cli import options
from bottlecalc.cli.output import OutputPath, emit
from bottlecalc.report.jsondoc import SCHEMA_VERSIONS, schema_text

EXAMPLES = """
\b
Examples:
  bottlecalc schema compare                       # the schema of compare --format json
  bottlecalc schema network -o network.schema.json
  bottlecalc network resnet18 --format json -o resnet18.json
  check-jsonschema --schemafile network.schema.json resnet18.json
"""
PREFIX = "bottlecalc."


def document_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A document's name, bare (``network``) or as its ``schema`` key says it."""
    if value is None:
        return None
    name = value.lower().removeprefix(PREFIX)  # choices are case-insensitive everywhere
    if name not in SCHEMA_VERSIONS:
        raise click.BadParameter(f"{value!r} is not one of {', '.join(sorted(SCHEMA_VERSIONS))}")
    return name


@click.command(epilog=EXAMPLES)
@click.argument("name", required=False, metavar="NAME", callback=document_name)
@click.option("-o", "--output", type=OutputPath(formats=("json",)), default=None,
              metavar="FILE", help="Write the schema to FILE (a .json name, or none) "
              "instead of stdout (- is stdout).")
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
