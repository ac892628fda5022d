"""Tokenizer and recursive-descent parser for Airtable formulas; builds a tree, never evaluates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

MAX_FORMULA_LENGTH = 100_000
MAX_NESTING_DEPTH = 64

COMPARISON_OPERATORS = ("=", "!=", "<", ">", "<=", ">=")


class FormulaSyntaxError(ValueError):
    """The formula text is not a valid Airtable formula."""


@dataclass(frozen=True)
class Token:
    kind: str  # FIELD, STRING, NUMBER, NAME, OP, LPAREN, RPAREN, COMMA, END
    text: str
    position: int


@dataclass(frozen=True)
class Literal:
    value: str | float | bool


@dataclass(frozen=True)
class FieldRef:
    name: str


@dataclass(frozen=True)
class Call:
    name: str  # upper case
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Unary:
    operator: str
    operand: Node


@dataclass(frozen=True)
class Binary:
    operator: str
    left: Node
    right: Node


Node: TypeAlias = Literal | FieldRef | Call | Unary | Binary

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
_TWO_CHAR_OPERATORS = ("!=", "<=", ">=")
_ONE_CHAR_OPERATORS = "=<>&+-*/"


def tokenize(text: str) -> list[Token]:
    """Split formula text into tokens; raise FormulaSyntaxError naming the bad position."""
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaSyntaxError(f"formula is longer than {MAX_FORMULA_LENGTH} characters")
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
        elif char == "{":
            index = _read_field(text, index, tokens)
        elif char in "'\"":
            index = _read_string(text, index, tokens)
        elif char.isdigit() or (char == "." and text[index + 1 : index + 2].isdigit()):
            index = _read_number(text, index, tokens)
        elif char.isalpha() or char == "_":
            end = index
            while end < len(text) and (text[end].isalnum() or text[end] == "_"):
                end += 1
            tokens.append(Token("NAME", text[index:end], index))
            index = end
        elif text[index : index + 2] in _TWO_CHAR_OPERATORS:
            tokens.append(Token("OP", text[index : index + 2], index))
            index += 2
        elif char in _ONE_CHAR_OPERATORS:
            tokens.append(Token("OP", char, index))
            index += 1
        elif char in "(),":
            kind = {"(": "LPAREN", ")": "RPAREN", ",": "COMMA"}[char]
            tokens.append(Token(kind, char, index))
            index += 1
        else:
            raise FormulaSyntaxError(f"unexpected character {char!r} at position {index}")
    tokens.append(Token("END", "", len(text)))
    return tokens


def _read_field(text: str, start: int, tokens: list[Token]) -> int:
    # `\}` inside braces is an escaped closing brace, as pyairtable's field_name() writes it.
    name: list[str] = []
    index = start + 1
    while index < len(text):
        if text.startswith("\\}", index):
            name.append("}")
            index += 2
        elif text[index] == "}":
            tokens.append(Token("FIELD", "".join(name), start))
            return index + 1
        else:
            name.append(text[index])
            index += 1
    raise FormulaSyntaxError(f"field reference at position {start} has no closing brace")


def _read_string(text: str, start: int, tokens: list[Token]) -> int:
    quote = text[start]
    value: list[str] = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            escaped = text[index + 1]
            value.append(_ESCAPES.get(escaped, escaped))
            index += 2
        elif char == quote:
            tokens.append(Token("STRING", "".join(value), start))
            return index + 1
        else:
            value.append(char)
            index += 1
    raise FormulaSyntaxError(f"string at position {start} has no closing quote")


def _read_number(text: str, start: int, tokens: list[Token]) -> int:
    index = start
    seen_dot = False
    while index < len(text) and (text[index].isdigit() or (text[index] == "." and not seen_dot)):
        seen_dot = seen_dot or text[index] == "."
        index += 1
    if index < len(text) and text[index] in "eE":
        exponent = index + 1
        if exponent < len(text) and text[exponent] in "+-":
            exponent += 1
        if exponent < len(text) and text[exponent].isdigit():
            index = exponent
            while index < len(text) and text[index].isdigit():
                index += 1
    tokens.append(Token("NUMBER", text[start:index], start))
    return index


class Parser:
    """Operator precedence, lowest first: comparison, `&`, `+ -`, `* /`, unary minus."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def parse(self) -> Node:
        if self.peek().kind == "END":
            raise FormulaSyntaxError("formula is empty")
        node = self.comparison()
        token = self.peek()
        if token.kind != "END":
            raise FormulaSyntaxError(f"unexpected {token.text!r} at position {token.position}")
        return node

    def peek(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def comparison(self) -> Node:
        node = self.concatenation()
        while self.peek().kind == "OP" and self.peek().text in COMPARISON_OPERATORS:
            operator = self.advance().text
            node = Binary(operator, node, self.concatenation())
        return node

    def concatenation(self) -> Node:
        node = self.additive()
        while self.peek().kind == "OP" and self.peek().text == "&":
            self.advance()
            node = Binary("&", node, self.additive())
        return node

    def additive(self) -> Node:
        node = self.multiplicative()
        while self.peek().kind == "OP" and self.peek().text in "+-":
            operator = self.advance().text
            node = Binary(operator, node, self.multiplicative())
        return node

    def multiplicative(self) -> Node:
        node = self.unary()
        while self.peek().kind == "OP" and self.peek().text in "*/":
            operator = self.advance().text
            node = Binary(operator, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek().kind == "OP" and self.peek().text in "-+":
            operator = self.advance().text
            return Unary(operator, self.nested(self.unary))
        return self.primary()

    def nested(self, rule: Callable[[], Node]) -> Node:
        self.depth += 1
        if self.depth > MAX_NESTING_DEPTH:
            raise FormulaSyntaxError(f"formula is nested deeper than {MAX_NESTING_DEPTH} levels")
        try:
            return rule()
        finally:
            self.depth -= 1

    def primary(self) -> Node:
        token = self.advance()
        if token.kind == "NUMBER":
            return Literal(float(token.text))
        if token.kind == "STRING":
            return Literal(token.text)
        if token.kind == "FIELD":
            return FieldRef(token.text)
        if token.kind == "LPAREN":
            node = self.nested(self.comparison)
            self.expect("RPAREN")
            return node
        if token.kind == "NAME":
            if self.peek().kind == "LPAREN":
                return self.call(token)
            if token.text.upper() in ("TRUE", "FALSE"):
                return Literal(token.text.upper() == "TRUE")
            return FieldRef(token.text)
        if token.kind == "END":
            raise FormulaSyntaxError("formula ends too early")
        raise FormulaSyntaxError(f"unexpected {token.text!r} at position {token.position}")

    def call(self, name: Token) -> Node:
        self.expect("LPAREN")
        args: list[Node] = []
        if self.peek().kind != "RPAREN":
            args.append(self.nested(self.comparison))
            while self.peek().kind == "COMMA":
                self.advance()
                args.append(self.nested(self.comparison))
        self.expect("RPAREN")
        return Call(name.text.upper(), tuple(args))

    def expect(self, kind: str) -> Token:
        token = self.advance()
        if token.kind != kind:
            expected_text = {"RPAREN": "')'", "LPAREN": "'('"}.get(kind, kind)
            found = token.text or "end of formula"
            raise FormulaSyntaxError(
                f"expected {expected_text} at position {token.position}, got {found!r}"
            )
        return token


def parse(text: str) -> Node:
    """Parse formula text into a tree of Literal, FieldRef, Call, Unary and Binary nodes."""
    return Parser(tokenize(text)).parse()
