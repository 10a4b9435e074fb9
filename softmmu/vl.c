/*
 * main() of tern-system-x86_64: the command line (QEMU's option names and
 * meanings, as far as the PC machine reaches), machine creation, the main
 * loop in this thread and the vCPU in its own (softmmu/cpus.c).
 *
 * Parsing only records what was asked; everything is checked before any
 * device exists, and every mistake is one line naming the option and an
 * exit status of 1. Once the machine runs, nothing here exits except
 * through a run-state request (shutdown, isa-debug-exit, quit).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chardev/char.h"
#include "exec/cpu-exec.h"
#include "exec/memory.h"
#include "hw/core/qdev.h"
#include "hw/i386/pc.h"
#include "monitor/monitor.h"
#include "sysemu/cpus.h"
#include "sysemu/qtest.h"
#include "sysemu/runstate.h"
#include "target/i386/cpu.h"
#include "util/error.h"
#include "util/log.h"
#include "util/main-loop.h"

#define PROGNAME "tern-system-x86_64"
#define MAX_OPT_LIST 16

typedef struct Options {
    PCMachineConfig pc;
    const char *serial[MAX_OPT_LIST];
    int nr_serial;
    const char *chardev[MAX_OPT_LIST];
    int nr_chardev;
    const char *device[MAX_OPT_LIST];
    int nr_device;
    const char *monitor[MAX_OPT_LIST];
    int nr_monitor;
    const char *debugcon;
    const char *qtest;
    const char *qtest_log;
    const char *display;
    const char *name;
    bool accel_qtest;
    bool single_thread; /* -accel tcg,thread=single: one thread, CPUs in turn */
    bool nographic;
    bool start_stopped;
    bool no_reboot;
} Options;

static _Noreturn void usage_error(const char *opt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static _Noreturn void usage_error(const char *opt, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: %s: ", PROGNAME, opt);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void print_help(void)
{
    printf("usage: " PROGNAME " [options]\n"
           "\n"
           "Machine:\n"
           "  -machine pc[,accel=tcg|qtest]  the PC (i440FX + PIIX3), the only machine\n"
           "  -accel tcg|qtest    the accelerator (qtest: no CPU, driven by -qtest)\n"
           "  -cpu base|max|qemu64  the CPU model (one model for now)\n"
           "  -smp N              the number of CPUs (1-64; one host thread each unless\n"
           "                      -accel tcg,thread=single runs them in turn in one)\n"
           "  -m SIZE             RAM size (default 128M; suffixes K, M, G, T)\n"
           "  -bios FILE          firmware (default: SeaBIOS's %s from %s)\n"
           "  -kernel FILE        boot a Linux bzImage or Multiboot kernel directly (no BIOS);\n"
           "                      with -bios too, a bzImage boots through SeaBIOS\n"
           "  -initrd FILE        its initial ramdisk   -append STRING  its command line\n"
           "Drives:\n"
           "  -drive file=F[,format=raw][,if=ide][,media=disk|cdrom][,index=0-3][,readonly=on]\n"
           "  -hda/-hdb/-hdc/-hdd FILE  IDE disk 0-3    -cdrom FILE  IDE CD-ROM (index 2)\n"
           "  -boot c|d|order=dc  boot order (a floppy, c disk, d CD-ROM, n network)\n"
           "Devices:\n"
           "  -device NAME[,prop=value...]  add a device (-device help lists them)\n"
           "Display and character devices:\n"
           "  -nographic          no display; COM1 and the monitor on stdio (Ctrl-a c switches)\n"
           "  -display none       no display\n"
           "  -vga std|none       the VGA card\n"
           "  -serial SPEC        COM1..COM4 backends (stdio, mon:stdio, file:F, null, pty,\n"
           "                      tcp:..., unix:..., chardev:ID, none)\n"
           "  -chardev BACKEND,id=ID[,...]  a named character device\n"
           "  -monitor SPEC       the HMP monitor (stdio, unix:PATH,server=on,wait=off, ...)\n"
           "  -debugcon SPEC      the debug console on port 0x402\n"
           "Debugging and tests:\n"
           "  -S                  start with the CPU stopped ('cont' in the monitor)\n"
           "  -no-reboot          exit instead of rebooting\n"
           "  -d ITEMS            log items (-d help lists them)   -D FILE  the log file\n"
           "  -qtest SPEC         the qtest protocol on a chardev   -qtest-log FILE\n"
           "  -name NAME          the VM's name\n"
           "  -version, -h        version / this help\n",
           PC_DEFAULT_BIOS, PC_FIRMWARE_DIR);
}

/* ---- small parsers ---- */

/* "128", "128M", "1G", "512k": default unit MiB. */
static bool parse_size_mb(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    uint64_t mult = 1ull << 20;

    if (!isdigit((unsigned char)s[0])) {
        return false;
    }
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno) {
        return false;
    }
    switch (toupper((unsigned char)*end)) {
    case 0:
        break;
    case 'B':
        mult = 1;
        end++;
        break;
    case 'K':
        mult = 1ull << 10;
        end++;
        break;
    case 'M':
        mult = 1ull << 20;
        end++;
        break;
    case 'G':
        mult = 1ull << 30;
        end++;
        break;
    case 'T':
        mult = 1ull << 40;
        end++;
        break;
    default:
        return false;
    }
    if (*end || v > UINT64_MAX / mult) {
        return false;
    }
    *out = v * mult;
    return true;
}

/* Split "a=b,c=d" in place: returns the next key/value, NULL at the end. */
static char *next_kv(char **cursor, char **value)
{
    char *p = *cursor, *key;

    if (!p || !*p) {
        return NULL;
    }
    key = p;
    p = strchr(p, ',');
    if (p) {
        *p++ = 0;
    }
    *cursor = p;
    *value = strchr(key, '=');
    if (*value) {
        *(*value)++ = 0;
    }
    return key;
}

static bool parse_onoff(const char *v, bool *out)
{
    if (!v || !strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes")) {
        *out = true;
    } else if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no")) {
        *out = false;
    } else {
        return false;
    }
    return true;
}

static void add_drive(Options *o, const char *opt, const char *file, int index, bool cdrom,
                      bool readonly)
{
    if (index < 0) {
        /* the first free position; a CD-ROM prefers the secondary master */
        int start = cdrom ? 2 : 0;
        for (int i = 0; i < PC_MAX_DRIVES; i++) {
            int j = (start + i) % PC_MAX_DRIVES;
            if (!o->pc.drives[j].file) {
                index = j;
                break;
            }
        }
        if (index < 0) {
            usage_error(opt, "too many IDE drives (at most %d)", PC_MAX_DRIVES);
        }
    }
    if (index >= PC_MAX_DRIVES) {
        usage_error(opt, "index %d is out of range (0-%d)", index, PC_MAX_DRIVES - 1);
    }
    if (o->pc.drives[index].file) {
        usage_error(opt, "IDE index %d is already in use by '%s'", index,
                    o->pc.drives[index].file);
    }
    o->pc.drives[index].file = file;
    o->pc.drives[index].cdrom = cdrom;
    o->pc.drives[index].readonly = readonly;
}

static void parse_drive(Options *o, const char *arg)
{
    char *copy = strdup(arg), *cursor = copy, *key, *val;
    const char *file = NULL;
    bool cdrom = false, readonly = false;
    int index = -1;

    while ((key = next_kv(&cursor, &val))) {
        if (!val && key == copy && !strchr(arg, '=')) {
            usage_error("-drive", "expected key=value options, got '%s'", key);
        }
        if (!val) {
            usage_error("-drive", "option '%s' needs a value", key);
        }
        if (!strcmp(key, "file")) {
            file = strdup(val); /* lives as long as the program */
        } else if (!strcmp(key, "format")) {
            if (strcmp(val, "raw")) {
                usage_error("-drive", "format '%s' is not supported (only raw)", val);
            }
        } else if (!strcmp(key, "if")) {
            if (strcmp(val, "ide")) {
                usage_error("-drive", "interface '%s' is not supported (only ide)", val);
            }
        } else if (!strcmp(key, "media")) {
            if (!strcmp(val, "cdrom")) {
                cdrom = true;
            } else if (!strcmp(val, "disk")) {
                cdrom = false;
            } else {
                usage_error("-drive", "media must be disk or cdrom, not '%s'", val);
            }
        } else if (!strcmp(key, "index")) {
            char *end;
            long v = strtol(val, &end, 10);
            if (*end || end == val || v < 0 || v >= PC_MAX_DRIVES) {
                usage_error("-drive", "index must be 0-%d, not '%s'", PC_MAX_DRIVES - 1, val);
            }
            index = (int)v;
        } else if (!strcmp(key, "readonly")) {
            if (!parse_onoff(val, &readonly)) {
                usage_error("-drive", "readonly must be on or off, not '%s'", val);
            }
        } else if (!strcmp(key, "id") || !strcmp(key, "cache") || !strcmp(key, "aio")) {
            /* accepted and ignored: one backend, one cache mode */
        } else {
            usage_error("-drive", "unknown option '%s'", key);
        }
    }
    free(copy);
    if (!file) {
        usage_error("-drive", "missing file=");
    }
    add_drive(o, "-drive", file, index, cdrom, readonly);
}

static void parse_boot(Options *o, const char *arg)
{
    char *copy = strdup(arg), *cursor = copy, *key, *val;
    const char *order = NULL;

    while ((key = next_kv(&cursor, &val))) {
        if (!val) {
            if (order) {
                usage_error("-boot", "option '%s' needs a value", key);
            }
            order = key; /* the legacy "-boot dc" form */
        } else if (!strcmp(key, "order") || !strcmp(key, "once")) {
            order = val;
        } else if (!strcmp(key, "menu") || !strcmp(key, "strict") || !strcmp(key, "splash-time") ||
                   !strcmp(key, "reboot-timeout")) {
            /* accepted: SeaBIOS's defaults stand */
        } else {
            usage_error("-boot", "unknown option '%s'", key);
        }
    }
    if (order) {
        if (!*order || strlen(order) > 4) {
            usage_error("-boot", "invalid boot order '%s'", order);
        }
        for (const char *c = order; *c; c++) {
            if (!strchr("acdn", *c)) {
                usage_error("-boot", "invalid boot device '%c' (a, c, d or n)", *c);
            }
        }
        o->pc.boot_order = strdup(order);
    }
    free(copy);
}

static void parse_machine(Options *o, const char *opt, const char *arg)
{
    char *copy = strdup(arg), *cursor = copy, *key, *val;
    bool first = true;

    while ((key = next_kv(&cursor, &val))) {
        if (first && !val) {
            if (!strcmp(key, "help")) {
                printf("Supported machines are:\npc                   Standard PC (i440FX + PIIX, 1996) (default)\n");
                exit(0);
            }
            if (strcmp(key, "pc") && strcmp(key, "pc-i440fx")) {
                usage_error(opt, "unsupported machine type '%s' (use -machine help)", key);
            }
        } else if (!strcmp(key, "type")) {
            if (!val || (strcmp(val, "pc") && strcmp(val, "pc-i440fx"))) {
                usage_error(opt, "unsupported machine type '%s'", val ? val : "");
            }
        } else if (!strcmp(key, "accel")) {
            if (!val) {
                usage_error(opt, "accel needs a value");
            }
            if (!strcmp(val, "qtest")) {
                o->accel_qtest = true;
            } else if (strcmp(val, "tcg")) {
                usage_error(opt, "unsupported accelerator '%s' (tcg or qtest)", val);
            }
        } else {
            usage_error(opt, "unknown option '%s'", key);
        }
        first = false;
    }
    free(copy);
}

static void parse_accel(Options *o, const char *arg)
{
    const char *name = strncmp(arg, "accel=", 6) ? arg : arg + 6;
    size_t len = strcspn(name, ",");
    const char *props = name[len] ? name + len + 1 : NULL;

    if (len == 5 && !strncmp(name, "qtest", 5)) {
        o->accel_qtest = true;
    } else if (!(len == 3 && !strncmp(name, "tcg", 3))) {
        usage_error("-accel", "unsupported accelerator '%s' (tcg or qtest)", arg);
    }
    /* tcg properties: thread=single|multi */
    while (props && *props) {
        size_t plen = strcspn(props, ",");
        if (plen == 13 && !strncmp(props, "thread=single", 13)) {
            o->single_thread = true;
        } else if (plen == 12 && !strncmp(props, "thread=multi", 12)) {
            o->single_thread = false;
        } else {
            usage_error("-accel", "unknown property '%.*s' (thread=single|multi)", (int)plen,
                        props);
        }
        props += plen;
        if (*props == ',') {
            props++;
        }
    }
}

static void parse_smp(Options *o, const char *arg)
{
    const char *v = strncmp(arg, "cpus=", 5) ? arg : arg + 5;
    char *end;
    long n = strtol(v, &end, 10);

    if (end == v || (*end && *end != ',') || n < 1) {
        usage_error("-smp", "invalid CPU count '%s'", arg);
    }
    if (n > 64) {
        usage_error("-smp", "at most 64 CPUs");
    }
    o->pc.smp = (int)n;
}

/* ---- the command line ---- */

static void parse_args(Options *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        const char *name = opt;
        const char *arg = NULL;

        if (name[0] != '-') {
            usage_error(opt, "not an option (options start with '-'; see -h)");
        }
        name++;
        if (name[0] == '-') {
            name++; /* --opt works too */
        }
#define TAKES_ARG()                                                                                \
    do {                                                                                           \
        if (i + 1 >= argc) {                                                                       \
            usage_error(opt, "requires an argument");                                              \
        }                                                                                          \
        arg = argv[++i];                                                                           \
    } while (0)
        if (!strcmp(name, "h") || !strcmp(name, "help")) {
            print_help();
            exit(0);
        } else if (!strcmp(name, "version")) {
            printf(PROGNAME " version 0.1.0 (Tern)\n");
            exit(0);
        } else if (!strcmp(name, "m")) {
            TAKES_ARG();
            const char *v = strncmp(arg, "size=", 5) ? arg : arg + 5;
            uint64_t size;
            if (!parse_size_mb(v, &size)) {
                usage_error(opt, "invalid RAM size '%s'", arg);
            }
            if (size < (2ull << 20) || size > (1ull << 40)) {
                usage_error(opt, "RAM size '%s' is out of range (2 MiB to 1 TiB)", arg);
            }
            o->pc.ram_size = (size + 0xfff) & ~0xfffull;
        } else if (!strcmp(name, "machine") || !strcmp(name, "M")) {
            TAKES_ARG();
            parse_machine(o, opt, arg);
        } else if (!strcmp(name, "accel")) {
            TAKES_ARG();
            parse_accel(o, arg);
        } else if (!strcmp(name, "cpu")) {
            TAKES_ARG();
            size_t len = strcspn(arg, ",");
            if (!strcmp(arg, "help")) {
                printf("Available CPUs:\n  base\n  max\n  qemu64\n");
                exit(0);
            }
            if (!((len == 4 && !strncmp(arg, "base", 4)) || (len == 3 && !strncmp(arg, "max", 3)) ||
                  (len == 6 && !strncmp(arg, "qemu64", 6)))) {
                usage_error(opt, "unknown CPU model '%s' (use -cpu help)", arg);
            }
        } else if (!strcmp(name, "smp")) {
            TAKES_ARG();
            parse_smp(o, arg);
        } else if (!strcmp(name, "bios")) {
            TAKES_ARG();
            o->pc.bios = arg;
        } else if (!strcmp(name, "kernel")) {
            TAKES_ARG();
            o->pc.kernel = arg;
        } else if (!strcmp(name, "initrd")) {
            TAKES_ARG();
            o->pc.initrd = arg;
        } else if (!strcmp(name, "append")) {
            TAKES_ARG();
            o->pc.append = arg;
        } else if (!strcmp(name, "drive")) {
            TAKES_ARG();
            parse_drive(o, arg);
        } else if (!strcmp(name, "hda") || !strcmp(name, "hdb") || !strcmp(name, "hdc") ||
                   !strcmp(name, "hdd")) {
            TAKES_ARG();
            add_drive(o, opt, arg, name[2] - 'a', false, false);
        } else if (!strcmp(name, "cdrom")) {
            TAKES_ARG();
            add_drive(o, opt, arg, 2, true, true);
        } else if (!strcmp(name, "boot")) {
            TAKES_ARG();
            parse_boot(o, arg);
        } else if (!strcmp(name, "nographic")) {
            o->nographic = true;
        } else if (!strcmp(name, "display")) {
            TAKES_ARG();
            if (strcmp(arg, "none") && strncmp(arg, "none,", 5)) {
                usage_error(opt, "display '%s' is not supported yet (only none)", arg);
            }
            o->display = arg;
        } else if (!strcmp(name, "vga")) {
            TAKES_ARG();
            if (!strcmp(arg, "none")) {
                o->pc.no_vga = true;
            } else if (strcmp(arg, "std")) {
                usage_error(opt, "VGA card '%s' is not supported (std or none)", arg);
            }
        } else if (!strcmp(name, "serial")) {
            TAKES_ARG();
            if (o->nr_serial >= PC_MAX_SERIAL) {
                usage_error(opt, "at most %d serial ports", PC_MAX_SERIAL);
            }
            o->serial[o->nr_serial++] = arg;
        } else if (!strcmp(name, "chardev")) {
            TAKES_ARG();
            if (o->nr_chardev >= MAX_OPT_LIST) {
                usage_error(opt, "too many chardevs");
            }
            o->chardev[o->nr_chardev++] = arg;
        } else if (!strcmp(name, "monitor")) {
            TAKES_ARG();
            if (o->nr_monitor >= MAX_OPT_LIST) {
                usage_error(opt, "too many monitors");
            }
            o->monitor[o->nr_monitor++] = arg;
        } else if (!strcmp(name, "debugcon")) {
            TAKES_ARG();
            o->debugcon = arg;
        } else if (!strcmp(name, "qtest")) {
            TAKES_ARG();
            o->qtest = arg;
        } else if (!strcmp(name, "qtest-log")) {
            TAKES_ARG();
            o->qtest_log = arg;
        } else if (!strcmp(name, "device")) {
            TAKES_ARG();
            if (qdev_options_help(arg, stdout)) {
                exit(0);
            }
            if (o->nr_device >= MAX_OPT_LIST) {
                usage_error(opt, "too many devices");
            }
            o->device[o->nr_device++] = arg;
        } else if (!strcmp(name, "S")) {
            o->start_stopped = true;
        } else if (!strcmp(name, "no-reboot")) {
            o->no_reboot = true;
        } else if (!strcmp(name, "d")) {
            TAKES_ARG();
            int mask = log_parse_items(arg);
            if (mask < 0) {
                if (!strcmp(arg, "help")) {
                    exit(0);
                }
                usage_error(opt, "invalid log items '%s' (-d help lists them)", arg);
            }
            log_mask |= mask;
        } else if (!strcmp(name, "D")) {
            TAKES_ARG();
            if (!log_set_file(arg)) {
                usage_error(opt, "cannot open log file '%s'", arg);
            }
        } else if (!strcmp(name, "name")) {
            TAKES_ARG();
            o->name = arg;
        } else {
            usage_error(opt, "unknown option (see -h)");
        }
#undef TAKES_ARG
    }
}

/* -serial/-monitor/-debugcon SPEC: "chardev:ID", "none", or a legacy spec. */
static Chardev *open_chardev(const char *opt, const char *label, const char *spec)
{
    Error *err = NULL;
    Chardev *chr;

    if (!strcmp(spec, "none")) {
        return NULL;
    }
    if (!strncmp(spec, "chardev:", 8)) {
        chr = qemu_chr_find(spec + 8);
        if (!chr) {
            usage_error(opt, "no chardev with id '%s'", spec + 8);
        }
        return chr;
    }
    chr = qemu_chr_new(label, spec, &err);
    if (!chr) {
        fprintf(stderr, "%s: %s: %s\n", PROGNAME, opt, error_get_pretty(err));
        error_free(err);
        exit(1);
    }
    return chr;
}

static void mux_monitor_attach(Chardev *mux)
{
    Error *err = NULL;

    if (!monitor_init_hmp(mux, &err)) {
        error_report_err(err);
    }
}

static void mux_quit(void *opaque)
{
    qemu_system_shutdown_request();
}

static void signal_shutdown(int sig)
{
    qemu_system_shutdown_request();
}

/* ---- "x" in the monitor: the x86 page walk, read-only, no faults ---- */

static bool x86_virt_to_phys(CPUState *cs, uint64_t addr, uint64_t *paddr)
{
    CPUX86State *env = cpu_env(cs);
    uint64_t cr0 = env->cr[0], cr4 = env->cr[4];
    uint64_t table, entry = 0;
    int levels, shift;
    bool pae = cr4 & CR4_PAE_MASK;

    if (!(cr0 & CR0_PG_MASK)) {
        *paddr = addr & 0xffffffffull;
        return true;
    }
    if (env->efer & EFER_LMA) {
        levels = 4;
    } else if (pae) {
        levels = 3;
    } else {
        levels = 2;
        addr &= 0xffffffffull;
    }
    table = env->cr[3] & (levels == 2 ? ~0xfffull : (levels == 3 ? ~0x1full : 0x000ffffffffff000ull));
    for (int l = levels; l >= 1; l--) {
        unsigned idx;
        if (levels == 2) {
            shift = 12 + 10 * (l - 1);
            idx = (addr >> shift) & 0x3ff;
            entry = address_space_ldl(&address_space_memory, table + idx * 4,
                                      MEMTXATTRS_UNSPECIFIED, NULL);
        } else {
            shift = 12 + 9 * (l - 1);
            idx = (addr >> shift) & (levels == 3 && l == 3 ? 3 : 0x1ff);
            entry = address_space_ldq(&address_space_memory, table + idx * 8,
                                      MEMTXATTRS_UNSPECIFIED, NULL);
        }
        if (!(entry & 1)) {
            return false;
        }
        uint64_t frame = levels == 2 ? (entry & 0xfffff000ull) : (entry & 0x000ffffffffff000ull);
        bool large = (entry & 0x80) && l > 1 && l < 4 && (levels != 2 || (cr4 & CR4_PSE_MASK)) &&
                     !(levels == 3 && l == 3);
        if (large) {
            uint64_t mask = (1ull << shift) - 1;
            if (levels == 2) {
                frame = (entry & 0xffc00000ull) | ((entry & 0x1fe000ull) << 19);
            }
            *paddr = (frame & ~mask) | (addr & mask);
            return true;
        }
        table = frame;
    }
    *paddr = table | (addr & 0xfff);
    return true;
}

int main(int argc, char **argv)
{
    Options o = { 0 };
    Error *err = NULL;
    int status = 0;
    PCMachineState *ms;

    error_set_progname(PROGNAME);
    o.pc.ram_size = 128ull << 20;
    o.pc.smp = 1;
    parse_args(&o, argc, argv);
    if (o.qtest) {
        o.accel_qtest = true;
    }
    if (o.accel_qtest && !o.qtest) {
        usage_error("-accel qtest", "needs -qtest SPEC to be driven");
    }
    o.pc.has_cpu = !o.accel_qtest;
    o.pc.nographic = o.nographic;

    if (!qemu_init_main_loop(&err)) {
        error_report_err(err);
        return 1;
    }
    bql_lock();
    qemu_chr_set_mux_monitor_hook(mux_monitor_attach);
    qemu_chr_mux_set_quit_hook(mux_quit, NULL);

    /* character devices: named ones first, so chardev:ID finds them */
    for (int i = 0; i < o.nr_chardev; i++) {
        if (!qemu_chr_new_from_opts(o.chardev[i], &err)) {
            fprintf(stderr, "%s: -chardev: %s\n", PROGNAME, error_get_pretty(err));
            error_free(err);
            return 1;
        }
    }
    if (o.nr_serial == 0 && !o.accel_qtest) {
        /* -nographic: COM1 and (unless -monitor says otherwise) the
         * monitor share stdio; without a display: no serial backend */
        if (o.nographic) {
            o.serial[o.nr_serial++] = o.nr_monitor ? "stdio" : "mon:stdio";
        }
    }
    for (int i = 0; i < o.nr_serial; i++) {
        char label[32];
        snprintf(label, sizeof(label), "serial%d", i);
        o.pc.serial[i] = open_chardev("-serial", label, o.serial[i]);
    }
    for (int i = 0; i < o.nr_monitor; i++) {
        char label[32];
        snprintf(label, sizeof(label), "monitor%d", i);
        Chardev *chr;
        if (!strncmp(o.monitor[i], "mon:", 4)) {
            chr = open_chardev("-monitor", label, o.monitor[i]); /* attaches itself */
        } else {
            chr = open_chardev("-monitor", label, o.monitor[i]);
            if (chr && !monitor_init_hmp(chr, &err)) {
                fprintf(stderr, "%s: -monitor: %s\n", PROGNAME, error_get_pretty(err));
                error_free(err);
                return 1;
            }
        }
    }
    if (o.debugcon) {
        o.pc.debugcon = open_chardev("-debugcon", "debugcon", o.debugcon);
    }

    if (o.accel_qtest) {
        if (!qtest_accel_init(&err) || !qtest_server_init(o.qtest, &err) ||
            (o.qtest_log && !qtest_server_set_log(o.qtest_log, &err))) {
            fprintf(stderr, "%s: -qtest: %s\n", PROGNAME, error_get_pretty(err));
            error_free(err);
            return 1;
        }
    }

    ms = pc_init(&o.pc, &err);
    if (!ms) {
        error_report_err(err);
        return 1;
    }
    for (int i = 0; i < o.nr_device; i++) {
        if (!qdev_device_add(o.device[i], &err)) {
            fprintf(stderr, "%s: -device %s: %s\n", PROGNAME, o.device[i], error_get_pretty(err));
            error_free(err);
            return 1;
        }
    }
    runstate_set_no_reboot(o.no_reboot);
    hmp_set_virt_to_phys(x86_virt_to_phys);
    pc_machine_reset(ms);
    if (o.pc.has_cpu) {
        cpus_set_single_thread(o.single_thread);
        if (o.pc.smp > 1 && !o.single_thread) {
            tcg_set_parallel(); /* LOCKed accesses become host atomics */
        }
        for (int i = 0; pc_get_cpu_n(ms, i); i++) {
            cpus_add_cpu(pc_get_cpu_n(ms, i), x86_cpu_exec);
        }
    }

    signal(SIGINT, signal_shutdown);
    signal(SIGTERM, signal_shutdown);
    signal(SIGHUP, signal_shutdown);
    signal(SIGPIPE, SIG_IGN);

    if (!o.start_stopped) {
        vm_start();
    }
    while (!runstate_handle_requests(&status)) {
        main_loop_wait(false);
    }
    cpus_shutdown();
    monitor_cleanup();
    if (o.accel_qtest) {
        qtest_server_cleanup();
    }
    qemu_chr_cleanup_all();
    bql_unlock();
    return status;
}
