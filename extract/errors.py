"""Error codes for input the toolkit cannot process, each with one Chinese and one English message, and ReadError."""
from __future__ import annotations

from enum import Enum


class Code(str, Enum):
    """Why a file could not be processed; the value is what the store, errors.csv and JSON carry."""

    NOT_FOUND = "not_found"
    IS_DIR = "is_dir"
    EMPTY = "empty"
    UNREADABLE = "unreadable"
    ENCRYPTED = "encrypted"
    UNSUPPORTED = "unsupported"
    IMAGE = "image"
    BINARY = "binary"
    ENCODING = "encoding"
    TOO_LARGE = "too_large"
    SCANNED_WITHOUT_OCR = "scanned_without_ocr"
    GARBAGE = "garbage"
    NO_TEXT = "no_text"
    NEEDS_LIBREOFFICE = "needs_libreoffice"
    TIMEOUT = "timeout"
    KILLED = "killed"
    MEMORY = "memory"
    SKIPPED = "skipped"
    INTERNAL = "internal"


# code -> (Chinese message, English message); the Chinese one is what the app shows.
MESSAGES: dict[Code, tuple[str, str]] = {
    Code.NOT_FOUND: ("文件不存在", "no such file"),
    Code.IS_DIR: ("这是一个文件夹，不是文件", "this is a folder, not a file"),
    Code.EMPTY: ("文件为空", "the file is empty"),
    Code.UNREADABLE: ("文件已损坏或格式不符，无法解析", "the file is damaged or not of the format its name says"),
    Code.ENCRYPTED: ("文件已加密（设置了密码），请去除密码后再上传", "the file is encrypted (password-protected)"),
    Code.UNSUPPORTED: ("不支持的文件类型", "unsupported file type"),
    Code.IMAGE: ("这是图片，不是文档；请将扫描件保存为 PDF", "this is an image, not a document"),
    Code.BINARY: ("这是二进制文件，不是文本", "this is a binary file, not text"),
    Code.ENCODING: ("无法识别文本编码（不是 UTF-8 或 GB18030/GBK）", "the text encoding could not be recognised"),
    Code.TOO_LARGE: ("文件过大或结构异常", "the file is too large or abnormally structured"),
    Code.SCANNED_WITHOUT_OCR: ("PDF 没有可用的文字层（可能是扫描件），需要 OCR 识别",
                               "the PDF has no usable text layer (a scan) and needs OCR"),
    Code.GARBAGE: ("文件内容是乱码（文字层无法正确解码）", "the text decodes to noise"),
    Code.NO_TEXT: ("文件中没有找到方案正文", "no plan text was found in the file"),
    Code.NEEDS_LIBREOFFICE: ("读取 .doc/.wps 文件需要安装 LibreOffice（libreoffice-writer-nogui）",
                             "reading .doc/.wps files needs LibreOffice"),
    Code.TIMEOUT: ("处理超时（文件过大或结构异常）", "processing took longer than the time limit"),
    Code.KILLED: ("处理进程意外终止（可能内存不足）", "the process working on the file was killed"),
    Code.MEMORY: ("文件过大或结构异常：处理所需内存超过上限", "processing needed more memory than the limit"),
    Code.SKIPPED: ("已跳过（不是普通文件或位于所选文件夹之外）", "skipped (not a regular file inside the folder)"),
    Code.INTERNAL: ("处理时发生内部错误", "an internal error occurred while processing the file"),
}

class ReadError(Exception):
    """A file that cannot be turned into a document; str() is the one line shown to the user.

    `reason` is the English detail (what the reader found), `code` the cause, `zh_detail` an optional Chinese
    detail (sizes, limits) appended to the Chinese message."""

    def __init__(self, path: str, reason: str, code: Code | str = Code.UNREADABLE, zh_detail: str = ""):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason
        self.code = Code(code)
        self.zh_detail = zh_detail

    def __reduce__(self):  # worker processes send it back pickled
        return (type(self), (self.path, self.reason, self.code.value, self.zh_detail))

    @property
    def message_zh(self) -> str:
        return message_zh(self.code, self.zh_detail)

    @property
    def message_en(self) -> str:
        return MESSAGES[self.code][1]


class OutputError(Exception):
    """An output that could not be written (a folder in the way, no permission, disk full, a read-only store)."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason

    def __reduce__(self):
        return (type(self), (self.path, self.reason))


class ModelMissing(RuntimeError):
    """A trained classifier is not where the package keeps it (a broken install or an untrained checkout): no file
    is at fault, so this is never turned into a ReadError."""


def message_zh(code: Code | str, detail: str = "") -> str:
    zh = MESSAGES[Code(code)][0]
    return f"{zh}：{detail}" if detail else zh


def reason_zh(error: ReadError | str) -> str:
    """The Chinese message for an error; a bare string (no code known) is shown as it is."""
    if isinstance(error, ReadError):
        return error.message_zh
    return f"无法处理（{error}）"
