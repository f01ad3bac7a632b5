#!/usr/bin/python3
"""Compiles every C++ example in the README, docs/ and the public headers.

    check_snippets.py --source-dir DIR --compiler CXX --out DIR [--headers core,llm,...] [-- EXTRA FLAGS]

Where the examples are:
  - README.md and docs/*.md: each ```cpp block;
  - include/agentio/FOLDER/**/*.hpp, for each FOLDER given to --headers: each
    run of comment lines indented four spaces past "// " ("//     co_await
    ...") after a blank comment line, a line ending in ':', or its context.
    A header's examples are written from inside its namespace (llm/ ->
    agentio::llm), with the header included.

An example is a fragment, as a reader sees it: the `#include`s it needs, then
declarations and statements. Each becomes, in one translation unit per file:

    namespace snippet_N {
    using namespace agentio; using namespace std::chrono_literals;
    <context>                 // names the example uses but does not declare
    <its definitions>         // lines from a column-0 struct/class/function/TEST to its closing brace
    Task<R> body() { <its statements> }
    }

The context comes from the line before the example: an HTML comment in
markdown (`<!-- compile-context: extern llm::Client client; -->`, which may
span lines; a line `returns T` in it makes the body a Task<T>, and lines
starting `local ` are declared inside the body), or in a header a
comment line `// compile-context: ...` just above the example. `extern`
declarations are enough: the examples are compiled, never linked or run.

Every translation unit carries #line directives, so an error names the
markdown or header line the reader sees. Exit status 0 when all compile.
"""
import argparse
import concurrent.futures
import glob
import os
import re
import subprocess
import sys

# Lines that open a definition at namespace scope: a type, a template, a test,
# or a function whose return type starts the line (Task<...>, int, void, ...).
DEFINITION = re.compile(r"^(struct |class |enum |template\s*<|TEST(_F|_P)?\(|"
                        r"(static |inline )?(Task<[^>]*>+|int|void|bool|auto|std::\w+(<[^>]*>)?)\s+\w+\(.*\)\s*(const\s*)?(->[^{]*)?\{)")
TOP_LEVEL_LINE = re.compile(r"^(using\s|namespace\s+\w+\s*=|#|inline\s.*;\s*(//.*)?$|extern\s)")


class Snippet:
    def __init__(self, path, line, lines, context):
        self.path, self.line, self.lines, self.context = path, line, lines, context


def markdown_snippets(path):
    text = open(path, encoding="utf-8").read().split("\n")
    snippets, i = [], 0
    while i < len(text):
        if text[i].strip() == "```cpp":
            start = i + 1
            end = start
            while end < len(text) and text[end].strip() != "```":
                end += 1
            # The context: an HTML comment ending on the line before the fence.
            context, j = "", i - 1
            while j >= 0 and not text[j].strip():
                j -= 1
            if j >= 0 and text[j].rstrip().endswith("-->"):
                k = j
                while k >= 0 and "<!--" not in text[k]:
                    k -= 1
                comment = "\n".join(text[k:j + 1])
                m = re.search(r"<!--\s*compile-context:(.*?)-->", comment, re.S)
                if m:
                    context = m.group(1).strip()
            snippets.append(Snippet(path, start + 1, text[start:end], context))
            i = end + 1
        else:
            i += 1
    return snippets


def header_snippets(path):
    text = open(path, encoding="utf-8").read().split("\n")
    snippets, i = [], 0
    example = re.compile(r"^//     ?(.*)$")
    while i < len(text):
        # An example opens with a line indented exactly four past "// ", after
        # a blank comment line (deeper or unannounced indentation is prose).
        if re.match(r"^//     \S", text[i]) and i > 0 and (text[i - 1].rstrip() == "//" or text[i - 1].rstrip().endswith(":")
                                                             or text[i - 1].startswith("// compile-context:")):
            start = i
            while i < len(text) and (re.match(r"^//     ", text[i]) or (text[i].rstrip() == "//" and i + 1 < len(text)
                                                                       and re.match(r"^//     ", text[i + 1]))):
                i += 1
            lines = [example.match(line).group(1) if example.match(line) else "" for line in text[start:i]]
            context = ""
            j = start - 1
            while j >= 0 and text[j].startswith("// compile-context:"):
                context = text[j][len("// compile-context:"):].strip() + "\n" + context
                j -= 1
            own = re.search(r"include/(agentio/.+\.hpp)$", path.replace(os.sep, "/"))
            # The header's own include goes first, numbered as the line above the example.
            if own:
                snippets.append(Snippet(path, start, [f"#include <{own.group(1)}>"] + lines, context))
            else:
                snippets.append(Snippet(path, start + 1, lines, context))
        else:
            i += 1
    return snippets


def split(snippet):
    """(includes, definitions as (line, text) runs, body as (line, text) runs)."""
    includes, definitions, body = [], [], []
    i, lines = 0, snippet.lines
    while i < len(lines):
        line, number = lines[i], snippet.line + i
        if line.startswith("#include"):
            includes.append(line)
            i += 1
        elif TOP_LEVEL_LINE.match(line):
            definitions.append((number, line))
            i += 1
        elif DEFINITION.match(line):
            # A definition: to the line where its braces close (a declaration ends at its ';').
            run = [line]
            depth = line.count("{") - line.count("}")
            i += 1
            while i < len(lines) and (depth > 0 or ("{" not in "".join(run) and not run[-1].rstrip().endswith(";"))):
                run.append(lines[i])
                depth += lines[i].count("{") - lines[i].count("}")
                i += 1
            definitions.append((number, "\n".join(run)))
        else:
            body.append((number, line))
            i += 1
    return includes, definitions, body


def translation_unit(snippets, relative):
    includes = ["#include <agentio/agentio.hpp>", "#include <iostream>"]
    parts = []
    for n, snippet in enumerate(snippets):
        inc, definitions, body = split(snippet)
        includes += [line for line in inc if line not in includes]
        context = snippet.context
        returns = "void"
        m = re.search(r"^returns\s+(.+)$", context, re.M)
        if m:
            returns = m.group(1).strip()
            context = context[:m.start()] + context[m.end():]
        # Context lines that are #includes go to the top of the file.
        includes += [line.strip() for line in context.split("\n")
                     if line.strip().startswith("#include") and line.strip() not in includes]
        context = "\n".join(line for line in context.split("\n") if not line.strip().startswith("#include"))
        # Context lines starting with `local ` are declared inside the body (a
        # lambda can capture only those).
        locals_ = [line.strip()[len("local "):] for line in context.split("\n") if line.strip().startswith("local ")]
        context = "\n".join(line for line in context.split("\n") if not line.strip().startswith("local "))
        # A header's examples are written from inside its namespace.
        own = []
        m = re.search(r"include/agentio/(.+)/[^/]+\.hpp$", snippet.path.replace(os.sep, "/"))
        if m and m.group(1) != "core":  # core's names are agentio's own
            own.append("using namespace agentio::" + m.group(1).replace("/", "::") + ";")
        chunk = [f"namespace snippet_{n} {{", "using namespace agentio;", "using namespace std::chrono_literals;",
                 "namespace pg = agentio::db::pg; namespace mcp = agentio::agent::mcp;",
                 *own,
                 f'#line 1 "{relative}:{snippet.line} (compile-context)"', context]
        for number, text in definitions:
            text = re.sub(r"\bint main\(", "int snippet_main(", text)
            chunk += [f'#line {number} "{relative}"', text]
        statements = [(number, text) for number, text in body if text.strip()]
        if statements:
            task = "Task<>" if returns == "void" else f"Task<{returns}>"
            chunk.append(f"[[maybe_unused]] {task} snippet_body() {{")
            chunk += locals_
            for number, text in body:
                chunk += [f'#line {number} "{relative}"', text]
            if returns == "void":
                chunk.append("co_return;")
            chunk.append("}")
        chunk.append(f"}}  // namespace snippet_{n}")
        parts.append("\n".join(chunk))
    return "\n".join(includes) + "\n\n" + "\n\n".join(parts) + "\n"


def compile_unit(compiler, flags, source):
    cmd = [compiler, "-std=c++20", "-O0", "-c", "-o", os.devnull, source] + flags
    out = subprocess.run(cmd, capture_output=True, text=True)
    return source, out.returncode, out.stderr


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--compiler", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--headers", default="",
                        help="the header comments' examples too, of these folders of include/agentio (core,llm,...)")
    parser.add_argument("flags", nargs="*")
    args = parser.parse_args()
    root = os.path.abspath(args.source_dir)
    os.makedirs(args.out, exist_ok=True)
    units = {}
    for path in [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md"))):
        snippets = markdown_snippets(path)
        if snippets:
            units[os.path.relpath(path, root)] = snippets
    headers = []
    folders = [folder for folder in args.headers.split(",") if folder]
    for path in sorted(path for folder in folders
                       for path in glob.glob(os.path.join(root, "include", "agentio", folder, "**", "*.hpp"), recursive=True)):
        headers += header_snippets(path)
    # Header examples in a few units, so that the compile runs in parallel.
    per_unit = max(1, (len(headers) + 3) // 4)
    for k in range(0, len(headers), per_unit):
        units[f"headers-{k // per_unit}"] = headers[k:k + per_unit]
    sources = []
    count = 0
    for name, snippets in units.items():
        count += len(snippets)
        source = os.path.join(args.out, re.sub(r"[^\w.-]", "_", name) + ".cpp")
        by_file = {}
        for snippet in snippets:
            by_file.setdefault(os.path.relpath(snippet.path, root), []).append(snippet)
        text = ""
        for relative, group in by_file.items():
            prefix = re.sub(r"\W", "_", relative)
            text += translation_unit(group, relative).replace("namespace snippet_", f"namespace {prefix}_snippet_")
        open(source, "w").write(text)
        sources.append(source)
    flags = ["-I" + os.path.join(root, "include")] + args.flags
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for source, code, errors in pool.map(lambda s: compile_unit(args.compiler, flags, s), sources):
            if code != 0:
                failed += 1
                print(f"--- {source} does not compile:\n{errors}", file=sys.stderr)
    print(f"{count} examples in {len(sources)} translation units: {len(sources) - failed} compiled, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
