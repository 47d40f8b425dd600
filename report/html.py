"""The report as one self-contained HTML file: the figures embedded as PNG data, the styles inline,
no script and nothing fetched from the network; it reads on a phone (one column, tables that scroll
sideways) and prints (figures kept whole on a page)."""

import base64
from html import escape

from digits.core.figures.kinds import Figure
from digits.report.document import Code, Document, Table

STYLE = """
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1b1b1b;
       background: #fff; margin: 0 auto; padding: 1rem 1.25rem 3rem; max-width: 52rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 1rem 0 .5rem; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .6rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.6rem 0 .3rem; }
p.lead { color: #333; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 1rem 0; }
dl.facts dt { font-weight: 600; color: #555; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; margin: .6rem 0 1rem;
  /* Shadows at an edge with more to scroll to (they move with the content, so they go at its ends). */
  background: linear-gradient(to right, #fff 30%, rgba(255,255,255,0)) left / 2rem 100% no-repeat local,
              linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) right / 2rem 100% no-repeat local,
              radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.18), transparent) left / .8rem 100% no-repeat scroll,
              radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.18), transparent) right / .8rem 100% no-repeat
              scroll; }
figure .scroll { background: none; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border-bottom: 1px solid #e3e3e3; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f5f5f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
caption { caption-side: bottom; text-align: left; color: #555; font-size: .85rem; padding-top: .3rem; }
pre { background: #f5f5f5; padding: .7rem .9rem; font-size: .85rem; border-radius: 4px;
      white-space: pre-wrap; overflow-wrap: anywhere; }
td:first-child { min-width: 8rem; }
figure { margin: 1rem 0 1.8rem; }
figure .scroll { margin: 0; }
figure img { display: block; max-width: 100%; height: auto; }
@media (max-width: 40rem) {
  /* On a phone a figure shrunk to the screen's width has unreadable labels: keep it at 80% and let
     it scroll sideways in its box. */
  figure img { max-width: none; width: 640px; }
}
figcaption { color: #444; font-size: .9rem; margin-top: .3rem; }
footer { margin-top: 3rem; color: #777; font-size: .8rem; }
@media print {
  body { max-width: none; font-size: 11pt; }
  figure, table, pre { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
"""


def is_number(text: str) -> bool:
    return bool(text) and (text[0].isdigit() or text[0] in "+-−.") and any(c.isdigit() for c in text[:3])


def table_html(table: Table) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns) if any(table.columns) else ""
    body = "".join("<tr>" + "".join(f'<td class="num">{escape(v)}</td>' if is_number(v) else f"<td>{escape(v)}</td>"
                                    for v in row) + "</tr>" for row in table.rows)
    caption = f"<caption>{escape(table.caption)}</caption>" if table.caption else ""
    return (f'<div class="scroll"><table>{caption}' + (f"<thead><tr>{head}</tr></thead>" if head else "")
            + f"<tbody>{body}</tbody></table></div>")


def figure_html(figure: Figure, png: bytes, size: tuple[int, int]) -> str:
    data = base64.b64encode(png).decode("ascii")
    # The figure carries its title (so it stands alone in a README): the page does not repeat it.
    return (f'<figure id="{escape(figure.key)}"><div class="scroll">'
            f'<img src="data:image/png;base64,{data}" width="{size[0]}" height="{size[1]}" '
            f'alt="{escape(figure.title)}: {escape(figure.caption)}"></div>'
            f"<figcaption>{escape(figure.caption)}</figcaption></figure>")


def render(doc: Document, pngs: dict[str, bytes], sizes: dict[str, tuple[int, int]], footer: str) -> str:
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{escape(doc.title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
             f"<h1>{escape(doc.title)}</h1>", f'<p class="lead">{escape(doc.lead)}</p>',
             '<dl class="facts">' + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in doc.facts)
             + "</dl>"]
    for section in doc.sections:
        parts.append(f"<h2>{escape(section.title)}</h2>")
        for block in section.blocks:
            if isinstance(block, str):
                parts.append(f"<p>{escape(block)}</p>")
            elif isinstance(block, list):
                parts.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in block) + "</ul>")
            elif isinstance(block, Table):
                parts.append(table_html(block))
            elif isinstance(block, Code):
                parts.append(f"<pre><code>{escape(block.text)}</code></pre>")
            elif isinstance(block, Figure):
                parts.append(figure_html(block, pngs[block.key], sizes[block.key]))
    parts += [f"<footer>{escape(footer)}</footer>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"
