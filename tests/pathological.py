"""Bodies built to make a Markdown renderer slow or fail (issue 10, point 1).

Each is within the body size limit (or just over it, where named), so that
the renderer's own bounds, not the size cap, have to hold.
"""

N = 1000

PATHOLOGICAL = {
    "nested lists": "".join("  " * i + "- item\n" for i in range(N)),
    "nested ordered lists": "".join("   " * i + "1. item\n" for i in range(N)),
    "nested blockquotes": ">" * N + " deep\n",
    "blockquotes line by line": "".join(">" * i + " x\n" for i in range(300)),
    "bracket bomb": "[" * 5000 + "x" + "]" * 5000,
    "link bomb": "[a](" * 3000 + "x" + ")" * 3000,
    "image bomb": "![" * 3000 + "x" + "](y)" * 3000,
    "emphasis bomb": "*" * 20000 + "x",
    "strong em bomb": "**_" * 5000 + "x" + "_**" * 5000,
    "backticks": "`" * 20000,
    "unclosed html": "<div>" * 5000,
    "html comments": "<!--" * 10000,
    "entity soup": "&#" * 20000,
    "reference definitions": "".join(f"[r{i}]: http://x/{i}\n" for i in range(5000))
    + "".join(f"[r{i}]" for i in range(5000)),
    "table with many columns": "|" + "a|" * 5000 + "\n|" + "-|" * 5000 + "\n",
    "many headings": "## h\n" * 10000,
    "long line": "word " * 40000,
    "footnote bomb": "".join(f"[^{i}]" for i in range(3000))
    + "".join(f"\n[^{i}]: note {i}" for i in range(3000)),
    "abbreviations": "".join(f"*[A{i}]: a\n" for i in range(3000))
    + " ".join(f"A{i}" for i in range(3000)),
    "underscores": "_a" * 20000,
    "nested code fences": "````\n" * 3000,
    "indent code and lists": "".join(
        ("    " * (i % 40)) + "* x\n" for i in range(5000)
    ),
    "angle autolinks": "<http://" * 10000,
    "setext headings": "a\n=\n" * 10000,
}
