"""Every threshold of the PDF reader in one place, each with the reason for its value (sizes are in units of the
font size of the line at hand unless named in points or as a share)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Thresholds:
    # --- character source -----------------------------------------------------------------------------------------
    # A ruled table needs at least four drawn edges (two rules and two borders); a page with fewer paths holds no
    # table, so PDFium's characters are enough and pdfplumber (pdfminer) is not needed for it.
    table_min_paths: int = 4
    # Paths are counted in the page and in form XObjects one level down (Word and WPS draw table rules inside one).
    table_path_depth: int = 2
    # The top of a glyph's line box above its baseline, as a share of the font size: pdfminer's box runs from the
    # font's descent (-0.12 em in the CJK fonts of 公文) to one em above it, so its top is 0.88 em over the baseline;
    # PDFium's characters are given the same box. A glyph's own tight box would put a low "，" or a flat "一" on a
    # line of its own.
    ascent: float = 0.88
    # Fake bold draws each glyph twice at almost the same place: more than this many repeated (glyph, x, top) keys
    # on a page. A handful of repeats happen in honest text (a glyph over a rule), so five are let through.
    doubled_glyphs: int = 5
    # pdfplumber's dedupe tolerance in points for those doubled glyphs: the offset of fake bold is under 1 pt.
    dedupe_tolerance_pt: float = 1.0
    # A glyph is upright when its rotation is below this many radians (rotated stamps and margin notes are dropped).
    upright_angle: float = 0.01

    # --- text-layer quality ---------------------------------------------------------------------------------------
    # "(cid:N)" for a glyph without a Unicode map spells some six characters in the text; the layer is garbage when
    # those spellings make up more than a fifth of it.
    cid_chars: int = 6
    cid_share: float = 0.2
    # U+FFFD replacement characters above a tenth of the text: the font's map is broken, not one odd glyph.
    fffd_share: float = 0.1
    # A page with this many characters and no Chinese character at all is mis-mapped (these plans are Chinese); a
    # shorter page may be a page number or an English annex title.
    no_cjk_min_chars: int = 40

    # --- lines ----------------------------------------------------------------------------------------------------
    # Glyphs whose tops differ by at most half a character share a printed line: a superscript or a low punctuation
    # mark stays on its line, the next line (a full line pitch down) never joins.
    same_line: float = 0.5
    # Tops are sorted at this many decimals so that glyphs of one line, a rounding error apart, keep their x order.
    top_decimals: int = 1
    # The size assumed for a glyph whose font size the PDF does not give: 10 pt, the smallest body size in 公文.
    default_size_pt: float = 10.0
    # A gap between Latin letters or digits wider than a quarter em is a word space (proportional fonts print
    # spaces of 0.25-0.33 em); Chinese text has no spaces, so only a gap of 1.5 em there (a tab stop) is one.
    latin_space: float = 0.25
    cjk_space: float = 1.5
    # Lines whose centre lies this many points outside a table's box still belong to the table (cell padding).
    table_box_margin_pt: float = 2.0

    # --- page chrome ----------------------------------------------------------------------------------------------
    # Headers, footers and page numbers sit in the top and bottom tenth of the page (GB/T 9704 puts the page number
    # 7 mm below the type area, well inside it).
    margin_share: float = 0.1
    # A margin text is a running header or footer when it repeats (digits aside) on at least this many pages and on
    # half of them; shorter documents have too few pages to tell a running header from a one-off line.
    chrome_min_pages: int = 3
    chrome_page_share: float = 0.5

    # --- paragraphs -----------------------------------------------------------------------------------------------
    # The body's left edge is the leftmost x shared by several lines: at least two, and at least 30% as many as the
    # most common left x (indented first lines and centred titles each share fewer).
    left_edge_min_lines: int = 2
    left_edge_share: float = 0.3
    # The body's right edge: the 90th percentile of line ends (a few lines overrun it with kinsoku punctuation).
    right_edge_quantile: float = 0.9
    # The size assumed for a page whose lines carry none: 12 pt, a common body size.
    default_body_pt: float = 12.0
    # A line starting more than 1.5 em right of the body's edge is indented: 公文 indents first lines by 2 em.
    indent: float = 1.5
    # A line ending more than 3.2 em short of the right edge stopped before the line was full: a paragraph end (a
    # justified line never leaves three characters of room).
    stopped_short: float = 3.2
    # A line ending with 。！？；： and 0.8 em short of the edge ends its paragraph (one character of room is a
    # real end, not justification slack).
    stopped_at_end: float = 0.8
    # A vertical gap over 1.2 em between lines of one page is a blank line (the line pitch of 公文 leaves about
    # 0.6-0.9 em between lines).
    para_gap: float = 1.2
    # Lines whose font sizes differ by more than 1 pt belong to different paragraphs (a title over the body).
    size_change_pt: float = 1.0
    # A centred line leaves more than 2.5 em on both sides, and the two sides differ by less than 1.5 em.
    centred_side: float = 2.5
    centred_balance: float = 1.5

    # --- tables ---------------------------------------------------------------------------------------------------
    # pdfplumber looks for tables only on pages with at least this many drawn lines and rectangles: a ruled table
    # needs four edges at least.
    table_min_edges: int = 4
    # A table has a header and a row at least, and two columns: a single ruled box is a frame, not a table.
    table_min_rows: int = 2
    table_min_cols: int = 2


THRESHOLDS = Thresholds()
