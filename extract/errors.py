"""The one exception type for input the toolkit cannot read, carrying the file and a plain reason."""
from __future__ import annotations


class ReadError(Exception):
    """A file that cannot be turned into a document; str() is the one line shown to the user."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class ModelMissing(RuntimeError):
    """A trained classifier is not where the package keeps it (a broken install or an untrained checkout): no file
    is at fault, so this is never turned into a ReadError."""


# The UI speaks Chinese: the reasons readers give, in the words policy staff read.
_ZH = [
    ("the file is empty", "文件为空"),
    ("no such file", "文件不存在"),
    ("is a folder", "这是一个文件夹，不是文件"),
    ("over the size limit", "文件超过大小上限"),
    ("encrypted", "PDF 已加密（设置了密码），请去除密码后再上传"),
    ("damaged or truncated", "PDF 文件已损坏或不完整，无法解析"),
    ("no usable text layer", "PDF 没有可用的文字层（可能是扫描件），需要 OCR 识别"),
    ("not a PDF", "不是有效的 PDF 文件（文件损坏或扩展名不符）"),
    ("not a valid PDF", "不是有效的 PDF 文件（文件损坏或扩展名不符）"),
    ("not a valid Word .docx", "不是有效的 Word（.docx）文件（文件损坏或扩展名不符）"),
    ("not a valid .doc", "不是有效的 .doc/.wps 文件（文件损坏或扩展名不符）"),
    ("needs LibreOffice", "读取 .doc/.wps 文件需要安装 LibreOffice（libreoffice-writer-nogui）"),
    ("LibreOffice could not convert", "LibreOffice 无法转换该文件（文件损坏或不是 Word/WPS 文档）"),
    ("binary file", "这是二进制文件，不是文本"),
    ("encoding", "无法识别文本编码（不是 UTF-8 或 GB18030/GBK）"),
    ("unsupported file type", "不支持的文件类型"),
    ("an image", "这是图片，不是文档；请将扫描件保存为 PDF"),
    ("no text", "文件中没有文字"),
    ("no plan text", "文件中没有找到方案正文"),
]


def reason_zh(reason: str) -> str:
    """A Chinese message for a reader's reason; unknown reasons are shown as they are."""
    for key, zh in _ZH:
        if key in reason:
            return zh
    return f"无法处理（{reason}）"
