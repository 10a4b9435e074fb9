/*
 * /proc/self/auxv, cmdline and environ show the program's own view: the
 * auxiliary vector getauxval() reads, the argument and environment
 * strings of its initial stack (also after the program rewrote one in
 * place, as setproctitle does), not the emulator's.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

static size_t slurp(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY);
    size_t n = 0;
    ssize_t r;

    if (fd < 0) {
        return 0;
    }
    while (n < len && (r = read(fd, buf + n, len - n)) > 0) {
        n += (size_t)r;
    }
    close(fd);
    return n;
}

/* Whether buf[0..n) is the NUL-terminated strings of v, in order. */
static int same_strings(const char *buf, size_t n, char **v)
{
    size_t pos = 0;

    for (; *v; v++) {
        size_t l = strlen(*v) + 1;
        if (pos + l > n || memcmp(buf + pos, *v, l) != 0) {
            return 0;
        }
        pos += l;
    }
    return pos == n;
}

int main(int argc, char **argv, char **envp)
{
    static char buf[1 << 16];
    Elf64_auxv_t *a = (Elf64_auxv_t *)buf;
    size_t n = slurp("/proc/self/auxv", buf, sizeof(buf));
    int entries = 0, match = 1, seen_null = 0;

    for (size_t i = 0; i < n / sizeof(*a); i++) {
        if (a[i].a_type == AT_NULL) {
            seen_null = 1;
            break;
        }
        entries++;
        /* glibc's getauxval answers AT_HWCAP/2 from its own x86 bits */
        if (a[i].a_type != AT_HWCAP && a[i].a_type != AT_HWCAP2 &&
            getauxval(a[i].a_type) != a[i].a_un.a_val) {
            printf("auxv type %lu: file %#lx, getauxval %#lx\n", (unsigned long)a[i].a_type,
                   (unsigned long)a[i].a_un.a_val, getauxval(a[i].a_type));
            match = 0;
        }
    }
    printf("auxv: ends with AT_NULL %d, entries agree with getauxval %d, has AT_ENTRY %d\n",
           seen_null, match && entries > 5, getauxval(AT_ENTRY) != 0);

    n = slurp("/proc/self/cmdline", buf, sizeof(buf));
    printf("cmdline: argc %d, same strings as argv %d\n", argc, same_strings(buf, n, argv));
    n = slurp("/proc/self/environ", buf, sizeof(buf));
    printf("environ: same strings as envp %d\n", same_strings(buf, n, envp));

    /* rewrite argv[0] in place, keeping its length */
    memset(argv[0], 'x', strlen(argv[0]));
    n = slurp("/proc/self/cmdline", buf, sizeof(buf));
    printf("cmdline after rewriting argv[0]: same strings as argv %d\n",
           same_strings(buf, n, argv));
    return 0;
}
