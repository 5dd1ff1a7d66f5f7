"""Scanned fixtures: rasterize text-layer PDFs (pypdfium2) with realistic degradation (dpi, skew, noise, a red
seal over text) into image-only PDFs, and a mixed PDF (text page + scanned page). Run once; outputs are committed."""
from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "scans"


def red_seal(img, cx: int, cy: int, r: int):
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
        d.text((cx - r * 0.75, cy - r * 0.75), "铁峰乡人民政府", fill=red, font=font)
    except OSError:
        pass
    return img


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
    print("scans written to", OUT)


if __name__ == "__main__":
    sys.exit(main())
