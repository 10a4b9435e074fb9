# A python3 workload with deterministic output: big integers, floats,
# json and re. Run natively and under tern; outputs must be identical.
import json
import math
import re
import hashlib

# big integers
f = math.factorial(1500)
print("factorial digits", len(str(f)), "digit sum", sum(map(int, str(f))))
print("pow mod", pow(3, 10**40 + 7, 2**255 - 19))
a = 2**4423 - 1
print("mersenne bits", a.bit_length(), "mod 1e9+7", a % (10**9 + 7))
print("gcd", math.gcd(2**300 * 3**100, 6**150))
print("divmod", divmod(-(10**50) + 12345, 987654321987654321))
x = 1
for i in range(1, 300):
    x = x * i + (x >> 7) ^ i
print("mix", hex(x)[:60], x.bit_length())

# floats
vals = [math.sin(i) * math.exp(i / 50) for i in range(200)]
print("float sum", repr(math.fsum(vals)), repr(sum(vals)))
print("float fns", repr(math.sqrt(2)), repr(math.log(10)), repr(math.atan2(-1, -3)),
      repr(math.pow(1.0001, 10000)), repr(1e308 * 10), repr(math.ldexp(1, -1074)))
print("float fmt", "%.17g %.3e" % (math.pi, 6.02214076e23), (0.1).hex())
print("int/float", int(1e22), float(2**70), round(2.675, 2), 7 // -2, -7 % 3, divmod(-7.5, 2))

# json
data = {"name": "tern", "list": list(range(20)), "nested": {"pi": math.pi, "neg": -0.0,
        "big": 2**80, "u": "caf\u00e9 \u2603"}, "t": True, "n": None}
s = json.dumps(data, sort_keys=True)
print("json", s)
back = json.loads(s)
print("json roundtrip", back == data, hashlib.sha256(s.encode()).hexdigest())

# re
text = " ".join("word%d-%x@example%d.org" % (i, i * 7919, i % 5) for i in range(300))
emails = re.findall(r"[\w-]+@example(\d)\.org", text)
print("re findall", len(emails), emails[:5])
print("re sub", re.sub(r"word(\d+)-([0-9a-f]+)", lambda m: m.group(2)[::-1], text)[:80])
print("re split", re.split(r"[@.]", "a@b.c@d.e"))
m = re.match(r"(?P<w>\w+)(?:-(?P<h>[0-9a-f]+))?", "word12-abc")
print("re groups", m.groupdict())
print("sorted", sorted(text.split())[:3], hashlib.sha256(text.encode()).hexdigest()[:16])
