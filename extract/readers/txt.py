"""Plain-text and HTML files: encoding detection, tag stripping, hard-wrapped lines, tab-indented tables -> blocks."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from html.parser import HTMLParser

from ..errors import Code, ReadError
from ..limits import Limits, check_table
from ..model import Block, Table
from ..rules.markers import match_marker

# Encodings tried in order; GB18030 is a superset of GBK and GB2312.
_ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def decode(data: bytes, path: str) -> str:
    """Decode bytes as UTF-8 (with or without BOM) or GB18030/GBK, refusing binary data."""
    if not data.strip():
        raise ReadError(path, "the file is empty", Code.EMPTY)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    head = data[:65536]
    if b"\x00" in head:
        raise ReadError(path, "this is a binary file, not text (it contains NUL bytes)", Code.BINARY)
    for enc in _ENCODINGS[:2]:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "gb18030" and not _CJK.search(text):
            break
        return text
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # noqa: BLE001 - the detector is a last resort only
        best = None
    if best is not None and _CJK.search(str(best)):
        return str(best)
    raise ReadError(path, "the text encoding is not UTF-8 or GB18030/GBK and could not be detected",
                    Code.ENCODING)


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    return bad / max(1, len(sample))


def read_txt(data: bytes, path: str) -> list[Block]:
    text = decode(data, path)
    if _control_ratio(text) > 0.01:
        raise ReadError(path, "this is a binary file, not text", Code.BINARY)
    if looks_like_html(text):
        return read_html_text(text, path)
    return text_to_blocks(text, path)


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or ("<body" in head and "</" in head)


_TAB_LINE = re.compile(r"^\t")


# A text pasted from a PDF viewer or a page breaks every paragraph at one width, counted in display columns (a
# viewer's line) or in characters (a tool's): lines within the slack of the widest common width are full, and a
# full line ran on into the next one.
_WRAP_SLACK = 4
_WRAP_MIN_LINES = 6  # full lines needed before the file is taken as wrapped ...
_WRAP_MIN_SHARE = 0.3  # ... and their share of the long lines
_INDENT = re.compile(r"^(?:\u3000|\s{2,})")
_PARAGRAPH_END = "。！？!?；;：:"


# East Asian wide and full-width characters (CJK, kana, hangul, full-width forms): two display columns each
_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f"
                   "\uff00-\uff60\uffe0-\uffe6]")


def _columns(line: str) -> int:
    return len(line) + len(_WIDE.findall(line))


# (measure, shortest line that is evidence of a wrap width, slack)
_MEASURES = ((_columns, 40, _WRAP_SLACK), (len, 20, _WRAP_SLACK // 2))


def _wrap_width(lines: list[str], measure, shortest: int, slack: int) -> int | None:
    """The width a hard-wrapped text was broken at in one measure, or None when its lines are whole paragraphs."""
    long = sorted(w for ln in lines if not ln.startswith("\t") and (w := measure(ln.rstrip())) >= shortest)
    if len(long) < _WRAP_MIN_LINES:
        return None
    best, count = max(((w, bisect_right(long, w) - bisect_left(long, w - slack)) for w in set(long)),
                      key=lambda wc: (wc[1], wc[0]))
    return best if count >= _WRAP_MIN_LINES and count >= _WRAP_MIN_SHARE * len(long) else None


def unwrap(lines: list[str]) -> list[str]:
    """Join the lines of a hard-wrapped text back into paragraphs: a full line (at the wrap width) runs on into the
    next line unless that one opens a paragraph (indented where the text indents its paragraphs, a list marker, a
    blank line before it) or the full line ends a sentence in a text that does not indent."""
    widths = [(m, w, slack) for m, shortest, slack in _MEASURES if (w := _wrap_width(lines, m, shortest, slack))]
    if not widths:
        return lines

    def full(line: str) -> bool:
        return any(w - slack <= m(line.rstrip()) <= w for m, w, slack in widths)

    nonblank = [ln for ln in lines if ln.strip() and not ln.startswith("\t")]
    indents = sum(1 for ln in nonblank if _INDENT.match(ln)) >= 0.2 * len(nonblank)
    out: list[str] = []
    prev = ""  # the last line as written (a joined paragraph is as long as several)
    for ln in lines:
        body = ln.strip()
        if prev.strip() and body and not ln.startswith("\t") and not prev.startswith("\t") and full(prev) \
                and not (indents and _INDENT.match(ln)) and match_marker(body) is None \
                and (indents or prev.rstrip()[-1] not in _PARAGRAPH_END):
            out[-1] = out[-1].rstrip() + body
        else:
            out.append(ln)
        prev = ln
    return out


def text_to_blocks(text: str, path: str = "") -> list[Block]:
    """Lines become paragraph blocks (hard-wrapped lines joined first); runs of tab-indented lines become one table
    block."""
    lines = unwrap(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _TAB_LINE.match(line) and _starts_tab_table(lines, i):
            j, table = _read_tab_table(lines, i)
            blocks.append(Block(kind="table", table=table, text=""))
            i = j
            continue
        if line.strip():
            blocks.append(Block(text=line.strip()))
        i += 1
    if not any(b.text or b.table for b in blocks):
        raise ReadError(path, "the file has no text", Code.NO_TEXT)
    return blocks


def _starts_tab_table(lines: list[str], i: int) -> bool:
    """A tab table: at least 6 tab-indented lines within the next 12 lines."""
    window = lines[i:i + 12]
    return sum(1 for ln in window if ln.startswith("\t")) >= 6


def _read_tab_table(lines: list[str], i: int) -> tuple[int, Table]:
    """Read a flattened table: each cell a tab-indented line, rows separated by blank lines."""
    chunks: list[list[str]] = []
    cur: list[str] = []
    j = i
    blank_run = 0
    while j < len(lines):
        ln = lines[j]
        if ln.startswith("\t"):
            cur.append(ln.strip())
            blank_run = 0
        elif not ln.strip():
            if cur:
                chunks.append(cur)
                cur = []
            blank_run += 1
            if blank_run > 3:
                break
        else:
            break
        j += 1
    if cur:
        chunks.append(cur)
    # Drop chunks that are only empty cells (spacing between rows).
    chunks = [c for c in chunks if any(c)]
    if not chunks:
        return j, Table(rows=[])
    header = chunks[0]
    body = chunks[1:]
    width = max((len(c) for c in body), default=len(header))
    rows: list[list[str]] = []
    pending: list[str] = []
    for chunk in body:
        # A row broken by a stray blank line arrives as a short chunk: join it to the pending one.
        if pending and len(pending) + len(chunk) <= width:
            pending = pending + chunk
        else:
            if pending:
                rows.append(pending)
            pending = list(chunk)
        if len(pending) >= width:
            rows.append(pending)
            pending = []
    if pending:
        rows.append(pending)
    return j, Table(rows=[header] + rows, header=header)


class _HTMLText(HTMLParser):
    """Collect text with block boundaries; tables become Table blocks."""

    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "title"}
    SKIP = {"script", "style", "noscript", "head"}

    def __init__(self, path: str = "") -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.limits = Limits.from_env()
        self.cells = 0  # cells of the tables read so far, spans expanded
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.skip = 0
        self.table_stack: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def _flush(self) -> None:
        text = "".join(self.buf).strip()
        self.buf = []
        if text:
            for line in text.split("\n"):
                if line.strip():
                    self.blocks.append(Block(text=line.strip()))

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "table":
            self._flush()
            self.table_stack.append([])
        elif tag == "tr" and self.table_stack:
            self.table_stack[-1].append([])
        elif tag in ("td", "th") and self.table_stack:
            self.cell = []
            span = (dict(attrs).get("colspan") or "").strip()
            # browsers clamp colspan to 1000; a page asking for 10^8 columns must not get them
            self._colspan = min(int(span), self.limits.max_span) if span.isdigit() and int(span) > 0 else 1
            self.cells += self._colspan
            check_table(self.path, self.cells, self.limits)
        elif tag in self.BLOCK and not self.table_stack:
            self._flush()

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.table_stack and self.cell is not None:
            if not self.table_stack[-1]:
                self.table_stack[-1].append([])
            text = re.sub(r"\s+", " ", "".join(self.cell)).strip()
            self.table_stack[-1][-1].extend([text] * getattr(self, "_colspan", 1))
            self.cell = None
        elif tag == "table" and self.table_stack:
            rows = [r for r in self.table_stack.pop() if any(c for c in r)]
            if rows:
                self.blocks.append(Block(kind="table", table=Table(rows=rows, header=rows[0])))
        elif tag in self.BLOCK and not self.table_stack:
            self._flush()

    def handle_data(self, data):
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif not self.table_stack:
            self.buf.append(data)


def read_html_text(text: str, path: str) -> list[Block]:
    parser = _HTMLText(path)
    parser.feed(text)
    parser.close()
    parser._flush()
    if not parser.blocks:
        raise ReadError(path, "the HTML page has no text", Code.NO_TEXT)
    return parser.blocks


def read_html(data: bytes, path: str) -> list[Block]:
    return read_html_text(decode(data, path), path)
