"""The canonical layout of a data file, so that ``git diff`` shows facts, not formatting.

The canonical form, applied by a ruamel.yaml round trip (comments survive):

- keys in the order the model declares its fields (``generator/model.py``); keys the model does
  not know keep their relative order after the known ones;
- 2-space indentation, list items indented under their key (``  - id: …``);
- one fact per line: entities (anything with an ``id``, sections, dimensions, sources) are block
  mappings; small value objects (频次, 版本, 撤销去向, 量化目标, 期间, 摘录范围, 数据) stay on one
  line as ``{per: year, at_least: 1}`` unless one of their texts is long;
- lists of ids (``units``, ``subjects``, ``cites``, ``to`` …) are flow lists ``[a, b]``; lists of
  texts (``aliases``, ``evidence``, ``questions`` …) have one item per line;
- a text with a line break becomes a literal block (``|``); a long text field (more than
  ``LONG_TEXT`` characters) becomes a folded block (``>-``) on one line. Block texts are never
  re-wrapped: the line width is unlimited and the line breaks an author chose inside an existing
  ``>`` block are kept (a re-wrap would be a change only in the reader's eyes, see ``diff``).

A file that does not load or validate is reported and never rewritten. Before writing, the new
text is parsed again and must give exactly the same data as the old one.
"""

from __future__ import annotations

import io
import os
import tempfile
import types
import typing
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString, ScalarString

from . import model as m
from .load import data_files, load_file, parse_yaml
from .problems import PolicyError, Problem

LONG_TEXT = 60  # characters: longer values of long-text fields are written as folded blocks

# Value objects that read as one fact and stay on one line.
ONE_LINE_MODELS = (m.Frequency, m.Edition, m.Withdrawal, m.Target, m.Excerpt, m.YearRange, m.Figure, m.TermSource)


@dataclass(frozen=True)
class FormatResult:
    """What formatting one file found: its canonical text, or the problems that stopped it."""

    path: Path
    display: str
    original: str | None
    formatted: str | None
    problems: tuple[Problem, ...] = ()

    @property
    def changed(self) -> bool:
        return not self.problems and self.formatted is not None and self.formatted != self.original


# --------------------------------------------------------------------------- which files


def kind_for(path: Path) -> str | None:
    """The file kind named by the nearest enclosing folder (``…/standards/x.yaml`` → standards)."""
    for parent in Path(path).absolute().parents:
        if parent.name in m.FILE_KINDS:
            return parent.name
    return None


def files_under(paths: list[Path]) -> list[Path]:
    """Every data file named by ``paths`` (files as given, folders searched), each once."""
    found: list[Path] = []
    for path in paths:
        for candidate in (data_files(path) if path.is_dir() else [path]):
            if candidate not in found:
                found.append(candidate)
    return found


# --------------------------------------------------------------------------- the round trip


def _yaml() -> YAML:
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = 1_000_000_000  # never fold a line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    return yaml


def canonical_text(text: str, kind: str) -> str:
    """``text`` (a valid file of ``kind``) laid out canonically."""
    yaml = _yaml()
    data = yaml.load(text)
    _canonical_node(data, m.FILE_KINDS[kind])
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def field_order(cls: type[BaseModel]) -> list[str]:
    """Canonical key order of a model: the fields its own class body declares (identity and
    text first), then inherited annotations, then ``children`` (a subtree reads best last)."""
    own = [name for name in cls.__annotations__ if name in cls.model_fields]
    inherited = [name for name in cls.model_fields if name not in own]
    order = own + inherited
    if "children" in order:
        order.remove("children")
        order.append("children")
    return order


def _field_types(cls: type[BaseModel]) -> dict[str, object]:
    return {name: cls.model_fields[name].annotation for name in field_order(cls)}


def _strip(annotation):
    """Drop Optional and Annotated wrappers; keep list[...] visible."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin in (typing.Union, types.UnionType) and len(args) == 1:
            annotation = args[0]
            continue
        return annotation


def _list_item(annotation):
    """The item annotation of a ``list[...]`` field (Annotated kept), else None."""
    bare = _strip(annotation)
    if typing.get_origin(bare) is list:
        return typing.get_args(bare)[0]
    return None


def _model_class(annotation) -> type[BaseModel] | None:
    bare = _strip(annotation)
    return bare if isinstance(bare, type) and issubclass(bare, BaseModel) else None


def _is_id(annotation) -> bool:
    return annotation in (m.Slug, m.ClauseRef)


def _is_long_text(annotation) -> bool:
    return annotation == m.Text or _strip_optional(annotation) == m.Text


def _strip_optional(annotation):
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    return args[0] if typing.get_origin(annotation) is not typing.Annotated and len(args) == 1 else annotation


def _canonical_node(node, cls: type[BaseModel]) -> None:
    """Reorder and restyle one mapping of model ``cls`` and everything below it, in place."""
    if not isinstance(node, CommentedMap):
        return
    types_ = _field_types(cls)
    for key in [k for k in types_ if k in node] + [k for k in list(node) if k not in types_]:
        node.move_to_end(key)
    _set_mapping_style(node, cls)
    for key in list(node):
        annotation = types_.get(key)
        if annotation is None:
            continue
        value = node[key]
        sub_model = _model_class(annotation)
        item = _list_item(annotation)
        if sub_model is not None:
            _canonical_node(value, sub_model)
        elif item is not None and isinstance(value, CommentedSeq):
            _canonical_list(value, item)
        elif isinstance(value, str):
            node[key] = _styled_text(value, long_field=_is_long_text(annotation))


def _canonical_list(seq: CommentedSeq, item) -> None:
    item_model = _model_class(item)
    if item_model is not None:
        seq.fa.set_block_style()
        for element in seq:
            _canonical_node(element, item_model)
        return
    if _is_id(item) or not seq:
        seq.fa.set_flow_style()
        return
    seq.fa.set_block_style()
    for i, element in enumerate(seq):
        if isinstance(element, str):
            seq[i] = _styled_text(element, long_field=item == m.Text)


def _set_mapping_style(node: CommentedMap, cls: type[BaseModel]) -> None:
    one_line = cls in ONE_LINE_MODELS and not any(
        isinstance(v, str) and (len(v) > LONG_TEXT or "\n" in v) for v in node.values())
    if one_line:
        node.fa.set_flow_style()
    else:
        node.fa.set_block_style()


def _styled_text(value: str, *, long_field: bool) -> str:
    """The scalar style a text is written in (block styles keep the author's line breaks)."""
    if isinstance(value, (FoldedScalarString, LiteralScalarString)):
        return value
    if value != value.strip() or not value:
        return value  # leading/trailing blanks need quotes to survive
    if "\n" in value:
        return LiteralScalarString(value)
    if long_field and len(value) > LONG_TEXT:
        return FoldedScalarString(value)
    return value


# --------------------------------------------------------------------------- files


def format_file(path: Path, display: str | None = None) -> FormatResult:
    """Validate ``path`` and compute its canonical text (nothing is written here)."""
    display = display or str(path)
    kind = kind_for(path)
    if kind is None:
        problem = Problem(display, 1, 1, "无法判断文件类型：数据文件必须放在以下目录之一："
                          + "、".join(f"{k}/（{v}）" for k, v in m.FILE_KIND_NAMES.items()), None, "kind")
        return FormatResult(path, display, None, None, (problem,))
    try:
        load_file(path, kind, display)
    except PolicyError as exc:
        return FormatResult(path, display, None, None, tuple(exc.problems))
    original = path.read_bytes().decode("utf-8-sig")
    formatted = canonical_text(original, kind)
    if not same_data(original, formatted, display):
        problem = Problem(display, 1, 1, "格式化会改变文件中的数据，已停止，文件未改写",
                          "请把该文件报告给维护者；可先手工调整写法", "fmt-unsafe")
        return FormatResult(path, display, original, None, (problem,))
    return FormatResult(path, display, original, formatted)


def same_data(old: str, new: str, display: str) -> bool:
    """Whether two texts of one file hold the same values (read the way ``load`` reads them)."""
    try:
        return parse_yaml(old, display)[0] == parse_yaml(new, display)[0]
    except PolicyError:
        return False


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step (a reader never sees half a file), keeping its mode."""
    mode = path.stat().st_mode & 0o7777
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
