"""`digits report`: a run or a sweep as a shareable page — figures drawn with matplotlib from the
figure data of `digits.core.figures`, written as one self-contained HTML file and as Markdown with
PNG and SVG files. A front-end: it knows no task, only figure kinds and the run record."""
