# Run by busybox sh (natively and under tern) in an empty directory: every
# applet here is busybox's own. Output is deterministic and relative.
set -e
i=0
while [ $i -lt 2000 ]; do
    echo "$(( (i * 7919) % 1009 )) line$i $(( i % 13 ))"
    i=$((i + 1))
done >data.txt
echo "lines: $(wc -l <data.txt)"
sort -n data.txt | head -3
sort -k3,3n -k1,1nr data.txt | tail -3
sort -u -k3,3 data.txt | wc -l
sed -n 's/^\([0-9]*\) line\(1[0-9]\) .*/\2:\1/p' data.txt | head -5
sed 's/line/L/g; /^5/d' data.txt | sha256sum | cut -c1-16
awk '{ s += $1; c[$3]++ } END { print "sum", s; for (k = 0; k < 13; k++) printf "%d ", c[k]; print "" }' data.txt
awk 'BEGIN { printf "%.6f %d %s %x\n", 10 / 7, 65536 * 32768, substr("emulator", 3, 4), 48879 }'
sha256sum data.txt | cut -d' ' -f1
gzip -9 -c data.txt >data.txt.gz
echo "gzip ok: $(gunzip -c data.txt.gz | cmp - data.txt && echo same)"
gzip -9 -c data.txt | gunzip | sha256sum | cut -d' ' -f1
mkdir -p tree/a/b tree/c
for n in 1 2 3; do echo $n >tree/a/f$n.txt; echo $n$n >tree/a/b/g$n.log; done
echo x >tree/c/h.txt
find tree -name '*.txt' | sort
find tree -type d | sort
find tree -type f -size -2 | sort | wc -l
tr 'a-z' 'A-Z' <tree/c/h.txt
printf '%s\n' c b a | sort -r | tr '\n' ' '; echo
cut -d' ' -f2 data.txt | grep -c '7$'
seq 1 100 | paste -sd+ | bc 2>/dev/null || seq 1 100 | awk '{s+=$1} END {print s}'
od -An -tx1 -N8 data.txt | tr -s ' '
echo done
