"""The report as Markdown (GitHub-flavoured) beside its figures/ folder: for a README, a pull
request or a notebook. Figures are linked as PNG; the SVG of each lies beside it."""

from digits.core.figures.kinds import Figure
from digits.report.document import Code, Document, Table


def cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table_md(table: Table) -> str:
    columns = [c or " " for c in table.columns]
    lines = ["| " + " | ".join(map(cell, columns)) + " |", "|" + "|".join(" --- " for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.rows]
    if table.caption:
        lines += ["", f"*{table.caption}*"]
    return "\n".join(lines)


def render(doc: Document, figure_paths: dict[str, str], footer: str) -> str:
    parts = [f"# {doc.title}", doc.lead, "\n".join(f"- **{k}**: {v}" for k, v in doc.facts)]
    for section in doc.sections:
        parts.append(f"## {section.title}")
        for block in section.blocks:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, list):
                parts.append("\n".join(f"- {item}" for item in block))
            elif isinstance(block, Table):
                parts.append(table_md(block))
            elif isinstance(block, Code):
                parts.append(f"```sh\n{block.text}\n```")
            elif isinstance(block, Figure):
                # The figure carries its title: no heading repeats it.
                parts.append(f"![{block.title}]({figure_paths[block.key]})\n\n{block.caption}")
    parts.append(f"---\n\n<sub>{footer}</sub>")
    return "\n\n".join(parts) + "\n"
