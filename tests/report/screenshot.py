"""Takes the README's screenshot of a document page of the report.

    python -m tests.report.screenshot [PNG] [--out OUT] [--doc DOC_ID]

Without ``--out`` it builds the report of the seed article from its gold record
(the test fixture), so the picture does not depend on a model. The image is cut
to 256 colours to stay small in git.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

from PIL import Image

from pipeline.report import build_report

from .cdp import Chromium, find_chromium
from .fixtures import REPO, seed_document, write_extract_output

WIDTH, HEIGHT = 1280, 860


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("png", nargs="?", type=Path, default=REPO / "pipeline" / "report" / "screenshot.png")
    parser.add_argument("--out", type=Path, help="an extract output folder (default: the seed fixture)")
    parser.add_argument("--doc", default="seed-article", help="the document whose page to show")
    args = parser.parse_args(argv)
    executable = find_chromium()
    if executable is None:
        print("error: chromium is not installed; run `make install-chromium`", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out
        if out is None:
            out = Path(scratch) / "out"
            write_extract_output([seed_document()], out, Path(scratch) / "corpus")
        index = build_report(out)
        with Chromium(executable) as browser:
            page = browser.new_page()
            page.screenshot(WIDTH, HEIGHT)  # size the viewport before the page lays out
            page.open((index.parent / "docs" / f"{args.doc}.html").as_uri())
            png = page.screenshot(WIDTH, HEIGHT)
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    image.save(args.png, optimize=True)
    print(f"screenshot: {args.png} ({args.png.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
