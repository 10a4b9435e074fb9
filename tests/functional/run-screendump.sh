#!/bin/sh
# The SeaBIOS text screen through the monitor's screendump: the text
# (screendump FILE -f txt, the console's text API) holds the banner
# "SeaBIOS (version", and the image (screendump FILE, PPM) is the 720x400
# rendering of that same text: every character cell of the banner's row
# that holds a non-blank character has lit pixels, and blank cells have
# none. TAP output.
#   tests/functional/run-screendump.sh BUILDDIR
B=${1:-build}/tern-system-x86_64
T=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$T"' EXIT

if [ ! -x "$B" ] || ! command -v python3 >/dev/null; then
    echo "not ok 1 - needs $B and python3"
    exit 1
fi

timeout 60 "$B" -display none -serial none -monitor "unix:$T/mon.sock,server=on,wait=off" \
    </dev/null >"$T/out" 2>&1 &
pid=$!
cat >"$T/check.py" <<'PY'
import socket, sys, time, os
sock, d = sys.argv[1], sys.argv[2]
n = 0
failed = False
def ok(cond, desc):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, desc))
    failed |= not cond
s = socket.socket(socket.AF_UNIX)
for i in range(100):
    try:
        s.connect(sock); break
    except OSError:
        time.sleep(0.1)
s.settimeout(0.5)
def cmd(c):
    s.sendall((c + '\n').encode())
    out = b''
    try:
        while not out.endswith(b'(tern) '):
            d_ = s.recv(65536)
            if not d_: break
            out += d_
    except socket.timeout:
        pass
    return out.decode(errors='replace')
cmd('')
txt = os.path.join(d, 'screen.txt')
text = ''
deadline = time.time() + 40
while time.time() < deadline:
    r = cmd('screendump %s -f txt' % txt)
    if os.path.exists(txt):
        text = open(txt, errors='replace').read()
        if 'SeaBIOS (version' in text:
            break
    time.sleep(0.3)
ok('SeaBIOS (version' in text, 'text screen holds the SeaBIOS banner')
rows = text.split('\n')
ok(len(rows) >= 25 and rows[25:] in ([], ['']) and all(len(r) <= 80 for r in rows[:25]),
   'text screen is 25 rows of at most 80 characters (trailing blanks trimmed)')
ppm = os.path.join(d, 'screen.ppm')
# the image is compared with the text, so both must show the same screen:
# while SeaBIOS is still printing (slowly, e.g. under ASan), dump again
for attempt in range(40):
    cmd('screendump %s -f txt' % txt)
    text = open(txt, errors='replace').read()
    r = cmd('screendump %s' % ppm)
    r2 = cmd('screendump %s -f txt' % txt)
    text2 = open(txt, errors='replace').read()
    if text == text2:
        break
    time.sleep(0.5)
data = open(ppm, 'rb').read() if os.path.exists(ppm) else b''
parts = data.split(b'\n', 3)
ok(len(parts) == 4 and parts[0] == b'P6', 'screendump writes a P6 PPM')
if len(parts) == 4 and parts[0] == b'P6':
    w, h = map(int, parts[1].split())
    px = parts[3]
    ok((w, h) == (720, 400), 'image is 720x400 (80x25 cells of 9x16), got %dx%d' % (w, h))
    ok(text == text2, 'text unchanged around the image dump')
    row = [i for i, r_ in enumerate(text2.split('\n')) if 'SeaBIOS (version' in r_]
    if (w, h) == (720, 400) and row:
        y0 = row[0] * 16
        line = text2.split('\n')[row[0]].ljust(80)
        bg = px[(y0 * w) * 3:(y0 * w) * 3 + 3]
        good = 0
        for c in range(80):
            lit = False
            for y in range(y0, y0 + 16):
                for x in range(c * 9, c * 9 + 9):
                    if px[(y * w + x) * 3:(y * w + x) * 3 + 3] != bg:
                        lit = True
            good += (lit == (line[c] != ' '))
        ok(good == 80, 'image cells of the banner row match its text (%d/80 cells)' % good)
    else:
        ok(False, 'image cells of the banner row match its text')
cmd('quit')
print('1..%d' % n)
sys.exit(1 if failed else 0)
PY
timeout 50 python3 "$T/check.py" "$T/mon.sock" "$T"
rc=$?
wait $pid
exit $rc
