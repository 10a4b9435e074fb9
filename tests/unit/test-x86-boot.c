/*
 * Direct kernel boot (hw/i386/x86-boot.c) on a bare machine: 128 MiB of
 * RAM from the memory API, an X86CPU, test ports and a minimal serial
 * transmitter.
 *
 * - Debian's bzImage (fetched into the cache by scripts/fetch-guest.sh,
 *   which this test runs: no kernel is a failure, never a skip): the
 *   boot_params fields, e820, command line, initrd placement and bytes,
 *   the loaded kernel, the GDT and the CPU state the boot protocol
 *   documents; then the CPU runs it with earlyprintk on the serial port
 *   until the kernel prints its "Linux version" banner.
 * - Rejections: truncated, corrupt, not a kernel, protocol 2.11, a too
 *   long command line, too little RAM for the kernel or the initrd.
 * - A Multiboot ELF kernel built by nasm + ld: its segments, bss, the info
 *   structure (memory, map, command line, module, loader name) and EAX/EBX,
 *   then the kernel itself runs and reports what it saw on a test port.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec/cpu-exec.h"
#include "exec/cputlb.h"
#include "exec/memory.h"
#include "hw/i386/x86-boot.h"
#include "tap.h"
#include "target/i386/cpu.h"
#include "util/log.h"
#include "util/main-loop.h"

#ifndef TERN_SRCDIR
#error "TERN_SRCDIR: the source tree (for scripts/fetch-guest.sh)"
#endif

#define RAM_SIZE (128u << 20)
#define MAX_VALS 32

static MemoryRegion ram_mr, ports_mr, serial_mr;
static uint8_t *ram;
static X86CPU *cpu;
static char tmpdir[] = "/tmp/test-x86-boot.XXXXXX";

static uint32_t vals[MAX_VALS];
static int nvals;
static bool done;
static char serial_out[64 * 1024];
static size_t serial_len;

static void port_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    if (addr == 0 && nvals < MAX_VALS) {
        vals[nvals++] = data;
    } else if (addr == 4) {
        done = true;
        cpu_exit(&cpu->parent);
    }
}

static uint64_t port_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static const MemoryRegionOps port_ops = {
    .read = port_read,
    .write = port_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* a 16550 as far as an early console needs: THR, and LSR always empty */
static const char *serial_stop; /* stop the CPU once the output shows this */

static void serial_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    if (addr == 0 && serial_len < sizeof(serial_out) - 1) {
        serial_out[serial_len++] = data;
        serial_out[serial_len] = 0;
        if (serial_stop && data == '\n' && strstr(serial_out, serial_stop)) {
            cpu_exit(&cpu->parent);
        }
    }
}

static uint64_t serial_read(void *opaque, hwaddr addr, unsigned size)
{
    return addr == 5 ? 0x60 : 0; /* LSR: THRE | TEMT */
}

static const MemoryRegionOps serial_ops = {
    .read = serial_read,
    .write = serial_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static const X86BootE820Entry std_e820[] = {
    { 0, 0x9fc00, E820_RAM },
    { 0x9fc00, 0x400, E820_RESERVED },
    { 0xf0000, 0x10000, E820_RESERVED },
    { 0x100000, RAM_SIZE - 0x100000, E820_RAM },
    { 0xfffc0000, 0x40000, E820_RESERVED },
};
#define STD_E820_N (sizeof(std_e820) / sizeof(std_e820[0]))

static uint16_t rd16(uint64_t a)
{
    return ram[a] | ram[a + 1] << 8;
}
static uint32_t rd32(uint64_t a)
{
    return rd16(a) | (uint32_t)rd16(a + 2) << 16;
}
static uint64_t rd64(uint64_t a)
{
    return rd32(a) | (uint64_t)rd32(a + 4) << 32;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;

    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(n + 1);
    if (fread(buf, 1, n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

static char *write_tmp(const char *name, const void *data, size_t len)
{
    static char paths[16][600];
    static int next;
    char *p = paths[next++ % 16];
    FILE *f;

    snprintf(p, 600, "%s/%s", tmpdir, name);
    f = fopen(p, "wb");
    if (!f || fwrite(data, 1, len, f) != len) {
        tap_diag("cannot write %s", p);
    }
    if (f) {
        fclose(f);
    }
    return p;
}

/* for the load()s below: RAM fill, the RSDP address handed to the kernel */
static uint8_t ram_fill = 0xaa;
static uint64_t rsdp_addr = 0xf5a40;

static void reset_machine(void)
{
    memset(ram, ram_fill, RAM_SIZE); /* so that zeroed bss and untouched bytes differ */
    x86_cpu_reset(cpu);
    tlb_flush(&cpu->parent);
    tb_flush(&cpu->parent); /* RAM was rewritten behind the code cache */
    nvals = 0;
    done = false;
    serial_len = 0;
    serial_out[0] = 0;
}

/* Load; on failure return the message (malloc'd) in *msg. */
static bool load(const char *kernel, const char *initrd, const char *cmdline,
                 const X86BootE820Entry *e820, unsigned n, X86BootInfo *info, char **msg)
{
    X86BootConfig cfg = {
        .kernel_filename = kernel,
        .initrd_filename = initrd,
        .cmdline = cmdline,
        .e820 = e820,
        .e820_entries = n,
        .acpi_rsdp_addr = rsdp_addr,
    };
    Error *err = NULL;
    bool ok;

    reset_machine();
    ok = x86_boot_load(&cfg, &address_space_memory, cpu, info, &err);
    *msg = NULL;
    if (!ok) {
        *msg = strdup(err ? error_get_pretty(err) : "(no message)");
        error_free(err);
    }
    return ok;
}

/* Loading fails, with a message that contains `want`. */
static void expect_reject(const char *what, const char *kernel, const char *initrd,
                          const char *cmdline, const X86BootE820Entry *e820, unsigned n,
                          const char *want)
{
    char *msg;
    bool ok = load(kernel, initrd, cmdline, e820, n, NULL, &msg);

    tap_ok(!ok && msg && strstr(msg, want), "rejects %s", what);
    tap_diag("  %s", msg ? msg : "(loaded)");
    free(msg);
}

static bool seg_is_flat(int seg, uint32_t sel, bool code)
{
    SegmentCache *s = &cpu->env.segs[seg];

    return s->selector == sel && s->base == 0 && s->limit == 0xffffffff &&
           (s->flags & DESC_P_MASK) && (s->flags & DESC_S_MASK) && (s->flags & DESC_B_MASK) &&
           !!(s->flags & DESC_CS_MASK) == code && (s->flags & DESC_G_MASK);
}

/* the GDT descriptor at sel decodes to a flat 4 GiB present segment */
static bool gdt_entry_flat(uint32_t sel, bool code)
{
    uint64_t gdt = cpu->env.gdt.base;
    uint64_t d = rd64(gdt + sel);
    uint32_t limit = (d & 0xffff) | ((d >> 32) & 0xf0000);
    uint32_t base = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000);
    unsigned type = (d >> 40) & 0xf;

    return sel + 7 <= cpu->env.gdt.limit && limit == 0xfffff && base == 0 && (d >> 55 & 1) &&
           (d >> 54 & 1) && (d >> 47 & 1) && (d >> 44 & 1) &&
           (code ? (type & 0xa) == 0xa : (type & 0xa) == 0x2);
}

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
    timed_out = 1;
    cpu_exit(&cpu->parent);
}

/*
 * Run the CPU until the test port says done, the serial output shows
 * `until`, or `seconds` of host time pass (a SIGALRM asks the CPU loop to
 * return, like any exit request).
 */
static void run_cpu(const char *until, int seconds)
{
    CPUState *cs = &cpu->parent;

    serial_stop = until;
    timed_out = 0;
    signal(SIGALRM, on_alarm);
    alarm(seconds);
    while (!done && !timed_out) {
        int r = x86_cpu_exec(cs);
        if (until && strstr(serial_out, until)) {
            break;
        }
        if (r == EXCP_HLT && !cs->interrupt_request) {
            break;
        }
    }
    alarm(0);
    serial_stop = NULL;
}

static void test_bzimage(void)
{
    char kernel[1024] = "";
    FILE *p = popen(TERN_SRCDIR "/scripts/fetch-guest.sh kernel", "r");

    if (p) {
        if (!fgets(kernel, sizeof(kernel), p)) {
            kernel[0] = 0;
        }
        kernel[strcspn(kernel, "\n")] = 0;
        if (pclose(p) != 0) {
            kernel[0] = 0;
        }
    }
    if (!tap_ok(kernel[0] && access(kernel, R_OK) == 0,
                "scripts/fetch-guest.sh provides Debian's kernel")) {
        return;
    }
    tap_diag("kernel %s", kernel);

    size_t klen;
    uint8_t *k = slurp(kernel, &klen);
    if (!tap_ok(k && klen > 0x1000, "read the bzImage")) {
        free(k);
        return;
    }

    /* an initrd with an odd size and recognisable bytes */
    size_t ilen = (1u << 20) + 123;
    uint8_t *ird = malloc(ilen);
    for (size_t i = 0; i < ilen; i++) {
        ird[i] = (uint8_t)(i * 7 + (i >> 11));
    }
    char *initrd = write_tmp("initrd.img", ird, ilen);
    const char *cmdline = "console=ttyS0 earlyprintk=serial,ttyS0,115200 panic=-1 tern.test=1";

    X86BootInfo info;
    char *msg;
    bool ok = load(kernel, initrd, cmdline, std_e820, STD_E820_N, &info, &msg);
    tap_ok(ok, "loads Debian's bzImage with an initrd and a command line");
    if (!ok) {
        tap_diag("%s", msg);
        free(msg);
        goto out;
    }

    const uint64_t bp = X86_BOOT_PARAMS_ADDR;
    unsigned setup_sects = k[0x1f1] ? k[0x1f1] : 4;
    size_t setup_size = (setup_sects + 1) * 512;
    uint32_t init_size = rd32(bp + 0x260);
    uint64_t pref = rd64(bp + 0x258);
    tap_ok(info.protocol == (k[0x206] | k[0x207] << 8) && info.protocol >= 0x20c,
           "boot protocol %u.%02u reported", info.protocol >> 8, info.protocol & 0xff);
    tap_ok(memcmp(ram + bp + 0x202, "HdrS", 4) == 0 && rd16(bp + 0x1fe) == 0xaa55,
           "boot_params carries the setup header (HdrS, boot flag)");
    /* the header copy equals the file except the fields the loader writes */
    size_t hdr_end = 0x202 + k[0x201];
    bool same = true;
    for (size_t off = 0x1f1; off < hdr_end; off++) {
        bool written = off == 0x210 || off == 0x211 || (off >= 0x214 && off < 0x220) ||
                       (off >= 0x224 && off < 0x22c);
        if (!written && ram[bp + off] != k[off]) {
            tap_diag("header byte 0x%zx: 0x%02x, file 0x%02x", off, ram[bp + off], k[off]);
            same = false;
        }
    }
    tap_ok(same, "the rest of the setup header is the file's (0x1f1..0x%zx)", hdr_end);
    tap_ok(ram[bp + 0x210] == 0xff, "type_of_loader 0xff");
    tap_ok((ram[bp + 0x211] & 0x81) == 0x81 && !(ram[bp + 0x211] & 0x60),
           "loadflags: LOADED_HIGH and CAN_USE_HEAP, not QUIET/KEEP_SEGMENTS (0x%02x)",
           ram[bp + 0x211]);
    tap_ok(ram[bp + 0x1ef] == 0, "sentinel byte 0x1ef is zero");
    tap_ok(rd32(bp + 0x228) == X86_BOOT_CMDLINE_ADDR &&
               strcmp((char *)ram + X86_BOOT_CMDLINE_ADDR, cmdline) == 0,
           "cmd_line_ptr points at the command line");
    tap_ok(rd64(bp + 0x70) == 0xf5a40, "acpi_rsdp_addr");
    tap_ok(ram[bp + 0x06] == 3 && ram[bp + 0x07] == 80 && ram[bp + 0x0e] == 25 &&
               ram[bp + 0x0f] == 1 && rd16(bp + 0x10) == 16,
           "screen_info: 80x25 VGA text");

    bool e820_ok = ram[bp + 0x1e8] == STD_E820_N;
    for (unsigned i = 0; e820_ok && i < STD_E820_N; i++) {
        uint64_t e = bp + 0x2d0 + i * 20;
        e820_ok = rd64(e) == std_e820[i].addr && rd64(e + 8) == std_e820[i].size &&
                  rd32(e + 16) == std_e820[i].type;
    }
    tap_ok(e820_ok, "e820 table: %u entries as the board gave them", ram[bp + 0x1e8]);

    /* the kernel: at its preferred address (it is relocatable and RAM is large enough) */
    uint64_t load_addr = rd32(bp + 0x214);
    tap_ok(k[0x234] && load_addr == pref && info.kernel_addr == pref,
           "relocatable kernel loaded at its preferred address 0x%llx", (unsigned long long)pref);
    tap_ok(memcmp(ram + load_addr, k + setup_size, klen - setup_size) == 0,
           "the protected-mode kernel (0x%zx bytes after %u setup sectors) is in RAM",
           klen - setup_size, setup_sects);

    uint64_t rd_addr = rd32(bp + 0x218), rd_size = rd32(bp + 0x21c);
    uint64_t rd_max = (uint64_t)rd32(bp + 0x22c) + 1;
    tap_ok(rd_size == ilen && rd_addr % 4096 == 0 && rd_addr + rd_size <= RAM_SIZE &&
               rd_addr + rd_size <= rd_max && rd_addr >= load_addr + init_size &&
               RAM_SIZE - (rd_addr + rd_size) < 4096,
           "initrd at 0x%llx: page-aligned at the top of RAM, above the kernel's init_size",
           (unsigned long long)rd_addr);
    tap_ok(rd_addr + rd_size <= RAM_SIZE && memcmp(ram + rd_addr, ird, ilen) == 0,
           "initrd bytes in RAM");

    CPUX86State *env = &cpu->env;
    tap_ok((env->cr[0] & CR0_PE_MASK) && !(env->cr[0] & CR0_PG_MASK) && !(env->efer & EFER_LMA),
           "CPU: protected mode, paging off");
    tap_ok(seg_is_flat(R_CS, 0x10, true) && seg_is_flat(R_DS, 0x18, false) &&
               seg_is_flat(R_ES, 0x18, false) && seg_is_flat(R_SS, 0x18, false),
           "CPU: CS=__BOOT_CS 0x10, DS=ES=SS=__BOOT_DS 0x18, flat 4 GiB");
    tap_ok(gdt_entry_flat(0x10, true) && gdt_entry_flat(0x18, false),
           "the GDT in memory holds the flat code and data descriptors");
    tap_ok(env->eip == load_addr && env->regs[R_ESI] == bp && env->regs[R_EBX] == 0 &&
               env->regs[R_EBP] == 0 && env->regs[R_EDI] == 0,
           "CPU: EIP=code32_start, ESI=boot_params, EBX=EBP=EDI=0");
    tap_ok(!(cpu_compute_eflags(env) & (IF_MASK | VM_MASK)) &&
               (env->hflags & (HF_CS32_MASK | HF_SS32_MASK | HF_PE_MASK)) ==
                   (HF_CS32_MASK | HF_SS32_MASK | HF_PE_MASK) &&
               (env->hflags & HF_CPL_MASK) == 0,
           "CPU: interrupts off, 32-bit code and stack, CPL 0");

    /*
     * Now run it: the decompressor, then the kernel's early console. On
     * zeroed RAM, as after power-on, and without ACPI (the decompressor
     * would parse tables at the RSDP; this machine has none).
     */
    ram_fill = 0;
    rsdp_addr = 0;
    ok = load(kernel, initrd, cmdline, std_e820, STD_E820_N, &info, &msg);
    ram_fill = 0xaa;
    rsdp_addr = 0xf5a40;
    if (!ok) {
        tap_diag("%s", msg);
        free(msg);
    }
    /* TEST_X86_BOOT_UNTIL=STRING runs further (120 s at most) and shows the console */
    const char *until = getenv("TEST_X86_BOOT_UNTIL");
    if (until && !*until) {
        until = NULL;
    }
    run_cpu(until ? until : "Linux version", until ? 120 : 60);
    if (until) {
        printf("%s\n", serial_out);
    }
    bool banner = strstr(serial_out, "Linux version") != NULL;
    tap_ok(banner, "the kernel runs and prints its banner on the early serial console");
    if (!banner) {
        tap_diag("serial: %.2000s", serial_out);
        tap_diag("eip %#llx cr0 %#llx", (unsigned long long)env->eip,
                 (unsigned long long)env->cr[0]);
        if (env->eip < RAM_SIZE - 16) {
            char hex[64];
            for (int i = 0; i < 16; i++) {
                snprintf(hex + i * 3, 4, "%02x ", ram[env->eip + i]);
            }
            tap_diag("code at eip: %s", hex);
        }
        for (int i = 0; i < 16; i += 4) {
            tap_diag("r%d..: %#llx %#llx %#llx %#llx", i, (unsigned long long)env->regs[i],
                     (unsigned long long)env->regs[i + 1], (unsigned long long)env->regs[i + 2],
                     (unsigned long long)env->regs[i + 3]);
        }
    } else {
        char *l = strstr(serial_out, "Linux version");
        tap_diag("%.*s", (int)strcspn(l, "\r\n"), l);
    }

    /* rejections, from variants of the same file */
    char *bad;
    bad = write_tmp("truncated", k, klen / 2);
    expect_reject("a truncated bzImage", bad, NULL, "", std_e820, STD_E820_N, "truncated");
    bad = write_tmp("short", k, 0x300);
    expect_reject("a bzImage cut inside its setup code", bad, NULL, "", std_e820, STD_E820_N,
                  "truncated");
    uint8_t save = k[0x1fe];
    k[0x1fe] = 0;
    bad = write_tmp("corrupt", k, klen);
    k[0x1fe] = save;
    expect_reject("a corrupt setup header (no boot flag)", bad, NULL, "", std_e820, STD_E820_N,
                  "corrupt");
    uint8_t v0 = k[0x206], v1 = k[0x207];
    k[0x206] = 0x0b;
    k[0x207] = 0x02;
    bad = write_tmp("old", k, klen);
    k[0x206] = v0;
    k[0x207] = v1;
    expect_reject("boot protocol 2.11", bad, NULL, "", std_e820, STD_E820_N, "2.12");

    char longcmd[5000];
    memset(longcmd, 'x', sizeof(longcmd) - 1);
    longcmd[sizeof(longcmd) - 1] = 0;
    expect_reject("a command line longer than cmdline_size", kernel, NULL, longcmd, std_e820,
                  STD_E820_N, "command line");

    X86BootE820Entry small[STD_E820_N];
    memcpy(small, std_e820, sizeof(small));
    small[3].size = 32u << 20; /* 1..33 MiB: the kernel needs pref + init_size */
    expect_reject("a kernel larger than RAM", kernel, NULL, "", small, STD_E820_N, "RAM");
    small[3].size = pref + init_size + 0x800 - 0x100000; /* the kernel fits, 1 MiB initrd not */
    expect_reject("an initrd that does not fit", kernel, initrd, "", small, STD_E820_N,
                  "does not fit");
    expect_reject("a missing initrd", kernel, "/nonexistent/initrd", "", std_e820, STD_E820_N,
                  "cannot open");
out:
    free(ird);
    free(k);
}

/* Assemble and link a Multiboot kernel; returns its path or NULL. */
static const char *build_multiboot(const char *name, uint32_t mb_flags, uint32_t checksum_fix,
                                   uint32_t text_addr)
{
    static char elf[16][600];
    static int next;
    char *out = elf[next++ % 16];
    char asmf[600], obj[600], lds[600], cmd[3200];
    FILE *f;

    snprintf(asmf, sizeof(asmf), "%s/%s.asm", tmpdir, name);
    snprintf(obj, sizeof(obj), "%s/%s.o", tmpdir, name);
    snprintf(lds, sizeof(lds), "%s/%s.ld", tmpdir, name);
    snprintf(out, 600, "%s/%s.elf", tmpdir, name);
    f = fopen(asmf, "w");
    if (!f) {
        return NULL;
    }
    fprintf(f,
            "bits 32\n"
            "section .text\n"
            "align 4\n"
            "    dd 0x1badb002, 0x%x, -(0x1badb002 + 0x%x) + 0x%x\n"
            "global _start\n"
            "_start:\n"
            "    out 0xf0, eax\n" /* the magic */
            "    mov eax, ebx\n"
            "    out 0xf0, eax\n" /* the info address */
            "    mov esp, stack_top\n"
            "    mov eax, [ebx]\n"
            "    out 0xf0, eax\n" /* info flags */
            "    mov eax, [ebx + 8]\n"
            "    out 0xf0, eax\n"       /* mem_upper */
            "    mov esi, [ebx + 16]\n" /* cmdline: sum of its bytes */
            "    xor eax, eax\n"
            "    xor ecx, ecx\n"
            ".sum:\n"
            "    mov cl, [esi]\n"
            "    add eax, ecx\n"
            "    inc esi\n"
            "    test cl, cl\n"
            "    jnz .sum\n"
            "    out 0xf0, eax\n"
            "    mov eax, [bss_var]\n"
            "    out 0xf0, eax\n" /* 0: bss cleared */
            "    mov eax, [data_var]\n"
            "    out 0xf0, eax\n"
            "    mov eax, cs\n"
            "    out 0xf0, eax\n"
            "    mov eax, ss\n"
            "    out 0xf0, eax\n"
            "    pushfd\n"
            "    pop eax\n"
            "    out 0xf0, eax\n"
            "    out 0xf4, al\n"
            "    hlt\n"
            "section .data\n"
            "data_var: dd 0x12345678\n"
            "section .bss\n"
            "bss_var: resd 1\n"
            "resb 4096\n"
            "stack_top:\n",
            mb_flags, mb_flags, checksum_fix);
    fclose(f);
    f = fopen(lds, "w");
    if (!f) {
        return NULL;
    }
    fprintf(f,
            "ENTRY(_start)\n"
            "SECTIONS {\n"
            "  . = 0x%x;\n"
            "  .text : { *(.text) }\n"
            "  . = ALIGN(4096);\n"
            "  .data : { *(.data) }\n"
            "  .bss : { *(.bss) }\n"
            "}\n",
            text_addr);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "nasm -f elf32 -o %s %s && ld -m elf_i386 -T %s -o %s %s", obj, asmf,
             lds, out, obj);
    return system(cmd) == 0 ? out : NULL;
}

static void test_multiboot(void)
{
    const char *mb = build_multiboot("mb", 0x3, 0, 0x100000);

    if (!tap_ok(mb != NULL, "nasm + ld build a Multiboot ELF kernel")) {
        return;
    }
    const char *mod_data = "module payload\n";
    char *initrd = write_tmp("module.bin", mod_data, strlen(mod_data));
    X86BootInfo info;
    char *msg;
    bool ok = load(mb, initrd, "hello=1 world", std_e820, STD_E820_N, &info, &msg);
    tap_ok(ok && info.multiboot, "loads the Multiboot kernel with a module and a command line");
    if (!ok) {
        tap_diag("%s", msg);
        free(msg);
        return;
    }
    CPUX86State *env = &cpu->env;
    uint64_t mbi = env->regs[R_EBX];
    tap_ok(env->regs[R_EAX] == 0x2badb002 && mbi == X86_BOOT_PARAMS_ADDR,
           "EAX=0x2BADB002, EBX=the info structure");
    tap_ok(env->eip == 0x10000c && info.entry == 0x10000c, "EIP at the ELF entry (0x%llx)",
           (unsigned long long)env->eip);
    tap_ok(seg_is_flat(R_CS, 0x10, true) && seg_is_flat(R_DS, 0x18, false) &&
               (env->cr[0] & CR0_PE_MASK) && !(env->cr[0] & CR0_PG_MASK) &&
               !(cpu_compute_eflags(env) & IF_MASK),
           "CPU: flat 32-bit protected mode, paging and interrupts off");
    uint32_t flags = rd32(mbi);
    tap_ok((flags & 0x24d) == 0x24d, "info flags: mem, cmdline, mods, mmap, loader name (0x%x)",
           flags);
    tap_ok(rd32(mbi + 4) == 0x9fc00 / 1024 && rd32(mbi + 8) == (RAM_SIZE - 0x100000) / 1024,
           "mem_lower %u KiB, mem_upper %u KiB", rd32(mbi + 4), rd32(mbi + 8));
    char want_cmd[700];
    snprintf(want_cmd, sizeof(want_cmd), "%s hello=1 world", mb);
    tap_ok(strcmp((char *)ram + rd32(mbi + 16), want_cmd) == 0,
           "cmdline: the kernel's name and -append");
    tap_ok(strcmp((char *)ram + rd32(mbi + 64), "Tern") == 0, "boot loader name");

    uint32_t mlen = rd32(mbi + 44), maddr = rd32(mbi + 48);
    bool mmap_ok = mlen == STD_E820_N * 24;
    for (unsigned i = 0; mmap_ok && i < STD_E820_N; i++) {
        uint64_t e = maddr + i * 24;
        mmap_ok = rd32(e) == 20 && rd64(e + 4) == std_e820[i].addr &&
                  rd64(e + 12) == std_e820[i].size && rd32(e + 20) == std_e820[i].type;
    }
    tap_ok(mmap_ok, "memory map: the board's e820 entries");

    uint32_t mods = rd32(mbi + 24);
    uint32_t ms = rd32(mods), me = rd32(mods + 4);
    tap_ok(rd32(mbi + 20) == 1 && ms % 4096 == 0 && ms >= info.kernel_end &&
               me - ms == strlen(mod_data) && memcmp(ram + ms, mod_data, me - ms) == 0 &&
               strcmp((char *)ram + rd32(mods + 8), initrd) == 0,
           "the initrd is module 0: page-aligned after the kernel, bytes and name");
    tap_ok(rd32(0x101000) == 0x12345678 && rd32(0x101004) == 0 && rd32(0x101004 + 4096) == 0,
           "ELF segments loaded, bss cleared");

    /* run it: it reports what it found */
    run_cpu(NULL, 10);
    unsigned sum = 0;
    for (const char *c = want_cmd; *c; c++) {
        sum += (unsigned char)*c;
    }
    uint32_t expect[] = { 0x2badb002, X86_BOOT_PARAMS_ADDR,
                          flags,      (RAM_SIZE - 0x100000) / 1024,
                          sum,        0,
                          0x12345678, 0x10,
                          0x18 };
    bool ran =
        done && nvals == 10 && memcmp(vals, expect, sizeof(expect)) == 0 && !(vals[9] & IF_MASK);
    tap_ok(ran, "the kernel runs and sees EAX, EBX, its info, bss, data, CS/SS, IF clear");
    if (!ran) {
        tap_diag("done %d, %d values", done, nvals);
        for (int i = 0; i < nvals; i++) {
            tap_diag("  %d: %#x", i, vals[i]);
        }
    }

    /* rejections */
    const char *bad = build_multiboot("badsum", 0x3, 1, 0x100000);
    expect_reject("a Multiboot header with a bad checksum", bad, NULL, "", std_e820, STD_E820_N,
                  "checksum");
    bad = build_multiboot("flags", 0x8, 0, 0x100000);
    expect_reject("a Multiboot kernel requiring unknown features", bad, NULL, "", std_e820,
                  STD_E820_N, "unsupported");
    bad = build_multiboot("high", 0x3, 0, 0x10000000);
    expect_reject("a Multiboot kernel linked outside RAM", bad, NULL, "", std_e820, STD_E820_N,
                  "not in free guest RAM");
    size_t len;
    uint8_t *data = slurp(mb, &len);
    if (data) {
        /* keep the header (it is in the first page of .text), drop the rest */
        bad = write_tmp("mbtrunc.elf", data, 0x1000 + 0x20 < len ? 0x1000 + 0x20 : len / 2);
        expect_reject("a truncated Multiboot ELF", bad, NULL, "", std_e820, STD_E820_N,
                      "truncated");
        free(data);
    }
    static const uint8_t junk[16384] = { 0x7f, 'X', 'Y', 'Z' };
    bad = write_tmp("junk", junk, sizeof(junk));
    expect_reject("a file that is no kernel at all", bad, NULL, "", std_e820, STD_E820_N,
                  "neither");
    expect_reject("a missing kernel file", "/nonexistent/vmlinuz", NULL, "", std_e820, STD_E820_N,
                  "cannot open");
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        tap_ok(false, "temporary directory");
        return tap_done();
    }
    /* TEST_X86_BOOT_LOG=int,... logs the CPU to stderr while debugging */
    if (getenv("TEST_X86_BOOT_LOG")) {
        log_mask = log_parse_items(getenv("TEST_X86_BOOT_LOG"));
    }
    tcg_exec_init(32u << 20, false);
    bql_lock();
    memory_region_init_ram(&ram_mr, NULL, "ram", RAM_SIZE, NULL);
    memory_region_init_io(&ports_mr, NULL, &port_ops, NULL, "test-ports", 5);
    memory_region_init_io(&serial_mr, NULL, &serial_ops, NULL, "serial", 8);
    memory_region_add_subregion(get_system_memory(), 0, &ram_mr);
    memory_region_add_subregion(get_system_io(), 0xf0, &ports_mr);
    memory_region_add_subregion(get_system_io(), 0x3f8, &serial_mr);
    bql_unlock();
    ram = memory_region_get_ram_ptr(&ram_mr);
    cpu = x86_cpu_new(0);
    tlb_init(&cpu->parent, &address_space_memory);

    test_multiboot();
    test_bzimage();

    char cmd[700];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if (system(cmd) != 0) {
        tap_diag("could not remove %s", tmpdir);
    }
    return tap_done();
}
