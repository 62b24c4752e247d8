#!/usr/bin/env python3
"""make lint: no import circles between the files of a crate (src/, ops/src/).

The graph: file A → file B when A names an item that B defines, through a `use` or a path
(`crate::…`, `super::…`, `self::…`, or a path starting at a child module or an imported module).
A re-export (`pub use`) is followed to the file that defines the item. A parent module's own
`mod x;` and `pub use x::…` lines are its façade, not a use, and make no edge. Test modules
(`#[cfg(test)] mod tests { … }`, `tests.rs`) are left out. Prints each circle's files; exits 1
if there is one.

    python3 scripts/check-cycles.py            # src and ops/src
    python3 scripts/check-cycles.py DIR …      # other crate roots (lib.rs or main.rs inside)
"""
import os
import re
import sys

ITEM = re.compile(
    r'^\s*(?:pub(?:\([^)]*\))?\s+)?(?:(?:const|async|unsafe|extern\s+"C")\s+)*'
    r'(?:fn|struct|enum|trait|type|const|static|mod|union)\s+(r#)?(\w+)',
    re.M)
USE = re.compile(r'(?:^|(?<=[;{}\]]))[ \t]*(pub(?:\([^)]*\))?\s+)?use\s+([^;]*);', re.M)
MACRO = re.compile(r'macro_rules!\s*(\w+)')
PATH = re.compile(r'(?<![\w:])((?:[A-Za-z_]\w*)(?:\s*::\s*[A-Za-z_]\w*)+)')


def strip(source):
    """The source without comments, string and char literals, and the test module."""
    out = []
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if source.startswith('//', i):
            j = source.find('\n', i)
            i = n if j < 0 else j
        elif source.startswith('/*', i):
            depth, i = 1, i + 2
            while i < n and depth:
                if source.startswith('/*', i):
                    depth, i = depth + 1, i + 2
                elif source.startswith('*/', i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == 'r' and re.match(r'r#*"', source[i:i + 10]) and (i == 0 or not (source[i - 1].isalnum() or source[i - 1] == '_')):
            hashes = re.match(r'r(#*)"', source[i:]).group(1)
            end = source.find('"' + hashes, i + 2 + len(hashes))
            out.append('""')
            i = n if end < 0 else end + 1 + len(hashes)
        elif c == '"':
            i += 1
            while i < n and source[i] != '"':
                i += 2 if source[i] == '\\' else 1
            out.append('""')
            i += 1
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", source[i:i + 4]) or re.match(r"'\\u\{[0-9a-fA-F]+\}'", source[i:i + 12]):
            i = source.find("'", i + 2) + 1
            out.append("' '")
        else:
            out.append(c)
            i += 1
    text = ''.join(out)
    m = re.search(r'#\[cfg\(test\)\]\s*mod tests\s*\{', text)
    if m:
        depth, k = 0, m.end() - 1
        while k < len(text):
            depth += {'{': 1, '}': -1}.get(text[k], 0)
            if depth == 0:
                break
            k += 1
        text = text[:m.start()] + text[k + 1:]
    text = re.sub(r'#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod \w+;', '', text)
    return text


class Crate:
    def __init__(self, root):
        self.root = root
        self.files = {}  # module path tuple → file
        top = 'lib.rs' if os.path.exists(os.path.join(root, 'lib.rs')) else 'main.rs'
        self.load((), os.path.join(root, top))

    def load(self, module, path):
        self.files[module] = path
        text = strip(open(path).read())
        here = os.path.dirname(path)
        if not (path.endswith('mod.rs') or module == ()):
            here = os.path.join(here, os.path.basename(path)[:-3])
        for m in re.finditer(r'^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;', text, re.M):
            name = m.group(1)
            for candidate in (os.path.join(here, name + '.rs'), os.path.join(here, name, 'mod.rs')):
                if os.path.exists(candidate):
                    self.load(module + (name,), candidate)
                    break
        self.texts = getattr(self, 'texts', {})
        self.texts[module] = text

    def defines(self, module, name):
        text = self.texts[module]
        if (module + (name,)) in self.files:
            return False
        return any(m.group(2) == name for m in ITEM.finditer(text)) or name in MACRO.findall(text)

    def uses(self, module):
        """(path tuple, is_pub, is_glob) for each leaf of each `use` in the module's file."""
        text = self.texts[module]
        for m in USE.finditer(text):
            for path, glob in expand(m.group(2)):
                yield path, bool(m.group(1)), glob

    def absolute(self, module, path):
        """A path as written in `module`, made absolute (a tuple from the crate root), or None."""
        if not path:
            return None
        head, rest = path[0], path[1:]
        if head == 'crate':
            return rest
        if head == 'self':
            return module + rest
        if head == 'super':
            base = module
            while path and path[0] == 'super':
                base, path = base[:-1], path[1:]
            return base + path
        if (module + (head,)) in self.files:
            return module + path
        for used, _, glob in self.uses(module):
            if not glob and used and used[-1] == head and used[0] != head:
                target = self.absolute(module, used)
                if target is not None and target != module + path:
                    return target + rest
        return None

    def resolve(self, path, seen=None):
        """The module file that defines the item at an absolute path, following re-exports."""
        seen = seen or set()
        if path in seen:
            return None
        seen.add(path)
        module = ()
        for i, part in enumerate(path):
            if module + (part,) in self.files:
                module = module + (part,)
                continue
            return self.item(module, part, seen)
        return None  # a module itself: no item is used yet

    def item(self, module, name, seen):
        if self.defines(module, name):
            return module
        for used, _, glob in self.uses(module):
            target = self.absolute(module, used)
            if target is None:
                continue
            if glob:
                found = self.resolve(target + (name,), seen)
            elif used[-1] == name or (len(used) >= 3 and used[-2] == 'as' and used[-1] == name):
                if used[-2:-1] == ('as',):
                    target = self.absolute(module, used[:-2])
                found = self.resolve(target, seen)
            else:
                continue
            if found is not None:
                return found
        return None

    def edges(self):
        graph = {m: set() for m in self.files}
        for module, text in self.texts.items():
            children = {module + (c,) for c in [k[-1] for k in self.files if k[:-1] == module and len(k) == len(module) + 1]}
            paths = []
            for used, is_pub, glob in self.uses(module):
                target = self.absolute(module, used[:-2] if used[-2:-1] == ('as',) else used)
                if target is None:
                    continue
                # A parent's re-export of its own child is its façade, not a use of it.
                if is_pub and any(target[:len(c)] == c for c in children):
                    continue
                if glob:
                    if target in self.files:
                        graph[module].add(target)
                    continue
                paths.append(target)
            body = USE.sub('', text)
            for m in PATH.finditer(body):
                parts = tuple(p.strip() for p in m.group(1).split('::'))
                target = self.absolute(module, parts)
                if target is not None:
                    paths.append(target)
            for path in paths:
                found = self.resolve(path)
                if found is not None and found != module:
                    graph[module].add(found)
        return graph

    def name(self, module):
        return os.path.relpath(self.files[module])


def expand(tree):
    """`a::{b, c::{d, e as f}, *}` → [(('a','b'), False), (('a','c','d'), False), …]."""
    tree = re.sub(r'\s+', ' ', tree).strip()
    out = []

    def walk(prefix, s):
        depth, start, parts = 0, 0, []
        for i, c in enumerate(s):
            if c == '{':
                depth += 1
            elif c == '}':
                depth -= 1
            elif c == ',' and depth == 0:
                parts.append(s[start:i])
                start = i + 1
        parts.append(s[start:])
        for part in (p.strip() for p in parts):
            if not part:
                continue
            if '{' in part:
                head = part[:part.index('{')].strip().rstrip(':').strip()
                inner = part[part.index('{') + 1:part.rindex('}')]
                walk(prefix + tuple(x.strip() for x in head.split('::') if x.strip()), inner)
            elif part == '*':
                out.append((prefix, True))
            else:
                names = [x.strip() for x in part.split('::')]
                last = names[-1].split(' as ')
                names = names[:-1] + [last[0].strip()] + (['as', last[1].strip()] if len(last) > 1 else [])
                if names == ['self']:
                    out.append((prefix, False))
                else:
                    out.append((prefix + tuple(names), False))
    walk((), tree.lstrip(':'))
    return out


def circles(graph):
    """Strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main(roots):
    failed = False
    for root in roots:
        crate = Crate(root)
        graph = crate.edges()
        for component in circles(graph):
            failed = True
            names = [crate.name(m) for m in component]
            links = [f'{crate.name(a)} → {crate.name(b)}' for a in component for b in sorted(graph[a]) if b in component]
            print(f'check-cycles: an import circle between {", ".join(names)}:\n  ' + '\n  '.join(links),
                  file=sys.stderr)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:] or ['src', 'ops/src']))
