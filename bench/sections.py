"""BENCHMARKS.md is shared: each benchmark replaces only its own section, between
``<!-- bench:NAME:start -->`` and ``<!-- bench:NAME:end -->`` (appended if missing)."""


def write_section(path: str, name: str, section: str) -> None:
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start}\n{section}{end}\n"
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
