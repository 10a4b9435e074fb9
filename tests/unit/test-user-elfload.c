/*
 * linux-user's ELF loader: a static and a dynamically linked (PIE +
 * interpreter) host program are loaded into guest memory and the initial
 * stack is checked word by word against the ABI; malformed files are
 * refused with a one-line reason.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "exec/cpu-exec.h"
#include "../../linux-user/user.h"

uintptr_t guest_base;
void tb_invalidate_phys_range(uint64_t start, uint64_t end) {}

static int failures, test_no;

static void tap_check(int cond, const char *fmt, ...)
{
    va_list ap;

    printf("%s %d - ", cond ? "ok" : "not ok", ++test_no);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    failures += !cond;
}

static uint64_t auxv_get(const ImageInfo *info, int argc, int envc, uint64_t type, int *found)
{
    uint64_t *v = g2h(info->start_stack + 8 * (1 + argc + 1 + envc + 1));

    *found = 0;
    for (; v[0] != AT_NULL; v += 2) {
        if (v[0] == type) {
            *found = 1;
            return v[1];
        }
    }
    return 0;
}

static bool file_bytes_match(const char *path, uint64_t off, uint64_t guest, size_t len)
{
    char *buf = malloc(len);
    int fd = open(path, O_RDONLY);
    bool ok = fd >= 0 && pread(fd, buf, len, off) == (ssize_t)len && memcmp(buf, g2h(guest), len) == 0;
    close(fd);
    free(buf);
    return ok;
}

static void check_stack(const char *what, const ImageInfo *info, int argc, char **argv, char **envp)
{
    uint64_t *sp = g2h(info->start_stack);
    int envc = 0, found;
    bool ok = true;
    uint64_t v;

    while (envp[envc]) {
        envc++;
    }
    tap_check((info->start_stack & 15) == 0, "%s: rsp is 16-byte aligned", what);
    tap_check(sp[0] == (uint64_t)argc, "%s: argc", what);
    for (int i = 0; i < argc; i++) {
        ok &= strcmp(g2h(sp[1 + i]), argv[i]) == 0;
    }
    tap_check(ok && sp[1 + argc] == 0, "%s: argv strings and NULL", what);
    ok = true;
    for (int i = 0; i < envc; i++) {
        ok &= strcmp(g2h(sp[2 + argc + i]), envp[i]) == 0;
    }
    tap_check(ok && sp[2 + argc + envc] == 0, "%s: envp strings and NULL", what);
    v = auxv_get(info, argc, envc, AT_PAGESZ, &found);
    tap_check(found && v == 4096, "%s: AT_PAGESZ", what);
    v = auxv_get(info, argc, envc, AT_PHDR, &found);
    tap_check(found && v == info->phdr && (((Elf64_Phdr *)g2h(v))->p_type == PT_PHDR ||
                                           ((Elf64_Phdr *)g2h(v))->p_type == PT_LOAD),
              "%s: AT_PHDR points at the program headers", what);
    v = auxv_get(info, argc, envc, AT_PHNUM, &found);
    tap_check(found && v == info->phnum, "%s: AT_PHNUM", what);
    v = auxv_get(info, argc, envc, AT_ENTRY, &found);
    tap_check(found && v == info->entry, "%s: AT_ENTRY", what);
    v = auxv_get(info, argc, envc, AT_BASE, &found);
    tap_check(found && v == info->interp_base, "%s: AT_BASE", what);
    v = auxv_get(info, argc, envc, AT_RANDOM, &found);
    tap_check(found && page_check_range(v, 16, PAGE_READ), "%s: AT_RANDOM points at 16 bytes", what);
    v = auxv_get(info, argc, envc, AT_PLATFORM, &found);
    tap_check(found && strcmp(g2h(v), "x86_64") == 0, "%s: AT_PLATFORM", what);
    v = auxv_get(info, argc, envc, AT_EXECFN, &found);
    tap_check(found && strcmp(g2h(v), argv[0]) == 0, "%s: AT_EXECFN", what);
    v = auxv_get(info, argc, envc, AT_HWCAP, &found);
    tap_check(found && v == 0x178bfbff, "%s: AT_HWCAP", what);
    v = auxv_get(info, argc, envc, AT_UID, &found);
    tap_check(found && v == getuid(), "%s: AT_UID", what);
    auxv_get(info, argc, envc, AT_SYSINFO_EHDR, &found);
    tap_check(!found, "%s: no AT_SYSINFO_EHDR (no vDSO)", what);
}

static void write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
        perror(path);
    }
    close(fd);
}

static void check_refused(const char *what, const char *path, const char *reason)
{
    char err[256] = "";
    char *argv[] = { (char *)path, NULL };
    char *envp[] = { NULL };
    LoadParams lp = { .path = path, .argc = 1, .argv = argv, .envp = envp };
    ImageInfo info;
    int r = elf_load_program(&lp, &info, err, sizeof(err));

    tap_check(r < 0 && strstr(err, reason) && strncmp(err, path, strlen(path)) == 0 && !strchr(err, '\n'),
              "%s refused: \"%s\"", what, err);
}

int main(void)
{
    char *envp[] = { "A=1", "HOME=/nowhere", NULL };
    char err[256] = "";
    ImageInfo info;
    int r;

    mmap_init();
    {
        char *argv[] = { "/bin/busybox", "echo", "hello", NULL };
        LoadParams lp = { .path = "/bin/busybox", .argc = 3, .argv = argv, .envp = envp,
                          .hwcap = 0x178bfbff };
        r = elf_load_program(&lp, &info, err, sizeof(err));
        tap_check(r == 0, "static busybox loads (%s)", err);
        if (r == 0) {
            tap_check(info.interp_base == 0 && info.start_pc == info.entry && info.load_bias == 0,
                      "static: starts at its own entry");
            tap_check(page_get_flags(info.entry) & PAGE_EXEC, "static: entry is executable");
            tap_check(file_bytes_match("/bin/busybox", 0, info.start_code, 64),
                      "static: the first segment holds the file's bytes");
            tap_check(info.start_brk > info.end_data && !(info.start_brk & 4095),
                      "static: brk starts page aligned after the data");
            check_stack("static", &info, 3, argv, envp);
        }
    }
    {
        char *argv[] = { "/bin/true", NULL };
        LoadParams lp = { .path = "/bin/true", .argc = 1, .argv = argv, .envp = envp,
                          .hwcap = 0x178bfbff };
        r = elf_load_program(&lp, &info, err, sizeof(err));
        tap_check(r == 0, "PIE /bin/true loads with its interpreter (%s)", err);
        if (r == 0) {
            tap_check(info.load_bias != 0 && (info.load_bias & 4095) == 0, "PIE: loaded at a page-aligned bias");
            tap_check(info.interp_base != 0 && info.start_pc != info.entry &&
                      (page_get_flags(info.start_pc) & PAGE_EXEC), "PIE: starts in the interpreter");
            tap_check(memcmp(g2h(info.interp_base), ELFMAG, 4) == 0, "PIE: AT_BASE points at the interpreter's ELF header");
            tap_check(file_bytes_match("/bin/true", 0, info.start_code, 256), "PIE: the program's bytes are mapped");
            check_stack("PIE", &info, 1, argv, envp);
        }
    }

    /* Malformed files */
    {
        char buf[256];
        int fd = open("/bin/true", O_RDONLY);
        Elf64_Ehdr eh;
        if (pread(fd, buf, sizeof(buf), 0) != sizeof(buf)) {
            perror("read");
        }
        close(fd);
        write_file("/tmp/tern-test-notelf", "#hello world\n", 13);
        check_refused("a text file", "/tmp/tern-test-notelf", "not an ELF file");
        write_file("/tmp/tern-test-trunc", buf, 40);
        check_refused("a 40-byte ELF", "/tmp/tern-test-trunc", "truncated");
        write_file("/tmp/tern-test-trunc2", buf, 200);
        check_refused("an ELF cut inside its program headers", "/tmp/tern-test-trunc2", "truncated");
        memcpy(&eh, buf, sizeof(eh));
        eh.e_machine = EM_AARCH64;
        memcpy(buf, &eh, sizeof(eh));
        write_file("/tmp/tern-test-arm", buf, sizeof(buf));
        check_refused("an aarch64 ELF", "/tmp/tern-test-arm", "wrong architecture");
        buf[EI_CLASS] = ELFCLASS32;
        write_file("/tmp/tern-test-32", buf, sizeof(buf));
        check_refused("a 32-bit ELF", "/tmp/tern-test-32", "64-bit");
        check_refused("a missing file", "/tmp/tern-test-missing", "No such file");
        unlink("/tmp/tern-test-notelf");
        unlink("/tmp/tern-test-trunc");
        unlink("/tmp/tern-test-trunc2");
        unlink("/tmp/tern-test-arm");
        unlink("/tmp/tern-test-32");
    }
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
