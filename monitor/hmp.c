/*
 * The human monitor: a "(tern)" prompt on a chardev. Input is collected
 * into a line (echoed, with backspace, since a stdio backend is in raw
 * mode), each line runs one command with its output written back to the
 * chardev (LF as CRLF). Commands run in the main loop with the big lock.
 * Every mistake is a message; nothing a user types stops the emulator
 * except "quit".
 *
 * Commands: info registers|pci|mtree [-f]|status|qtree, x/xp with /Nfu,
 * stop, cont, system_reset, screendump FILE [-f ppm|png|txt], quit, help.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chardev/char-fe.h"
#include "exec/memory.h"
#include "hw/core/qdev.h"
#include "hw/pci/pci.h"
#include "monitor/monitor.h"
#include "sysemu/cpus.h"
#include "sysemu/runstate.h"
#include "ui/console.h"

#define HMP_LINE_MAX 1024
#define HMP_MAX_MONITORS 8
#define HMP_BANNER "Tern monitor - type 'help' for more information\n"

typedef struct Monitor {
    CharBackend be;
    char line[HMP_LINE_MAX];
    int len;
    bool prompt_shown;
} Monitor;

static Monitor *monitors[HMP_MAX_MONITORS];
static int nr_monitors;
static bool (*virt_to_phys)(CPUState *cs, uint64_t addr, uint64_t *paddr);

void hmp_set_virt_to_phys(bool (*fn)(CPUState *cs, uint64_t addr, uint64_t *paddr))
{
    virt_to_phys = fn;
}

/* ---- commands ---- */

static void hmp_help(FILE *out)
{
    fprintf(out, "cont|c -- resume emulation\n"
                 "help|? -- show this help\n"
                 "info registers -- the CPU state\n"
                 "info pci -- PCI devices\n"
                 "info mtree [-f] -- memory regions (-f: the flat views)\n"
                 "info status -- the VM status\n"
                 "info qtree -- the device tree\n"
                 "quit|q -- quit the emulator\n"
                 "screendump FILE [-f ppm|png|txt] -- save the screen as an image (txt: the text screen)\n"
                 "stop -- stop emulation\n"
                 "system_reset -- reset the machine\n"
                 "x /fmt ADDR -- virtual memory dump (fmt: count, format x d u o c, size b h w g)\n"
                 "xp /fmt ADDR -- physical memory dump\n");
}

static void hmp_info(const char *arg, FILE *out)
{
    char what[32] = "";
    const char *rest = arg;

    sscanf(arg, "%31s", what);
    rest = strstr(arg, what) + strlen(what);
    if (!strcmp(what, "registers")) {
        CPUState *cs = cpus_get(0);
        if (!cs || !cs->cc->dump_state) {
            fprintf(out, "no CPU\n");
            return;
        }
        cs->cc->dump_state(cs, out);
    } else if (!strcmp(what, "pci")) {
        BusState *bus = qbus_find("pci.0");
        if (!bus) {
            fprintf(out, "no PCI bus\n");
            return;
        }
        pci_print_info(out, (PCIBus *)bus);
    } else if (!strcmp(what, "mtree")) {
        memory_print_mtree(out, strstr(rest, "-f") != NULL);
    } else if (!strcmp(what, "status")) {
        RunState rs = runstate_get();
        fprintf(out, "VM status: %s\n",
                rs == RUN_STATE_PRELAUNCH ? "paused (prelaunch)" : runstate_name(rs));
    } else if (!strcmp(what, "qtree")) {
        char *s = qdev_format_qtree();
        fputs(s, out);
        free(s);
    } else if (!what[0]) {
        fprintf(out, "info registers|pci|mtree|status|qtree\n");
    } else {
        fprintf(out, "info: unknown item '%s' (registers, pci, mtree, status, qtree)\n", what);
    }
}

/* x/xp: "/Nfu ADDR" (each part optional), ADDR in C syntax. */
static void hmp_memory_dump(const char *arg, FILE *out, bool physical)
{
    unsigned long count = 1;
    char format = 'x';
    unsigned size = 4;
    const char *p = arg;
    char *end;
    uint64_t addr;

    while (isspace((unsigned char)*p)) {
        p++;
    }
    if (*p == '/') {
        p++;
        if (isdigit((unsigned char)*p)) {
            count = strtoul(p, &end, 10);
            p = end;
        }
        while (*p && !isspace((unsigned char)*p)) {
            switch (*p) {
            case 'x': case 'd': case 'u': case 'o': case 'c':
                format = *p;
                break;
            case 'b':
                size = 1;
                break;
            case 'h':
                size = 2;
                break;
            case 'w':
                size = 4;
                break;
            case 'g':
                size = 8;
                break;
            default:
                fprintf(out, "invalid format character '%c'\n", *p);
                return;
            }
            p++;
        }
        if (format == 'c') {
            size = 1;
        }
    }
    while (isspace((unsigned char)*p)) {
        p++;
    }
    if (!*p) {
        fprintf(out, "missing address\n");
        return;
    }
    addr = strtoull(p, &end, 0);
    if (end == p || (*end && !isspace((unsigned char)*end))) {
        fprintf(out, "invalid address '%s'\n", p);
        return;
    }
    if (count > 4096) {
        count = 4096;
    }
    int per_line = format == 'c' ? 16 : (size == 8 ? 2 : (size == 4 ? 4 : 8));
    CPUState *cs = cpus_get(0);
    for (unsigned long i = 0; i < count; i++) {
        uint64_t va = addr + i * size, pa = va, v = 0;
        uint8_t buf[8] = { 0 };
        if (i % per_line == 0) {
            fprintf(out, "%s%016" PRIx64 ":", i ? "\n" : "", va);
        }
        if (!physical) {
            if (virt_to_phys && cs && !virt_to_phys(cs, va, &pa)) {
                fprintf(out, " Cannot access memory");
                break;
            }
        }
        address_space_read(&address_space_memory, pa, MEMTXATTRS_UNSPECIFIED, buf, size);
        for (unsigned b = 0; b < size; b++) {
            v |= (uint64_t)buf[b] << (8 * b);
        }
        switch (format) {
        case 'x':
            fprintf(out, " 0x%0*" PRIx64, size * 2, v);
            break;
        case 'o':
            fprintf(out, " %#" PRIo64, v);
            break;
        case 'u':
            fprintf(out, " %" PRIu64, v);
            break;
        case 'd': {
            int64_t s = size == 8 ? (int64_t)v : (int64_t)(v << (64 - 8 * size)) >> (64 - 8 * size);
            fprintf(out, " %" PRId64, s);
            break;
        }
        case 'c':
            fprintf(out, isprint((int)v) ? " '%c'" : " \\x%02x", (int)v);
            break;
        }
    }
    fprintf(out, "\n");
}

/*
 * "screendump FILE -f txt": the text-mode screen's characters, one row a
 * line (the console's text API), so tests can read what the BIOS shows.
 */
static void hmp_screendump_text(const char *file, FILE *out)
{
    QemuConsole *con = qemu_console_lookup_by_index(0);
    char *text;
    FILE *f;

    if (!con) {
        fprintf(out, "screendump: no display console\n");
        return;
    }
    text = qemu_console_get_text(con);
    if (!text) {
        fprintf(out, "screendump: the display is not in a text mode\n");
        return;
    }
    f = fopen(file, "w");
    if (!f) {
        fprintf(out, "screendump: cannot open '%s'\n", file);
    } else {
        fputs(text, f);
        if (fclose(f)) {
            fprintf(out, "screendump: cannot write '%s'\n", file);
        }
    }
    free(text);
}

static void hmp_screendump(const char *arg, FILE *out)
{
    char file[512] = "", flag[8] = "", fmtname[8] = "";
    ImageFormat fmt = IMAGE_FORMAT_PPM;
    Error *err = NULL;
    int n = sscanf(arg, "%511s %7s %7s", file, flag, fmtname);
    const char *dot;

    if (n < 1) {
        fprintf(out, "screendump: missing file name\n");
        return;
    }
    if (n >= 3 && !strcmp(flag, "-f") && !strcmp(fmtname, "txt")) {
        hmp_screendump_text(file, out);
        return;
    }
    if (n >= 2) {
        if (strcmp(flag, "-f") || n < 3 || !image_format_parse(fmtname, &fmt, &err)) {
            fprintf(out, "screendump: %s\n", err ? error_get_pretty(err) : "usage: screendump FILE [-f ppm|png|txt]");
            error_free(err);
            return;
        }
    } else if ((dot = strrchr(file, '.')) && !strcmp(dot, ".png")) {
        fmt = IMAGE_FORMAT_PNG;
    }
    if (!qemu_console_lookup_by_index(0)) {
        fprintf(out, "screendump: no display console\n");
        return;
    }
    if (!qemu_console_screendump(NULL, file, fmt, &err)) {
        fprintf(out, "screendump: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

void hmp_execute(const char *line, FILE *out)
{
    char cmd[64] = "";
    const char *arg;

    while (isspace((unsigned char)*line)) {
        line++;
    }
    if (!*line) {
        return;
    }
    /* "x/16xb 0x1000": the command ends at the slash */
    size_t n = strcspn(line, " \t/");
    if (n >= sizeof(cmd)) {
        fprintf(out, "unknown command: '%.*s'\n", (int)n, line);
        return;
    }
    memcpy(cmd, line, n);
    cmd[n] = 0;
    arg = line + n;
    while (*arg == ' ' || *arg == '\t') {
        arg++;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "?")) {
        hmp_help(out);
    } else if (!strcmp(cmd, "info")) {
        hmp_info(arg, out);
    } else if (!strcmp(cmd, "x")) {
        hmp_memory_dump(arg, out, false);
    } else if (!strcmp(cmd, "xp")) {
        hmp_memory_dump(arg, out, true);
    } else if (!strcmp(cmd, "stop")) {
        vm_stop();
    } else if (!strcmp(cmd, "cont") || !strcmp(cmd, "c")) {
        if (runstate_get() == RUN_STATE_SHUTDOWN) {
            fprintf(out, "the VM has shut down: it cannot continue\n");
        } else {
            vm_start();
        }
    } else if (!strcmp(cmd, "system_reset")) {
        qemu_system_reset_request();
    } else if (!strcmp(cmd, "screendump")) {
        hmp_screendump(arg, out);
    } else if (!strcmp(cmd, "quit") || !strcmp(cmd, "q")) {
        qemu_system_shutdown_request();
    } else {
        fprintf(out, "unknown command: '%s' (try 'help')\n", cmd);
    }
}

/* ---- the chardev side ---- */

static void monitor_puts(Monitor *mon, const char *s, size_t len)
{
    /* raw terminals want CRLF */
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n') {
            if (i > start) {
                qemu_chr_fe_write_all(&mon->be, (const uint8_t *)s + start, i - start);
            }
            qemu_chr_fe_write_all(&mon->be, (const uint8_t *)"\r\n", 2);
            start = i + 1;
        }
    }
    if (len > start) {
        qemu_chr_fe_write_all(&mon->be, (const uint8_t *)s + start, len - start);
    }
}

static void monitor_prompt(Monitor *mon)
{
    monitor_puts(mon, "(tern) ", 7);
    mon->prompt_shown = true;
}

static void monitor_run_line(Monitor *mon)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);

    mon->line[mon->len] = 0;
    if (out) {
        hmp_execute(mon->line, out);
        fclose(out);
        monitor_puts(mon, buf, size);
        free(buf);
    }
    mon->len = 0;
    monitor_prompt(mon);
}

static int monitor_can_read(void *opaque)
{
    return HMP_LINE_MAX;
}

static void monitor_read(void *opaque, const uint8_t *buf, int size)
{
    Monitor *mon = opaque;

    for (int i = 0; i < size; i++) {
        uint8_t c = buf[i];
        if (c == '\r' || c == '\n') {
            /* CRLF from a socket client: one line */
            if (c == '\n' && i > 0 && buf[i - 1] == '\r') {
                continue;
            }
            monitor_puts(mon, "\n", 1);
            monitor_run_line(mon);
        } else if (c == 0x7f || c == 0x08) {
            if (mon->len > 0) {
                mon->len--;
                monitor_puts(mon, "\b \b", 3);
            }
        } else if (c >= 0x20 && c < 0x7f) {
            if (mon->len < HMP_LINE_MAX - 1) {
                mon->line[mon->len++] = (char)c;
                qemu_chr_fe_write_all(&mon->be, &c, 1);
            }
        }
        /* other control characters (escape sequences) are dropped */
    }
}

static void monitor_event(void *opaque, QEMUChrEvent event)
{
    Monitor *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        monitor_puts(mon, HMP_BANNER, strlen(HMP_BANNER));
        mon->len = 0;
        monitor_prompt(mon);
        break;
    case CHR_EVENT_MUX_IN:
        if (!mon->prompt_shown) {
            monitor_puts(mon, HMP_BANNER, strlen(HMP_BANNER));
        }
        monitor_prompt(mon);
        break;
    default:
        break;
    }
}

bool monitor_init_hmp(Chardev *chr, Error **errp)
{
    Monitor *mon;

    if (nr_monitors >= HMP_MAX_MONITORS) {
        error_setg(errp, "too many monitors");
        return false;
    }
    mon = calloc(1, sizeof(*mon));
    if (!qemu_chr_fe_init(&mon->be, chr, errp)) {
        free(mon);
        return false;
    }
    qemu_chr_fe_set_handlers(&mon->be, monitor_can_read, monitor_read, monitor_event, mon);
    monitors[nr_monitors++] = mon;
    return true;
}

void monitor_cleanup(void)
{
    for (int i = 0; i < nr_monitors; i++) {
        qemu_chr_fe_deinit(&monitors[i]->be, false);
        free(monitors[i]);
    }
    nr_monitors = 0;
}
