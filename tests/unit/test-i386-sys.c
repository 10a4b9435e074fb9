/*
 * System-mode x86 CPU tests: small nasm programs (the .asm files of tests/i386)
 * assembled when the test runs, loaded at 0x7c00 and started from the
 * reset vector (F000:FFF0, where a far jump to 0000:7C00 waits) on a bare
 * machine: RAM, a 64 KiB "BIOS" RAM at 4 GiB - 64 KiB, and test ports:
 *   out 0xf0, eax   record a 32-bit value
 *   out 0xf2, al    raise an external interrupt (vector al) via
 *                   CPU_INTERRUPT_HARD and the CPU's get_irq_vector hook
 *   out 0xf3, al    raise an NMI
 *   out 0xf4, al    end of the program
 * Each program's recorded values are compared with the ones the test
 * expects (written from the SDM, not from a run). Every program runs in a
 * child process, once per TCG backend (x86-64 and TCI), so a crash is one
 * failure and each backend gets a fresh code cache.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec/cpu-exec.h"
#include "exec/cputlb.h"
#include "exec/memory.h"
#include "tap.h"
#include "target/i386/cpu.h"
#include "util/log.h"
#include "util/main-loop.h"

#ifndef I386_TEST_SRCDIR
#error "I386_TEST_SRCDIR: the tests/i386 source directory"
#endif

#define RAM_SIZE (16u << 20)
#define MAX_VALS 64

typedef struct RunResult {
    uint32_t vals[MAX_VALS];
    int nvals;
    bool done;
    int triple_faults;
    bool halted;     /* stopped in HLT with nothing to wake it */
    bool timeout;
    uint64_t eip;
    uint32_t cs;
} RunResult;

static RunResult res;
static X86CPU *cpu;
static int pending_vector = -1;
static int irq_acks;

static void test_port_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    CPUState *cs = &cpu->parent;

    switch (addr) {
    case 0: /* 0xf0 */
        if (res.nvals < MAX_VALS) {
            res.vals[res.nvals++] = (uint32_t)data;
        }
        break;
    case 2: /* 0xf2 */
        pending_vector = data & 0xff;
        cpu_interrupt(cs, CPU_INTERRUPT_HARD);
        break;
    case 3: /* 0xf3 */
        cpu_interrupt(cs, CPU_INTERRUPT_NMI);
        break;
    case 4: /* 0xf4 */
        res.done = true;
        cpu_exit(cs);
        break;
    }
}

static uint64_t test_port_read(void *opaque, hwaddr addr, unsigned size)
{
    return irq_acks;
}

static const MemoryRegionOps test_port_ops = {
    .read = test_port_read,
    .write = test_port_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* the board's interrupt controller: one pending vector */
static int fake_get_irq_vector(CPUState *cs)
{
    int v = pending_vector;

    pending_vector = -1;
    cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
    if (v >= 0) {
        irq_acks++;
    }
    return v;
}

static void fake_triple_fault(CPUState *cs)
{
    res.triple_faults++;
    res.done = true; /* a real board would reset */
}

static bool assemble(const char *name, const char *out)
{
    char cmd[1024];

    snprintf(cmd, sizeof(cmd), "nasm -f bin -I %s/ -o %s %s/%s.asm", I386_TEST_SRCDIR, out,
             I386_TEST_SRCDIR, name);
    return system(cmd) == 0;
}

/* child: run program name on one backend, results into res */
static void run_program(const char *bin, bool tci)
{
    static MemoryRegion ram, bios, ports;
    FILE *f = fopen(bin, "rb");

    if (!f) {
        exit(3);
    }
    /* TEST_I386_LOG=int,in_asm,... logs to stderr while debugging */
    if (getenv("TEST_I386_LOG")) {
        log_mask = log_parse_items(getenv("TEST_I386_LOG"));
    }
    tcg_exec_init(32u << 20, tci);
    bql_lock();
    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, NULL);
    memory_region_init_ram(&bios, NULL, "bios", 0x10000, NULL);
    memory_region_init_io(&ports, NULL, &test_port_ops, NULL, "test-ports", 5);
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    memory_region_add_subregion(get_system_memory(), 0xffff0000ull, &bios);
    memory_region_add_subregion(get_system_io(), 0xf0, &ports);
    bql_unlock();

    uint8_t *host = memory_region_get_ram_ptr(&ram);
    size_t n = fread(host + 0x7c00, 1, RAM_SIZE - 0x7c00, f);
    fclose(f);
    if (n == 0) {
        exit(3);
    }
    static const uint8_t reset_jump[] = { 0xea, 0x00, 0x7c, 0x00, 0x00 }; /* jmp 0:7c00 */
    memcpy((uint8_t *)memory_region_get_ram_ptr(&bios) + 0xfff0, reset_jump, sizeof(reset_jump));

    cpu = x86_cpu_new(0);
    CPUState *cs = &cpu->parent;
    cpu->get_irq_vector = fake_get_irq_vector;
    x86_triple_fault_hook = fake_triple_fault;
    tlb_init(cs, &address_space_memory);

    for (int i = 0; i < 200000 && !res.done; i++) {
        int r = x86_cpu_exec(cs);
        if (r == EXCP_HLT && !res.done) {
            if (!cs->interrupt_request) {
                res.halted = true;
                break;
            }
        }
        if (i == 200000 - 1) {
            res.timeout = true;
        }
    }
    res.eip = cpu->env.eip;
    res.cs = cpu->env.segs[R_CS].selector;
}

typedef struct TestProg {
    const char *name;
    const char *what;
    int nvals;
    uint32_t vals[MAX_VALS];
    int triple_faults;
} TestProg;

static const TestProg progs[] = {
    { "real", "real mode: reset vector, arithmetic, far JMP/CALL/RETF, IVT INT/IRET", 9,
      { 0x0000, 0x1b00, 0x00015f90, 0x07c0, 0x07c0, 0x0000, 0xbeef, 0x40, 0x1234 } },
    { "pmode", "16/32-bit protected mode, segment bases, #GP/#NP on bad selectors", 10,
      { 0x10, 0x12345678, 0x28, 0xabcd, 0x08, 0x80, 0x0d, 0x000b0048, 0x10, 0x0d } },
    { "paging", "2-level and PAE paging, #PF error codes and CR2, A/D bits, NX", 15,
      { 1, 0x500123, 0, 0xcafe0001, 0x50010, 3, 0x55aa, 0x60, 0x20, 0x50, 0x800000, 0x02,
        0x600000, 0x11, 0x99 } },
    { "callgate", "call gate to ring 0 and RETF back, IRET to ring 3, INT via the TSS stack", 10,
      { 3, 0, 0x77, 0x10, 3, 0x6000, 0x8fec, 0x1b, 0x0d, 0x81 * 8 + 2 } },
    { "task", "task switch by JMP/CALL to a TSS and task gate, IRET with NT", 9,
      { 0x22220000, 0, 0x11110000, 0x22220001, 0x4000, 0x40, 0x11110001, 0, 0x40 } },
    { "vm86", "IRET to VM86, #GP on CLI/INT n at IOPL 0, stacked VM86 frame", 8,
      { 0, 0, 0x2a, 0x20000, 0x1000, 0, 3 * 8 + 2, 0x07c0 } },
    { "long", "long mode entry, 64-bit IDT with IST, IRETQ to ring 3, SYSCALL/SYSRET", 10,
      { 64, 0x20, 0x90000 - 5 * 8, 0x30, 3, 0, 1, 0x3200, 0, 3 } },
    { "irq", "external interrupts and NMI: IF, STI shadow, HLT wakeup", 7,
      { 0, 0x21, 1, 0x22, 1, 2, 0x99 } },
    { "io", "I/O bitmap of the TSS at CPL 3, REP OUTSB, IN; LMSW/SMSW/CLTS", 10,
      { 8, 0, 0x33, 0x11, 0x22, 0x33, 0, 0, 0, 0x0d } },
    { "triple", "#DF on a fault while delivering #GP, then a triple fault", 2, { 0, 0x08 },
      1 },
};

/* run bin on a backend in a child; false if the child failed */
static bool run_in_child(const char *bin, bool tci, RunResult *r, int *status)
{
    int fds[2];

    memset(r, 0, sizeof(*r));
    *status = -1;
    if (pipe(fds) != 0) {
        return false;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        alarm(20);
        run_program(bin, tci);
        if (write(fds[1], &res, sizeof(res)) != (ssize_t)sizeof(res)) {
            _exit(4);
        }
        _exit(0);
    }
    close(fds[1]);
    ssize_t got = read(fds[0], r, sizeof(*r));
    close(fds[0]);
    waitpid(pid, status, 0);
    return got == (ssize_t)sizeof(*r) && WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
}

/*
 * Whether a backend runs system-mode code: generated loads and stores
 * must go through the softmmu TLB (tcg_ctx->softmmu), which the backends
 * learn separately. A backend that cannot run the one-load probe gets its
 * tests reported as skipped, with the reason.
 */
static bool backend_has_softmmu(bool tci, const char *dir)
{
    char bin[512];
    RunResult r;
    int status;

    snprintf(bin, sizeof(bin), "%s/probe.bin", dir);
    if (!assemble("probe", bin)) {
        return false;
    }
    bool ok = run_in_child(bin, tci, &r, &status) && r.done && r.nvals == 1 &&
              r.vals[0] == 0x5a5a1234;
    unlink(bin);
    return ok;
}

static bool have_softmmu[2];

/* parent: run prog on a backend in a child, compare */
static void check_prog(const TestProg *p, bool tci, const char *bin)
{
    const char *be = tci ? "tci" : "x86_64";
    RunResult r;
    int status;

    if (!have_softmmu[tci]) {
        printf("ok %d - %s on %s # SKIP the %s backend has no softmmu TLB support yet\n",
               ++tap_count, p->what, be, be);
        return;
    }
    if (!run_in_child(bin, tci, &r, &status)) {
        tap_ok(false, "%s on %s: %s", p->what, be, "the child crashed or failed");
        tap_diag("status %#x", status);
        return;
    }
    bool ok = r.done && !r.timeout && r.nvals == p->nvals &&
              memcmp(r.vals, p->vals, sizeof(uint32_t) * p->nvals) == 0 &&
              r.triple_faults == p->triple_faults;
    tap_ok(ok, "%s on %s", p->what, be);
    if (!ok) {
        tap_diag("done=%d halted=%d timeout=%d triple=%d cs=%04x eip=%#llx", r.done, r.halted,
                 r.timeout, r.triple_faults, r.cs, (unsigned long long)r.eip);
        for (int i = 0; i < r.nvals || i < p->nvals; i++) {
            tap_diag("  value %d: got %#x expected %#x", i, i < r.nvals ? r.vals[i] : 0xdeadu,
                     i < p->nvals ? p->vals[i] : 0xdeadu);
        }
    }
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    char dir[] = "/tmp/test-i386-sys.XXXXXX";

    if (!mkdtemp(dir)) {
        tap_ok(false, "temporary directory");
        return tap_done();
    }
    have_softmmu[0] = backend_has_softmmu(false, dir);
    have_softmmu[1] = backend_has_softmmu(true, dir);
    for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
        const TestProg *p = &progs[i];
        char bin[512];

        if (only && strcmp(only, p->name) != 0) {
            continue;
        }
        snprintf(bin, sizeof(bin), "%s/%s.bin", dir, p->name);
        if (!tap_ok(assemble(p->name, bin), "nasm assembles %s.asm", p->name)) {
            continue;
        }
        check_prog(p, false, bin);
        check_prog(p, true, bin);
        unlink(bin);
    }
    rmdir(dir);
    return tap_done();
}
