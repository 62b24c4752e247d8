#!/usr/bin/env python3
"""make lint: no file in src/ or ops/src/ over 400 lines and no function over 60 lines, test
modules (`#[cfg(test)] mod tests`, `tests.rs`) left out. Counted on the text: braces inside
string and character literals and after `//` are skipped. Prints each excess; exits 1 if any."""
import glob
import re
import sys

MAX_FILE_LINES = 400
MAX_FN_LINES = 60
def strip_tests(s):
    m=re.search(r'\n#\[cfg\(test\)\]\s*\nmod tests\s*\{', s)
    return s[:m.start()+1] if m else s
def code_braces(line, state):
    # returns brace delta, ignoring strings and line comments; state = in raw/normal string
    d=0; i=0; ins=state
    while i<len(line):
        c=line[i]
        if ins:
            if c=='\\': i+=2; continue
            if c=='"': ins=False
        else:
            if line.startswith('//',i): break
            if c=='"': ins=True
            elif c=="'" and i+2<len(line) and line[i+2]=="'": i+=3; continue
            elif c=="'" and i+3<len(line) and line[i+1]=='\\' and line[i+3]=="'": i+=4; continue
            elif c=='{': d+=1
            elif c=='}': d-=1
        i+=1
    return d, ins
excess = []
for root in sys.argv[1:] or ['src','ops/src']:
    for p in sorted(glob.glob(root+'/**/*.rs',recursive=True)):
        if p.endswith('/tests.rs'): continue
        s=strip_tests(open(p).read())
        n=s.count('\n')
        if n > MAX_FILE_LINES:
            excess.append(f'{p}: {n} lines')
        lines=s.split('\n')
        for i,l in enumerate(lines):
            if re.match(r'\s*(pub(\([^)]*\))? )?(const )?(async )?fn \w+',l):
                j=i
                while j<len(lines) and '{' not in lines[j] and not lines[j].rstrip().endswith(';'): j+=1
                if j>=len(lines) or lines[j].rstrip().endswith(';'): continue
                d=0;k=j;ins=False;started=False
                while k<len(lines):
                    dd,ins=code_braces(lines[k],ins); d+=dd
                    if d>0: started=True
                    if started and d<=0: break
                    k+=1
                if k - i + 1 > MAX_FN_LINES:
                    excess.append(f'{p}:{i + 1}: {l.strip()[:70]} is {k - i + 1} lines')

for line in excess:
    print(f"check-sizes: {line}", file=sys.stderr)
sys.exit(1 if excess else 0)
