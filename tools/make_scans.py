"""Scanned fixtures: rasterize text-layer PDFs (pypdfium2) with realistic degradation (dpi, skew, noise, a red
seal over text) into image-only PDFs, and a mixed PDF (text page + scanned page). Run once; outputs are committed."""
from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "scans"


def red_seal(img, cx: int, cy: int, r: int, text: str = "铁峰乡人民政府"):
    from PIL import ImageDraw, ImageFont

    d = ImageDraw.Draw(img, "RGBA")
    red = (220, 30, 30, 200)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=max(3, r // 18))
    star = [(cx, cy - r // 4), (cx + r // 12, cy - r // 12), (cx + r // 4, cy - r // 12), (cx + r // 10, cy + r // 20),
            (cx + r // 6, cy + r // 4), (cx, cy + r // 8), (cx - r // 6, cy + r // 4), (cx - r // 10, cy + r // 20),
            (cx - r // 4, cy - r // 12), (cx - r // 12, cy - r // 12)]
    d.polygon(star, fill=red)
    try:
        font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", r // 5)
        d.text((cx - r * 0.75, cy - r * 0.75), text, fill=red, font=font)
    except OSError:
        pass
    return img


# A 红头 first page (issue 16): the issuing organ in large red type over a red rule, then 文号, title, notice, signature.
REDHEAD = {
    "organ": "安平县应急管理局文件",
    "number": "安应急〔2024〕21号",
    "title": ["安平县应急管理局关于印发《安平县", "应急管理系统安全生产治本攻坚三年", "行动实施方案（2024—2026年）》的通知"],
    "body": ["各乡（镇）人民政府、街道办事处，县级有关单位：",
             "    现将《安平县应急管理系统安全生产治本攻坚三年行动",
             "实施方案（2024—2026年）》印发给你们，请结合实际认真贯彻落",
             "实。各单位于2024年6月20日前将本单位实施方案报送县应急管",
             "理局。"],
    "signature": "安平县应急管理局",
    "date": "2024年5月10日",
}


def red_header_page(dpi: int = 180):
    from PIL import Image, ImageDraw, ImageFont

    w, h = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    serif = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
    bold = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"
    px = dpi / 72  # pixels per point
    big, title, body = (ImageFont.truetype(bold, int(30 * px)), ImageFont.truetype(bold, int(18 * px)),
                        ImageFont.truetype(serif, int(15 * px)))
    red = (210, 20, 20)
    left, y = int(w * 0.12), int(h * 0.10)

    def centred(text, font, fill, y):
        tw = d.textlength(text, font=font)
        d.text(((w - tw) / 2, y), text, font=font, fill=fill)

    centred(REDHEAD["organ"], big, red, y)
    y += int(60 * px)
    centred(REDHEAD["number"], body, "black", y)
    y += int(26 * px)
    d.rectangle((left, y, w - left, y + max(3, int(1.5 * px))), fill=red)  # the red rule under the header
    y += int(40 * px)
    for line in REDHEAD["title"]:
        centred(line, title, "black", y)
        y += int(30 * px)
    y += int(18 * px)
    for line in REDHEAD["body"]:
        d.text((left, y), line, font=body, fill="black")
        y += int(28 * px)
    y += int(50 * px)
    d.text((w * 0.55, y), REDHEAD["signature"], font=body, fill="black")
    y += int(28 * px)
    d.text((w * 0.57, y), REDHEAD["date"], font=body, fill="black")
    return red_seal(img, int(w * 0.66), int(y - 10 * px), int(w * 0.11), REDHEAD["signature"])


def degrade(img, seed: int, dpi: int, skew: float):
    import numpy as np
    from PIL import Image

    rng = random.Random(seed)
    img = img.convert("RGB").rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor="white")
    a = np.asarray(img).astype(np.int16)
    noise = np.random.default_rng(seed).normal(0, 10, a.shape[:2])[..., None]
    a = np.clip(a + noise, 0, 255).astype(np.uint8)
    out = Image.fromarray(a)
    # a few specks, as a photocopier leaves them
    from PIL import ImageDraw

    d = ImageDraw.Draw(out)
    for _ in range(40):
        x, y = rng.randrange(out.width), rng.randrange(out.height)
        d.point((x, y), fill=(60, 60, 60))
    return out


def rasterize(pdf_path: Path, dpi: int, pages: list[int] | None = None):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    idx = pages if pages is not None else list(range(len(pdf)))
    return [pdf[i].render(scale=dpi / 72).to_pil() for i in idx]


def main() -> None:
    from pypdf import PdfReader, PdfWriter

    OUT.mkdir(parents=True, exist_ok=True)
    src = ROOT / "tests" / "fixtures" / "tieshan_001.pdf"
    imgs = rasterize(src, 180)
    scanned = []
    for k, img in enumerate(imgs):
        img = degrade(img, k, 180, skew=0.6 if k % 2 else -0.4)
        if k == 0:
            img = red_seal(img, int(img.width * 0.55), int(img.height * 0.42), int(img.width * 0.12))
        scanned.append(img)
    scanned[0].save(OUT / "tieshan_001_scan.pdf", "PDF", resolution=180, save_all=True, append_images=scanned[1:])
    # mixed: page 1 as text, page 2 scanned, the rest as text
    text = PdfReader(str(src))
    scan = PdfReader(str(OUT / "tieshan_001_scan.pdf"))
    w = PdfWriter()
    for i, page in enumerate(text.pages):
        w.add_page(scan.pages[i] if i == 1 else page)
    with open(OUT / "tieshan_001_mixed.pdf", "wb") as fh:
        w.write(fh)
    # the first page alone: the notice with the red seal over the signature
    scanned[0].save(OUT / "tieshan_001_scan_p1.pdf", "PDF", resolution=180)
    # a 红头 first page with its red organ line and red rule
    degrade(red_header_page(180), 7, 180, skew=0.3).save(OUT / "redhead_notice_p1.pdf", "PDF", resolution=180)
    print("scans written to", OUT)


if __name__ == "__main__":
    sys.exit(main())
