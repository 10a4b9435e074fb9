#!/bin/sh
# linux-user tests of tern-x86_64: command line errors, bad ELF files,
# exit status (incl. death by signal), real programs, /proc/self/maps,
# execve, signals and threads. Prints TAP. Usage: run-user.sh BUILD_DIR
BUILD=${1:-build}
TERN="$BUILD/tern-x86_64"
SRC=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/tern-user-XXXXXX)
trap 'rm -rf "$T"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }
check() { # check "description" command...: ok when the command succeeds
    d=$1; shift
    if "$@"; then ok "$d"; else notok "$d"; fi
}

if [ ! -x "$TERN" ]; then
    echo "1..0 # SKIP $TERN not built (the CPU core is not in the tree yet)"
    exit 0
fi

# command line
"$TERN" >"$T/out" 2>&1; st=$?
check "no program: exit 1 with one line" [ $st = 1 -a "$(wc -l <"$T/out")" = 1 ]
"$TERN" -nosuch /bin/true >"$T/out" 2>&1; st=$?
check "unknown option: exit 1 naming it" sh -c "[ $st = 1 ] && grep -q -- -nosuch '$T/out'"
"$TERN" -h >"$T/out" 2>&1
check "-h prints usage" grep -q usage "$T/out"

# bad files
printf 'hello\n' >"$T/text"; chmod +x "$T/text"
"$TERN" "$T/text" >"$T/out" 2>&1; st=$?
check "non-ELF: one-line error, exit 1" sh -c "[ $st = 1 ] && grep -q 'not an ELF file' '$T/out' && [ \$(wc -l <'$T/out') = 1 ]"
head -c 100 /bin/true >"$T/trunc"
"$TERN" "$T/trunc" >"$T/out" 2>&1; st=$?
check "truncated ELF: exit 1, no crash" sh -c "[ $st = 1 ] && grep -q truncated '$T/out'"
"$TERN" "$T/missing" >"$T/out" 2>&1; st=$?
check "missing program: exit 1" [ $st = 1 ]

# tiny static programs
cat >"$T/hello.asm" <<'ASM'
bits 64
global _start
section .text
_start:
    mov eax, 1
    mov edi, 1
    lea rsi, [rel msg]
    mov edx, 6
    syscall
    mov eax, 60
    mov edi, 42
    syscall
section .data
msg: db "hello", 10
ASM
if nasm -f elf64 "$T/hello.asm" -o "$T/hello.o" && ld -o "$T/hello" "$T/hello.o"; then
    out=$("$TERN" "$T/hello"); st=$?
    check "static nasm: write and exit status 42" [ "$out" = hello -a $st = 42 ]
    "$TERN" -strace "$T/hello" 2>"$T/strace" >/dev/null
    check "-strace shows the write" grep -q 'write(1,' "$T/strace"
else
    notok "nasm hello could not be built"
fi
cat >"$T/segv.asm" <<'ASM'
bits 64
global _start
_start:
    mov rax, [0]
ASM
nasm -f elf64 "$T/segv.asm" -o "$T/segv.o" && ld -o "$T/segv" "$T/segv.o"
"$TERN" "$T/segv" 2>/dev/null; st=$?
check "a guest SIGSEGV kills tern with SIGSEGV (status $st)" [ $st = 139 ]
cat >"$T/ud2.asm" <<'ASM'
bits 64
global _start
_start:
    ud2
ASM
nasm -f elf64 "$T/ud2.asm" -o "$T/ud2.o" && ld -o "$T/ud2" "$T/ud2.o"
"$TERN" "$T/ud2" 2>/dev/null; st=$?
check "ud2 kills with SIGILL (status $st)" [ $st = 132 ]

# real programs
out=$("$TERN" /bin/busybox echo hi there 2>&1)
check "busybox echo" [ "$out" = "hi there" ]
"$TERN" /bin/true; st=$?
check "dynamic /bin/true exits 0" [ $st = 0 ]
"$TERN" /bin/false; st=$?
check "dynamic /bin/false exits 1" [ $st = 1 ]
"$TERN" /bin/busybox cat /proc/self/maps >"$T/maps" 2>&1
check "/proc/self/maps shows the guest stack" grep -q '\[stack\]' "$T/maps"
check "/proc/self/maps hides the emulator" sh -c "! grep -q tern-x86_64 '$T/maps'"
out=$("$TERN" /bin/busybox sh -c '/bin/busybox echo from-exec; exit 7' 2>&1); st=$?
check "execve from busybox sh, exit status" [ "$out" = from-exec -a $st = 7 ]
out=$("$TERN" /bin/busybox readlink /proc/self/exe 2>&1)
check "/proc/self/exe names the guest program" [ "$out" = /usr/bin/busybox -o "$out" = /bin/busybox ]

# C programs: signals and threads
cat >"$T/sig.c" <<'C'
#include <signal.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
static volatile int got;
static sigjmp_buf jb;
static void on_usr1(int s, siginfo_t *si, void *uc) { got = s + (si->si_signo == s) * 100; }
static void on_segv(int s, siginfo_t *si, void *uc) { got = (long)si->si_addr == 16 ? 2 : -1; siglongjmp(jb, 1); }
int main(void) {
    struct sigaction sa; memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_usr1; sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, 0); raise(SIGUSR1);
    if (got != SIGUSR1 + 100) return 1;
    sa.sa_sigaction = on_segv; sigaction(SIGSEGV, &sa, 0);
    if (!sigsetjmp(jb, 1)) { *(volatile int *)16 = 1; return 2; }
    if (got != 2) return 3;
    got = 0; if (!sigsetjmp(jb, 1)) { *(volatile int *)16 = 1; return 4; }
    if (got != 2) return 5;
    printf("signals ok\n"); return 0;
}
C
cat >"$T/thr.c" <<'C'
#include <pthread.h>
#include <stdio.h>
static long total; static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static void *work(void *a) { for (int i = 0; i < 10000; i++) { pthread_mutex_lock(&m); total++; pthread_mutex_unlock(&m); } return a; }
int main(void) {
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], 0, work, 0);
    for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
    printf("%ld\n", total); return total == 40000 ? 0 : 1;
}
C
if gcc -O1 -o "$T/sig" "$T/sig.c" && gcc -O1 -pthread -o "$T/thr" "$T/thr.c"; then
    out=$("$TERN" "$T/sig" 2>&1); st=$?
    check "signal handlers, siginfo, SIGSEGV recovered twice ($st)" [ "$out" = "signals ok" -a $st = 0 ]
    out=$("$TERN" "$T/thr" 2>&1); st=$?
    check "4 threads with a mutex ($out)" [ "$out" = 40000 -a $st = 0 ]
else
    notok "C test programs could not be built"
fi

# differential programs (tests/user/*.c): same output natively and emulated
diff_prog() { # diff_prog name description [gcc flags...]
    name=$1 d=$2; shift 2
    if ! gcc -O1 -no-pie -Wall -o "$T/$name" "$SRC/$name.c" "$@" 2>"$T/$name.log"; then
        notok "$d: build failed"; sed 's/^/# /' "$T/$name.log"; return
    fi
    (cd "$T" && timeout 60 "./$name" >"$T/$name.nat" 2>&1); nst=$?
    (cd "$T" && timeout 60 "$TERN" "./$name" >"$T/$name.emu" 2>&1); est=$?
    if [ $nst = $est ] && cmp -s "$T/$name.nat" "$T/$name.emu"; then
        ok "$d"
    else
        notok "$d (status native $nst, tern $est)"
        diff "$T/$name.nat" "$T/$name.emu" | head -20 | sed 's/^/# /'
    fi
}
diff_prog faults "fault si_code/si_addr/trapno/err as natively (#GP is SI_KERNEL)"
diff_prog smc-shared "code in shared memory changed by a child, a file alias, shm"
diff_prog sigstate "async signals between chained TBs see the right pc" -O2
diff_prog sigrace "signals just before read/poll/select/sigsuspend are not missed"
diff_prog sigthread "process signals go to a thread that does not block them" -pthread
diff_prog procself "/proc/self/auxv, cmdline, environ show the guest's"
diff_prog stackovf "a stack overflow faults in the guard gap (SEGV_MAPERR)"
diff_prog sigstop "SIGTSTP/SIGTTIN stop the process with that signal"
diff_prog threadsig "pthread_cancel, SIGEV_THREAD timers, setuid with threads" -pthread
diff_prog execmask "execve keeps the signal mask and pending signals; kill right after fork"
if command -v python3 >/dev/null 2>&1; then
    out=$(python3 -c 'import signal, os, sys
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
os.execv(sys.argv[1], sys.argv[1:])' "$TERN" "$T/execmask" inherited 2>&1)
    check "the program inherits tern's blocked signals ($out)" \
        [ "$out" = "inherited: USR1 blocked 1, INT blocked 0" ]
fi

# real programs: the same output natively and under tern-x86_64
diff_cmd() { # diff_cmd description command...
    d=$1; shift
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "ok $((n + 1)) - $d # SKIP $1 is not installed"; n=$((n + 1)); return
    fi
    prog=$(command -v "$1"); shift
    (cd "$T" && timeout 120 "$prog" "$@" >"$T/cmd.nat" 2>&1); nst=$?
    (cd "$T" && timeout 120 "$TERN" "$prog" "$@" >"$T/cmd.emu" 2>&1); est=$?
    if [ $nst = $est ] && cmp -s "$T/cmd.nat" "$T/cmd.emu"; then
        ok "$d"
    else
        notok "$d (status native $nst, tern $est)"
        diff "$T/cmd.nat" "$T/cmd.emu" | head -20 | sed 's/^/# /'
    fi
}
diff_cmd "busybox sh: pipes, subshells, traps, jobs, wait" busybox sh "$SRC/shell-script.sh"
diff_cmd "bash -c: the same script" bash "$SRC/shell-script.sh"
mkdir -p "$T/tree/a/b" && for i in 1 2 3 4 5; do seq 1 $((i * 300)) >"$T/tree/a/f$i.txt"; done
cp "$SRC"/*.c "$T/tree/a/b/"
diff_cmd "find (dynamic) with -name and -exec" find tree -name '*.c' -exec wc -l {} +
diff_cmd "tar czf then tar tzvf" sh -c 'tar czf t.tgz tree && tar tzf t.tgz | sort'
rm -rf "$T/x1"; mkdir "$T/x1"
"$TERN" "$(command -v tar)" xzf "$T/t.tgz" -C "$T/x1" 2>"$T/tar.err"
check "tar xzf under tern restores the tree" diff -r "$T/tree" "$T/x1/tree"
seq 1 300000 >"$T/big.txt"
diff_cmd "xz -9 -T2 with threads, checked by xz -t" sh -c 'xz -9 -T2 --block-size=256KiB -c big.txt >big.xz && xz -t big.xz && xz -dc big.xz | md5sum'
diff_cmd "python3: threads and subprocess" python3 -c '
import threading, subprocess, sys, queue
q = queue.Queue()
ts = [threading.Thread(target=lambda k=k: q.put(sum(range(k * 10000)))) for k in range(8)]
[t.start() for t in ts]; [t.join() for t in ts]
print(sorted(q.get() for _ in ts))
print(subprocess.run(["sh", "-c", "echo sub; exit 4"], capture_output=True).returncode)
print(subprocess.check_output([sys.executable, "-c", "print(6 * 7)"]).decode().strip())'
diff_cmd "perl: hashes, regexps, fork, signals" perl -e '
my %h; $h{$_} = $_ * 2 for 1 .. 5000; print scalar(keys %h), "\n";
my $s = join ",", map { /(\d)$/ ? $1 : () } 1 .. 30; print "$s\n";
$SIG{USR1} = sub { print "usr1\n" }; kill "USR1", $$;
my $pid = fork; if (!$pid) { exit 5 } waitpid $pid, 0; print $? >> 8, "\n";
print `echo backtick`;'

# the process name (/proc/self/comm, what ps shows) is the program's
printf '#!/bin/sh\ncat /proc/$$/comm\n' >"$T/myscript.sh"; chmod +x "$T/myscript.sh"
out=$("$TERN" /bin/cat /proc/self/comm 2>&1)
check "comm of a program is its name ($out)" [ "$out" = cat ]
out=$("$TERN" "$T/myscript.sh" 2>&1)
check "comm of a #! script is the script's name ($out)" [ "$out" = myscript.sh ]
out=$("$TERN" /bin/busybox sh -c 'exec /bin/cat /proc/self/comm' 2>&1)
check "comm after execve ($out)" [ "$out" = cat ]

echo "1..$n"
exit $fail
