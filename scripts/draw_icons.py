"""Draw field mode's app icons (a shield with a check mark, the product's green) with
Pillow, so the repository holds no icon from elsewhere. Run once after changing the
drawing: ``.venv/bin/python scripts/draw_icons.py``; the PNGs are committed."""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "lindung" / "static" / "lindung" / "icons"
GREEN = (11, 110, 79, 255)
WHITE = (255, 255, 255, 255)
SCALE = 4  # drawn large and scaled down, for smooth edges


def draw(size: int, *, safe_zone: float) -> Image.Image:
    """``safe_zone``: the share of the width the shield may use (maskable icons are
    cropped to a circle by the launcher, so their drawing stays within 80%)."""
    big = size * SCALE
    image = Image.new("RGBA", (big, big), GREEN if safe_zone < 1 else (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if safe_zone >= 1:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=GREEN)
    inner = big * min(safe_zone, 0.8)
    left, top = (big - inner) / 2, (big - inner) / 2
    shield = [
        (left + inner * 0.5, top + inner * 0.08),
        (left + inner * 0.86, top + inner * 0.22),
        (left + inner * 0.82, top + inner * 0.62),
        (left + inner * 0.5, top + inner * 0.94),
        (left + inner * 0.18, top + inner * 0.62),
        (left + inner * 0.14, top + inner * 0.22),
    ]
    pen.polygon(shield, fill=WHITE)
    check = [
        (left + inner * 0.33, top + inner * 0.5),
        (left + inner * 0.46, top + inner * 0.64),
        (left + inner * 0.69, top + inner * 0.36),
    ]
    pen.line(check, fill=GREEN, width=max(2, int(inner * 0.08)), joint="curve")
    smooth = image.resize((size, size), Image.Resampling.LANCZOS)
    # Two colours and their edge blends: a small palette keeps each file a few KB.
    return smooth.quantize(colors=32, method=Image.Quantize.FASTOCTREE)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, safe_zone=1).save(OUT / "icon-192.png", optimize=True)
    draw(512, safe_zone=1).save(OUT / "icon-512.png", optimize=True)
    draw(512, safe_zone=0.6).save(OUT / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
