"""Serverless Framework variables resolved in a service file: `${self:...}`, `${env:...}`,
`${opt:...}`, `${sls:stage}`, `${param:...}`, `${aws:region}`, `${file(...)}` and
`${strToBool(...)}`, each with fallbacks after commas and variables nested inside others.

A `${...}` that is not a variable of the framework (CloudFormation's `${AWS::Region}` or
`${MyBucket.Arn}` in an `Fn::Sub`) is left as written, as the framework leaves it. A variable
that resolves to nothing, with no fallback that does, is a TemplateError naming it and where
it is written."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.templates.errors import TemplateError
from simulator.templates.reader import read_document

SOURCE = re.compile(r"\s*(?P<source>[A-Za-z][A-Za-z0-9]*):(?!:)(?P<address>.*)", re.S)
FILE = re.compile(r"\s*file\((?P<path>[^)]*)\)(?::(?P<address>.*))?", re.S)
STR_TO_BOOL = re.compile(r"\s*strToBool\((?P<value>[^)]*)\)\s*", re.S)
TRUE_WORDS, FALSE_WORDS = ("true", "1"), ("false", "0")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
DEFAULTS = {"provider.stage": "dev", "provider.region": "us-east-1"}
FILE_SUFFIXES = (".yml", ".yaml", ".json")


@dataclass(frozen=True)
class Context:
    """What variables read besides the service file: the folder its `file(...)` paths are
    relative to, the command-line options (`opt:`), the environment (`env:`), the account."""

    service_dir: Path
    options: Mapping[str, str] = field(default_factory=dict)
    environ: Mapping[str, str] = field(default_factory=dict)
    account_id: str = "000000000000"


class Missing(Exception):
    """A source has no value at an address; the next fallback is tried."""


class ServiceVariables:
    """Resolves the variables of one service file."""

    def __init__(self, document: dict[str, Any], context: Context) -> None:
        self._document = document
        self._context = context
        self._active: list[str] = []  # the self addresses being resolved, to catch cycles
        self._files: dict[Path, Any] = {}

    def resolved(self) -> dict[str, Any]:
        """The whole service file with every variable replaced by its value."""
        resolved = self.value(self._document, "")
        return resolved if isinstance(resolved, dict) else {}

    def stage(self) -> str:
        """`--stage`, else `provider.stage`, else `dev` (the framework's `${sls:stage}`)."""
        return self._text(self._sls("stage"))

    def region(self) -> str:
        return self._text(self._option_or_self("region"))

    def value(self, node: Any, where: str) -> Any:
        if isinstance(node, dict):
            return {key: self.value(item, f"{where}.{key}".lstrip(".")) for key, item in
                    node.items()}
        if isinstance(node, list):
            return [self.value(item, f"{where}[{index}]") for index, item in enumerate(node)]
        if isinstance(node, str):
            return self._expand(node, where)
        return node

    # -- strings ---------------------------------------------------------------------------

    def _expand(self, text: str, where: str) -> Any:
        """`text` with its variables replaced; a text that is one variable alone takes the
        variable's value as it is (a mapping, a number ...)."""
        spans = variable_spans(text)
        if not spans:
            return text
        if len(spans) == 1 and spans[0] == (0, len(text)):
            return self._variable(text[2:-1], where)
        pieces, position = [], 0
        for start, end in spans:
            pieces.append(text[position:start])
            pieces.append(self._inline(self._variable(text[start + 2:end - 1], where),
                                       text[start:end], where))
            position = end
        pieces.append(text[position:])
        return "".join(pieces)

    def _inline(self, value: Any, written: str, where: str) -> str:
        if isinstance(value, (dict, list)):
            raise TemplateError(f"{where}: {written} is a {type(value).__name__}, which cannot "
                                "be part of a longer string; use it as the whole value")
        return self._text(value)

    def _variable(self, content: str, where: str) -> Any:
        """The value of `${content}`: each alternative in turn (the source, then the fallbacks
        after commas), its nested variables resolved first, until one has a value."""
        alternatives = [part.strip() for part in split_outside_quotes(content)]
        head = self._expand(alternatives[0], where)
        if not isinstance(head, str) or not is_variable(head):
            return "${" + self._text(self._expand(content, where)) + "}"
        reasons = []
        for index, alternative in enumerate(alternatives):
            expanded = head if index == 0 else self._expand(alternative, where)
            if index and variable_spans(alternative) == [(0, len(alternative))]:
                if expanded is not None:  # a whole variable as the fallback: its value
                    return expanded
                continue
            literal = literal_value(str(expanded))
            if literal is not NOT_LITERAL:
                return literal
            try:
                return self._source(str(expanded), where)
            except Missing as missing:
                reasons.append(str(missing))
        raise TemplateError(f"{where}: cannot resolve ${{{content}}}: {reasons[0]}, and no "
                            "fallback after a comma has a value; set it or add a fallback "
                            "(${source:address, 'default'})")

    def _source(self, reference: str, where: str) -> Any:
        boolean = STR_TO_BOOL.fullmatch(reference)
        if boolean:
            return string_to_bool(boolean.group("value"))
        file = FILE.fullmatch(reference)
        if file:
            return self._file(file.group("path").strip().strip("'\""), file.group("address"),
                              where)
        match = SOURCE.fullmatch(reference)
        if not match:
            raise Missing(f"{reference!r} is neither a literal nor a source:address")
        source, address = match.group("source"), match.group("address").strip()
        if source == "self":
            return self._self(address)
        if source == "env":
            return self._found(self._context.environ.get(address),
                               f"the environment variable {address} is not set")
        if source == "opt":
            return self._found(self._context.options.get(address),
                               f"no option {address} was given (pass {address}=... as a "
                               "parameter override)")
        if source == "sls":
            return self._sls(address)
        if source == "param":
            return self._param(address)
        if source == "aws":
            return self._aws(address)
        raise Missing(f"the simulator has no variable source {source!r} (it reads self, env, "
                      "opt, sls, param, aws and file)")

    # -- sources ---------------------------------------------------------------------------

    def _self(self, address: str) -> Any:
        if address in self._active:
            chain = " → ".join([*self._active, address])
            raise TemplateError(f"the variables refer to each other in a circle: {chain}")
        self._active.append(address)
        try:
            found = self._walk(self._document, address, "")
            if found is MISSING_VALUE:
                if address in DEFAULTS:
                    return DEFAULTS[address]
                raise Missing(f"the service file has nothing at {address}")
            return self.value(found, address)
        finally:
            self._active.pop()

    def _walk(self, node: Any, address: str, where: str) -> Any:
        """`walk`, resolving each step that is itself a variable (`custom.settings` written
        as `${file(...)}` before `custom.settings.colour` can be read)."""
        parts = [part for part in address.split(".") if part]
        for index, part in enumerate(parts):
            if isinstance(node, str) and variable_spans(node):
                node = self.value(node, ".".join([where, *parts[:index]]).strip("."))
            node = walk(node, part)
            if node is MISSING_VALUE:
                break
        return node

    def _sls(self, address: str) -> Any:
        if address != "stage":
            raise Missing(f"the simulator knows sls:stage only, not sls:{address}")
        return self._option_or_self("stage")

    def _option_or_self(self, name: str) -> Any:
        if name in self._context.options:
            return self._context.options[name]
        return self._self(f"provider.{name}")

    def _param(self, name: str) -> Any:
        """`params.<stage>` (v3) or `stages.<stage>.params` (v4), then the same for
        `default`."""
        for stage in (self.stage(), "default"):
            for address in (f"params.{stage}.{name}", f"stages.{stage}.params.{name}"):
                try:
                    return self._self(address)
                except Missing:
                    continue
        raise Missing(f"no params has {name} for the stage {self.stage()} nor for default")

    def _aws(self, address: str) -> Any:
        if address == "region":
            return self.region()
        if address == "accountId":
            return self._context.account_id
        raise Missing(f"the simulator knows aws:region and aws:accountId, not aws:{address}")

    def _file(self, relative: str, address: str | None, where: str) -> Any:
        path = (self._context.service_dir / relative).resolve()
        if path.suffix not in FILE_SUFFIXES:
            raise Missing(f"file({relative}) is not a YAML or JSON file, the only ones the "
                          "simulator reads")
        if not path.is_file():
            raise Missing(f"file({relative}) does not exist ({path})")
        if path not in self._files:
            self._files[path] = read_document(path)
        found = self._walk(self._files[path], (address or "").strip(), f"file({relative})")
        if found is MISSING_VALUE:
            raise Missing(f"file({relative}) has nothing at {address}")
        return self.value(found, f"{where} (from {relative})")

    @staticmethod
    def _found(value: str | None, reason: str) -> str:
        if value is None:
            raise Missing(reason)
        return value

    @staticmethod
    def _text(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else str(value)


# -- parsing -------------------------------------------------------------------------------

NOT_LITERAL = object()
MISSING_VALUE = object()


def variable_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each outermost `${...}` in `text`, nested braces matched."""
    spans, index, start, depth = [], 0, -1, 0
    while index < len(text):
        if depth == 0 and text.startswith("${", index):
            start, depth, index = index, 1, index + 2
            continue
        if depth and text[index] == "{":
            depth += 1
        elif depth and text[index] == "}":
            depth -= 1
            if depth == 0:
                spans.append((start, index + 1))
        index += 1
    return spans


def is_variable(content: str) -> bool:
    """Whether `${content}` is the framework's (`source:address` or `file(...)`), not
    CloudFormation's (`AWS::Region`, `MyBucket.Arn`)."""
    first = split_outside_quotes(content)[0]
    return any(pattern.fullmatch(first) for pattern in (SOURCE, FILE, STR_TO_BOOL))


def split_outside_quotes(content: str) -> list[str]:
    """`content` split at the commas outside quotes, parentheses and nested variables."""
    parts, current, quote, depth = [], "", "", 0
    for character in content:
        if quote:
            quote = "" if character == quote else quote
        elif character in "'\"":
            quote = character
        elif character in "({":
            depth += 1
        elif character in ")}":
            depth -= 1
        elif character == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += character
    return [*parts, current]


def literal_value(alternative: str) -> Any:
    """A quoted string, a number, true, false or null; NOT_LITERAL for a source reference."""
    text = alternative.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    return {"true": True, "false": False, "null": None}.get(text, NOT_LITERAL)


def string_to_bool(text: str) -> bool:
    """The framework's `strToBool`: true/1 and false/0, nothing else."""
    value = text.strip().strip("'\"").lower()
    if value not in (*TRUE_WORDS, *FALSE_WORDS):
        raise Missing(f"strToBool takes true, false, 1 or 0, not {text.strip()!r}")
    return value in TRUE_WORDS


def walk(node: Any, address: str) -> Any:
    """The value at a dotted address (`provider.environment.TABLE`, `items.0`); the whole
    node for an empty address; MISSING_VALUE when there is nothing there."""
    for part in [part for part in address.split(".") if part] if address else []:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING_VALUE
    return node
