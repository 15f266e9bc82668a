"""YAML files → typed models, or located Chinese errors.

The path of a file under ``policies/`` names its kind (``documents/x.yaml`` is a document).
PyYAML composes the node tree (so every value keeps its line and column); this module turns
nodes into plain values itself, which is where duplicate keys, aliases and bad scalars are
caught, then pydantic validates the values and its errors are translated back to positions.
"""

from __future__ import annotations

import difflib
import os
import re
import types
import typing
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from .model import CLAUSE_REF_PATTERN, FILE_KIND_NAMES, FILE_KINDS, SLUG_PATTERN
from .problems import PolicyError, Problem

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
Loc = tuple  # a path into the data: ('body', 0, 'children', 2, 'text')

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.constructor.SafeConstructor()


def _construct(node: yaml.ScalarNode):
    """The scalar's value. The constructor remembers every node it built (for aliases, which
    are refused here): forgetting it at once keeps a large corpus's parser marks from piling up."""
    try:
        return _constructor.construct_object(node, deep=True)
    finally:
        _constructor.constructed_objects.pop(node, None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


@dataclass
class LoadedFile:
    """A validated file, with the positions of its values for later (cross-file) errors."""

    path: Path
    display: str
    kind: str
    model: BaseModel
    values: dict[Loc, tuple[int, int]] = field(repr=False)
    keys: dict[Loc, tuple[int, int]] = field(repr=False)

    def problem(self, loc: Loc, message: str, hint: str | None = None, *, at_key: bool = False) -> Problem:
        line, column = position_of(loc, self.values, self.keys, at_key=at_key)
        return Problem(self.display, line, column, message, hint)


def position_of(loc: Loc, values: dict, keys: dict, *, at_key: bool = False) -> tuple[int, int]:
    """The position of ``loc``, or of its nearest ancestor that exists in the file."""
    loc = tuple(loc)
    if at_key and loc in keys:
        return keys[loc]
    while loc:
        if loc in values:
            return values[loc]
        if loc in keys:
            return keys[loc]
        loc = loc[:-1]
    return values.get((), (1, 1))


# --------------------------------------------------------------------------- reading bytes


def decode(data: bytes, display: str) -> tuple[str | None, list[Problem]]:
    """Bytes → text; only UTF-8 (with or without BOM) is accepted, others are named."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(display, 1, 1, "文件是 UTF-16 编码，本项目只接受 UTF-8",
                              "请用编辑器“另存为”并选择 UTF-8 编码", "encoding")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        try:
            data.decode("gb18030")
            looks = "文件看起来是 GBK/GB18030 编码（常见于 Windows 记事本或 WPS 保存的文件），本项目只接受 UTF-8"
        except UnicodeDecodeError:
            looks = "文件不是有效的 UTF-8 文本"
        return None, [Problem(display, line, col, f"{looks}：第 {line} 行第 {col} 个字节无法按 UTF-8 解读",
                              "请用编辑器“另存为”UTF-8（VS Code：右下角编码 → 通过编码保存 → UTF-8），"
                              "或运行 iconv -f GB18030 -t UTF-8 原文件 > 新文件", "encoding")]
    problems = []
    for match in _CONTROL.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        problems.append(Problem(display, line, col,
                                f"含有不可见的控制字符 U+{ord(match.group()):04X}",
                                "常见于从 Word 或网页复制的文字，请删除该字符后保存", "control-char"))
        if len(problems) >= 20:
            break
    return (None, problems) if problems else (text, [])


# --------------------------------------------------------------------------- parsing YAML


class _Reject(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


_SCANNER_MESSAGES = [
    ("found character '\t' that cannot start any token", "使用了制表符（Tab）缩进，YAML 只允许空格缩进", "请把 Tab 换成空格（建议每级 2 个空格）"),
    ("mapping values are not allowed", "此处不能出现“键: 值”", "可能是缩进不对，或文字中的英文冒号后跟了空格；含冒号的文字请加引号或改用全角冒号"),
    ("could not find expected ':'", "缺少“:”，或一行文字没有写成“键: 值”的形式", "检查上一行的缩进和冒号"),
    ("did not find expected key", "缩进不一致：这一行与同级的其他键没有对齐", "同一层级的键必须从同一列开始"),
    ("did not find expected '-' indicator", "列表项缩进不一致", "同一列表的各项“- ”必须对齐"),
    ("found unexpected end of stream", "文件意外结束：引号或括号没有闭合", "检查最后一个带引号的值是否缺少结束引号"),
    ("found unknown escape character", "双引号字符串中有无效的转义字符", "反斜杠 \\ 需写成 \\\\，或改用单引号"),
    ("expected <block end>, but found", "缩进不一致：这一行的缩进与上文不匹配", "同一层级的内容必须从同一列开始"),
    ("found undefined alias", "引用了不存在的锚点（*别名）", "本项目不使用 YAML 锚点与别名，请直接写出内容"),
    ("while scanning a quoted scalar", "引号没有闭合", "检查这一行的引号是否成对"),
    ("found a tab character", "使用了制表符（Tab），YAML 只允许空格", "请把 Tab 换成空格"),
    ("expected a comment or a line break", "值后面多了无法识别的内容", "含特殊符号的文字请加引号"),
    ("found character that cannot start any token", "出现了不能作为值开头的字符", "以 @ ` % 等符号开头的文字请加引号"),
    ("expected ',' or ']'", "方括号列表 [...] 格式错误", "列表项之间用英文逗号分隔，并以 ] 结束"),
    ("expected ',' or '}'", "花括号映射 {...} 格式错误", "各项之间用英文逗号分隔，并以 } 结束"),
    ("expected the node content", "缺少内容", "检查这一行是否只有符号没有内容"),
    ("did not find expected node content", "缺少内容", "检查这一行是否只有符号没有内容"),
    ("block sequence entries are not allowed", "此处不能开始列表项“- ”", "列表项要写在键的下一行并缩进，或检查上一行是否缺少冒号"),
    ("found unexpected ':'", "出现了多余的冒号", "含冒号的文字请加引号"),
    ("did not find expected comment or line break", "值后面多了无法识别的内容", "含特殊符号的文字请加引号"),
    ("did not find expected ',' or ']'", "方括号列表 [...] 格式错误", "列表项之间用英文逗号分隔，并以 ] 结束"),
    ("did not find expected ',' or '}'", "花括号映射 {...} 格式错误", "各项之间用英文逗号分隔，并以 } 结束"),
]
_STANDARD_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}


def _translate_yaml_error(exc: yaml.YAMLError, display: str, text: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.splitlines()
    for candidate in (line, line - 1):  # libyaml reports a tab at or just after its line
        if 0 < candidate <= len(lines) and "\t" in lines[candidate - 1][: len(lines[candidate - 1]) - len(lines[candidate - 1].lstrip())]:
            return Problem(display, candidate, lines[candidate - 1].index("\t") + 1,
                           "YAML 语法错误：使用了制表符（Tab）缩进，YAML 只允许空格缩进",
                           "请把 Tab 换成空格（建议每级 2 个空格）", "yaml")
    raw = f"{getattr(exc, 'context', '') or ''} {getattr(exc, 'problem', '') or ''}".strip() or str(exc)
    for needle, message, hint in _SCANNER_MESSAGES:
        if needle in raw:
            return Problem(display, line, col, f"YAML 语法错误：{message}", hint, "yaml")
    return Problem(display, line, col, f"YAML 语法错误：{raw}", "检查这一行及上一行的缩进、冒号和引号", "yaml")


def parse_yaml(text: str, display: str) -> tuple[object, dict, dict]:
    """Text → (plain value, value positions, key positions); raises PolicyError.

    Values are built from libyaml's event stream with an explicit stack rather than by
    PyYAML's composer, whose recursion overflows the C stack on deeply nested input."""
    builder = _Builder(display)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            builder.feed(event)
            if builder.fatal:
                break
    except yaml.YAMLError as exc:
        raise PolicyError([_translate_yaml_error(exc, display, text)]) from None
    if builder.fatal:
        raise PolicyError([builder.fatal])
    if not builder.documents:
        raise PolicyError([Problem(display, 1, 1, "文件是空的", "每个数据文件至少要有 id 等必填字段", "empty")])
    if builder.problems:
        error = PolicyError(builder.problems)
        error.partial = builder.root  # what could be read, so the ids it declares are still known
        raise error
    return builder.root, builder.values, builder.keys


_resolver = yaml.resolver.Resolver()
_NO_VALUE = object()


class _Frame:
    __slots__ = ("container", "loc", "key", "expect_key", "first_seen", "skip_value")

    def __init__(self, container, loc):
        self.container = container
        self.loc = loc
        self.key = None
        self.expect_key = isinstance(container, dict)
        self.first_seen: dict = {}
        self.skip_value = False


class _Builder:
    """Turns parser events into plain values, recording where each key and value stands."""

    def __init__(self, display: str):
        self.display = display
        self.values: dict = {}
        self.keys: dict = {}
        self.problems: list[Problem] = []
        self.stack: list[_Frame] = []
        self.root = None
        self.documents = 0
        self.skipping = 0  # depth of a collection being skipped (a bad key, or too deep)
        self.fatal: Problem | None = None

    def _problem(self, mark, message, hint=None, code="error") -> None:
        self.problems.append(Problem(self.display, mark.line + 1, mark.column + 1, message, hint, code))

    def feed(self, event) -> None:
        if self.skipping:
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                self.skipping += 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                self.skipping -= 1
                if not self.skipping:
                    self._after_value()
            return
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                mark = event.start_mark
                self.fatal = Problem(self.display, mark.line + 1, mark.column + 1,
                                     "一个文件只能包含一个 YAML 文档（出现了第二个 ---）",
                                     "把第二部分移到单独的文件中", "multi-doc")
            return
        if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
            return
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self.stack.pop()
            self._after_value()
            return
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            if not any(p.code == "alias" for p in self.problems):
                self._problem(event.start_mark, "使用了 YAML 锚点与别名（& 与 *），本项目不支持",
                              "请直接写出重复的内容；别名会让审阅和比对变得困难", "alias")
            self._skip(event)
            return
        frame = self.stack[-1] if self.stack else None
        if frame is not None and frame.expect_key:
            self._key(frame, event)
            return
        loc = self._child_loc(frame)
        tag = getattr(event, "tag", None)
        if tag and tag != "!" and tag not in _STANDARD_TAGS:
            self._problem(event.start_mark, f"不支持 YAML 标签 {tag.replace('tag:yaml.org,2002:', '!!')}",
                          "请删除以 ! 开头的标签，直接写出内容", "tag")
            self._skip(event)
            return
        self.values[loc] = (event.start_mark.line + 1, event.start_mark.column + 1)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(self.stack) >= MAX_DEPTH:
                self._problem(event.start_mark, f"嵌套层级超过 {MAX_DEPTH} 层", "请检查缩进和括号是否成对", "depth")
                self._skip(event)
                return
            container = {} if isinstance(event, yaml.MappingStartEvent) else []
            self._store(frame, container)
            self.stack.append(_Frame(container, loc))
            return
        self._store(frame, self._scalar(event))
        self._after_value()

    def _skip(self, event) -> None:
        """Drop this node (and its children); the parent gets no value for it."""
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.container, dict):
            frame.skip_value = not frame.expect_key
            frame.expect_key = False
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self.skipping = 1
        else:
            self._after_value()

    def _child_loc(self, frame):
        if frame is None:
            return ()
        if isinstance(frame.container, dict):
            return frame.loc + (frame.key,)
        return frame.loc + (len(frame.container),)

    def _store(self, frame, value) -> None:
        if frame is None:
            self.root = value
        elif frame.skip_value:
            pass
        elif isinstance(frame.container, dict):
            frame.container[frame.key] = value
        else:
            frame.container.append(value)

    def _after_value(self) -> None:
        if self.stack and isinstance(self.stack[-1].container, dict):
            frame = self.stack[-1]
            if frame.skip_value or frame.key is not None:
                frame.expect_key = True
                frame.skip_value = False
                frame.key = None
            else:
                frame.expect_key = True

    def _key(self, frame: _Frame, event) -> None:
        mark = event.start_mark
        pos = (mark.line + 1, mark.column + 1)
        is_scalar = isinstance(event, yaml.ScalarEvent)
        if is_scalar and event.value == "<<" and event.style not in ("'", '"'):
            self._problem(mark, "不支持 YAML 合并键 <<", "请直接写出各字段", "alias")
            frame.expect_key, frame.skip_value = False, True
            return
        tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit) if is_scalar else None
        if not is_scalar or (event.tag or tag) != "tag:yaml.org,2002:str":
            self._problem(mark, "键必须是文本", "字段名应为英文单词，如 name；数字或列表不能作键", "key-type")
            frame.expect_key, frame.skip_value = False, True
            if not is_scalar:
                self.skipping = 1
            return
        key = event.value
        if key in frame.first_seen:
            self._problem(mark, f"重复的键 “{key}”（第 {frame.first_seen[key][0]} 行已有同名键）",
                          "同一层级每个键只能出现一次；请合并或删除其中一个", "duplicate-key")
            frame.expect_key, frame.skip_value = False, True
            return
        frame.first_seen[key] = pos
        self.keys[frame.loc + (key,)] = pos
        frame.key = key
        frame.expect_key = False

    def _scalar(self, event):
        tag = event.tag if event.tag and event.tag != "!" else _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        if event.tag == "!":
            tag = "tag:yaml.org,2002:str"
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        control = _CONTROL.search(event.value) if event.style == '"' else None
        if control:  # written as an escape such as "\x1d": the file itself passed the raw check
            self._problem(event.start_mark, f"含有不可见的控制字符 U+{ord(control.group()):04X}（以转义写出）",
                          "请删除该转义字符后保存", "control-char")
            return None
        try:
            return _construct(node)
        except (ValueError, OverflowError, yaml.constructor.ConstructorError):
            if tag == "tag:yaml.org,2002:timestamp":
                self._problem(event.start_mark, f"日期 “{event.value}” 无效", "日期格式为 YYYY-MM-DD，且必须是真实存在的日期", "scalar")
            else:
                self._problem(event.start_mark, f"无法解读的值 “{event.value}”", "如是文字请加引号", "scalar")
            return None


# --------------------------------------------------------------------------- validation errors


_TYPE_NAMES = {
    str: "文本", bool: "布尔值（true/false）", int: "整数", float: "数字", list: "列表",
    dict: "映射（键: 值）", type(None): "空值",
}
_EXPECTED = {
    "string_type": "文本", "int_type": "整数", "int_from_float": "整数", "float_type": "数字",
    "bool_type": "布尔值（true 或 false）", "list_type": "列表（每项以“- ”开头）", "dict_type": "映射（键: 值）",
    "model_type": "映射（键: 值）", "model_attributes_type": "映射（键: 值）", "date_type": "日期（YYYY-MM-DD）",
    "int_parsing": "整数", "float_parsing": "数字", "bool_parsing": "布尔值（true 或 false）",
}
_PERIOD_WORDS = {"周": "week", "月": "month", "季度": "quarter", "季": "quarter", "半年": "half_year",
                 "年": "year", "年度": "year", "任期": "term", "任期内": "term", "届": "term"}
_FIELD_NAMES = {
    "id": "标识", "title": "标题", "text": "正文", "kind": "类型", "body": "条款树", "children": "下级条款",
    "units": "责任单位", "subjects": "责任主体", "frequency": "频次", "category": "类别",
}


def _type_name(value) -> str:
    import datetime
    if isinstance(value, datetime.date):
        return "日期"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _unwrap(annotation):
    """Strip Optional/Annotated/list to reach the model or scalar type behind a field."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        elif origin is list:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def model_at(cls: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that owns the mapping at ``loc`` (ignoring list indexes)."""
    current = cls
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _field_label(name) -> str:
    return f"“{name}”" + (f"（{_FIELD_NAMES[name]}）" if name in _FIELD_NAMES else "")


def _suggest(word: str, choices) -> str | None:
    """A "did you mean" hint: the closest choice, or the only one that starts with ``word``."""
    choices = [str(c) for c in choices]
    close = difflib.get_close_matches(str(word), choices, n=3, cutoff=0.6)
    close.sort(key=lambda c: -len(os.path.commonprefix([c, str(word)])))
    if not close:
        close = [c for c in choices if c.startswith(str(word))][:2]
        close = close if len(close) == 1 else []
    return f"是否应为 “{close[0]}”？" if close else None


def translate_error(err: dict, cls: type[BaseModel]) -> tuple[str, str | None, bool]:
    """A pydantic error → (Chinese message, hint, whether it points at the key)."""
    kind = err["type"]
    loc = err["loc"]
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if isinstance(value, str):
        shown = f"“{value}”"
    elif isinstance(value, (dict, list)):
        shown = ""
    else:
        shown = {True: "true", False: "false", None: "null"}.get(value, repr(value)) if isinstance(value, (bool, type(None))) else repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "…"
    if kind == "missing":
        return f"缺少必填字段 {_field_label(loc[-1])}", None, False
    if kind == "extra_forbidden":
        owner = model_at(cls, loc[:-1])
        allowed = list(owner.model_fields) if owner else []
        hint = _suggest(loc[-1], allowed)
        if not hint and allowed:
            hint = "此处允许的字段：" + "、".join(allowed)
        return f"未知字段 “{loc[-1]}”", hint, True
    if kind in _EXPECTED:
        return f"{_field_label(name)} 应为{_EXPECTED[kind]}，实际为{_type_name(value)}{' ' + shown if shown else ''}", None, False
    if kind in ("enum", "literal_error"):
        expected = ctx.get("expected", "")
        allowed = [a.strip(" '") for a in re.split(r",| or ", expected) if a.strip(" '")]
        hint = _suggest(value, allowed)
        period = _PERIOD_WORDS.get(str(value).removeprefix("每")) if "week" in allowed else None
        if period:
            hint = f"频次周期用英文代码书写：“{value}”应写作 {period}"
        return f"{_field_label(name)} 的取值 {shown} 不在允许范围内；允许的值：{'、'.join(allowed)}", hint, False
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern")
        if pattern == SLUG_PATTERN:
            hint = "只能使用小写 ASCII 字母、数字和连字符，如 shiwei-zuzhibu"
            if isinstance(value, str) and any(unicodedata.category(ch) in ("Cf", "Zs") for ch in value):
                hint = "标识中含有不可见字符（如零宽空格、全角空格）；" + hint
            elif isinstance(value, str) and any(unicodedata.east_asian_width(ch) in "FW" for ch in value):
                hint = "标识中含有中文或全角字符；" + hint
            return f"标识 {shown} 不合法", hint, False
        if pattern == CLAUSE_REF_PATTERN:
            return f"条款引用 {shown} 格式不对", "应写成 文件标识#条款标识，如 xx-zhengzhi-jiaoyu#yasi-zeren-1", False
        return f"{_field_label(name)} 的值 {shown} 格式不对", None, False
    if kind == "string_too_short":
        return f"{_field_label(name)} 不能为空", None, False
    if kind == "string_too_long":
        return f"{_field_label(name)} 过长（最多 {ctx.get('max_length')} 字）", None, False
    if kind == "too_short":
        return f"{_field_label(name)} 至少需要 {ctx.get('min_length')} 项", None, False
    if kind == "too_long":
        return f"{_field_label(name)} 最多 {ctx.get('max_length')} 项", None, False
    bounds = {"greater_than": ("应大于", "gt"), "greater_than_equal": ("应不小于", "ge"),
              "less_than": ("应小于", "lt"), "less_than_equal": ("应不大于", "le")}
    if kind in bounds:
        word, key = bounds[kind]
        limit = ctx.get(key)
        limit = f"{limit:g}" if isinstance(limit, float) else limit
        return f"{_field_label(name)} 的值 {shown} {word} {limit}", None, False
    if kind == "value_error":
        message = str(ctx.get("error", err.get("msg", "")))
        return message.removeprefix("Value error, "), None, False
    if kind in ("int_from_float", "finite_number"):
        return f"{_field_label(name)} 的值 {shown} 不是有效的数字", None, False
    return f"{_field_label(name)}：{err.get('msg')}（值 {shown}）", None, False


# --------------------------------------------------------------------------- files


def kind_of(path: Path, root: Path) -> str | None:
    """The kind of a data file, from the first folder of its path under ``root``."""
    try:
        parts = path.resolve().relative_to(root.resolve()).parts
    except ValueError:
        parts = path.parts
    for part in parts[:-1]:
        if part in FILE_KINDS:
            return part
    return None


def load_file(path: Path, kind: str, display: str | None = None) -> LoadedFile:
    """One file → a LoadedFile; raises PolicyError with every problem in it."""
    display = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise PolicyError([Problem(display, 1, 1,
                                       f"文件过大（{size / 1048576:.1f} MB，上限 {MAX_FILE_BYTES // 1048576} MB）",
                                       "一个数据文件只放一份文件或一组条目；请拆分", "too-large")])
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyError([Problem(display, 1, 1, f"无法读取文件：{exc.strerror}", None, "io")]) from None
    text, problems = decode(data, display)
    if problems:
        raise PolicyError(problems)
    try:
        raw, values, keys = parse_yaml(text, display)
    except PolicyError as exc:
        partial = getattr(exc, "partial", None)
        exc.declared = declared_ids(kind, partial) if isinstance(partial, dict) else scan_ids(kind, text)
        raise
    cls = FILE_KINDS[kind]
    if not isinstance(raw, dict):
        raise PolicyError([Problem(display, 1, 1,
                                   f"{FILE_KIND_NAMES[kind]}文件的顶层应为映射（键: 值），实际为{_type_name(raw)}",
                                   None, "type")])
    try:
        model = cls.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            message, hint, at_key = translate_error(err, cls)
            line, col = position_of(err["loc"], values, keys, at_key=at_key)
            problems.append(Problem(display, line, col, message, hint, err["type"]))
        error = PolicyError(problems)
        error.declared = declared_ids(kind, raw)
        raise error from None
    return LoadedFile(path, display, kind, model, values, keys)


def data_files(root: Path) -> list[Path]:
    """Every YAML data file under ``root`` in a stable order (schemas and hidden files skipped)."""
    files = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).parts
        if any(p.startswith(".") for p in rel) or "schema" in rel[:-1]:
            continue
        if path.is_file() and path.suffix in (".yaml", ".yml"):
            files.append(path)
    return files


def declared_ids(kind: str, raw: dict) -> dict[str, set[str]]:
    """Ids a file that failed validation still declares, so references to them are not
    reported a second time as dangling ("units" → {...}, "documents" → {...}, "clauses" → {...})."""
    found: dict[str, set[str]] = {}

    def add(table: str, value) -> None:
        if isinstance(value, str):
            found.setdefault(table, set()).add(value)

    if kind in ("glossary", "units", "roles"):
        attr = {"glossary": "terms"}.get(kind, kind)
        for member in raw.get(attr) or [] if isinstance(raw.get(attr), list) else []:
            if isinstance(member, dict):
                add({"glossary": "terms"}.get(kind, kind), member.get("id"))
        return found
    add("documents" if kind == "documents" else "entities", raw.get("id"))
    if kind == "documents" and isinstance(raw.get("id"), str):
        stack = list(raw.get("body") or []) if isinstance(raw.get("body"), list) else []
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                add("clauses", f"{raw['id']}#{node.get('id')}")
                if isinstance(node.get("children"), list):
                    stack.extend(node["children"])
    return found


_TOP_ID = re.compile(r"^id:[ \t]*['\"]?([a-z0-9-]+)", re.M)
_ANY_ID = re.compile(r"^[ \t-]*id:[ \t]*['\"]?([a-z0-9-]+)", re.M)


def scan_ids(kind: str, text: str) -> dict[str, set[str]]:
    """Ids a file that is not even valid YAML appears to declare, read line by line."""
    if kind in ("glossary", "units", "roles"):
        return {{"glossary": "terms"}.get(kind, kind): set(_ANY_ID.findall(text))}
    top = _TOP_ID.search(text)
    if not top:
        return {}
    found = {"documents" if kind == "documents" else "entities": {top.group(1)}}
    if kind == "documents":
        found["clauses"] = {f"{top.group(1)}#{i}" for i in _ANY_ID.findall(text)}
    return found


def load_tree(root: Path, display_base: Path | None = None) -> tuple[list[LoadedFile], list[Problem], dict[str, set[str]]]:
    """Load every data file below ``root``; returns the good files, all problems, and the ids
    declared by files that failed (see ``declared_ids``)."""
    loaded, problems = [], []
    declared: dict[str, set[str]] = {}
    base = display_base or Path.cwd()
    for path in data_files(root):
        display = _display(path, base)
        kind = kind_of(path, root)
        if kind is None:
            problems.append(Problem(display, 1, 1, "无法判断文件类型：数据文件必须放在以下目录之一："
                                    + "、".join(f"{k}/（{v}）" for k, v in FILE_KIND_NAMES.items()), None, "kind"))
            continue
        try:
            loaded.append(load_file(path, kind, display))
        except PolicyError as exc:
            problems.extend(exc.problems)
            for table, ids in getattr(exc, "declared", {}).items():
                declared.setdefault(table, set()).update(ids)
    return loaded, problems, declared


def _display(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)
