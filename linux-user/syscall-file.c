/*
 * File system calls that need more than a pass-through: paths the
 * emulator rewrites (the -L sysroot, /proc/self/exe naming the guest
 * program, /proc/self/maps showing only the guest's mappings), and calls
 * whose pointer arguments depend on another argument (ioctl, fcntl).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec/cpu-exec.h"
#include "user.h"

/* A guest string, or NULL when it is not readable guest memory. */
static const char *guest_str(uint64_t a)
{
    if (!a) {
        return NULL;
    }
    /* Strings are checked page by page up to their NUL. */
    for (uint64_t p = a;; p = (p | (TARGET_PAGE_SIZE - 1)) + 1) {
        const char *s = g2h(p);
        uint64_t end = (p | (TARGET_PAGE_SIZE - 1)) + 1;
        if (!page_check_range(p, 1, PAGE_READ)) {
            return NULL;
        }
        if (memchr(s, 0, end - p)) {
            return g2h(a);
        }
        if (end - a > PATH_MAX * 4) {
            return NULL;
        }
    }
}

/* Whether path names this process's /proc directory entry "what". */
bool is_proc_self(const char *path, const char *what)
{
    char buf[64];

    if (strncmp(path, "/proc/self/", 11) == 0) {
        return strcmp(path + 11, what) == 0;
    }
    if (strncmp(path, "/proc/thread-self/", 18) == 0) {
        return strcmp(path + 18, what) == 0;
    }
    snprintf(buf, sizeof(buf), "/proc/%d/", (int)getpid());
    return strncmp(path, buf, strlen(buf)) == 0 && strcmp(path + strlen(buf), what) == 0;
}

/* The path the host should use: under the sysroot when it exists there. */
static const char *host_path(const char *path, char *buf, size_t len)
{
    struct stat st;

    if (user_opts.sysroot && path[0] == '/' &&
        (size_t)snprintf(buf, len, "%s%s", user_opts.sysroot, path) < len &&
        lstat(buf, &st) == 0) {
        return buf;
    }
    return path;
}

/* Write guest memory [start, end) to fd; what is not readable ends it. */
static int write_guest_range(int fd, uint64_t start, uint64_t end)
{
    for (uint64_t p = start; p < end;) {
        uint64_t n = end - p;
        ssize_t w;
        if (!page_check_range(p, 1, PAGE_READ)) {
            break;
        }
        if (n > TARGET_PAGE_SIZE - (p & (TARGET_PAGE_SIZE - 1))) {
            n = TARGET_PAGE_SIZE - (p & (TARGET_PAGE_SIZE - 1));
        }
        w = write(fd, g2h(p), n);
        if (w < 0) {
            return -errno;
        }
        p += (uint64_t)w;
    }
    return 0;
}

/*
 * The /proc/self files that must show the guest's view rather than the
 * emulator's, as a file of their contents (a memfd). NULL-named: not one
 * of them. maps: the guest's mappings only; auxv: the auxiliary vector
 * the program started with; cmdline and environ: the strings of the
 * initial stack, as the guest left them.
 */
static const char *const proc_self_files[] = { "maps", "auxv", "cmdline", "environ" };

static int64_t open_proc_self(int which)
{
    int fd = memfd_create(proc_self_files[which], MFD_CLOEXEC);
    int r = 0;

    if (fd < 0) {
        return -errno;
    }
    switch (which) {
    case 0:
        r = mmap_write_proc_maps(fd);
        break;
    case 1:
        if (write(fd, user_image.saved_auxv, user_image.auxv_bytes) < 0) {
            r = -errno;
        }
        break;
    case 2:
        r = write_guest_range(fd, user_image.arg_start, user_image.arg_end);
        break;
    case 3:
        r = write_guest_range(fd, user_image.env_start, user_image.env_end);
        break;
    }
    if (r < 0) {
        close(fd);
        return r;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

static int64_t do_openat(int dirfd, uint64_t gpath, int flags, int mode)
{
    const char *path = guest_str(gpath);
    char buf[PATH_MAX];

    if (!path) {
        return -EFAULT;
    }
    for (int i = 0; i < (int)(sizeof(proc_self_files) / sizeof(proc_self_files[0])); i++) {
        if (is_proc_self(path, proc_self_files[i])) {
            int64_t fd = open_proc_self(i);
            if (fd >= 0 && !(flags & O_CLOEXEC)) {
                fcntl((int)fd, F_SETFD, 0);
            }
            return fd;
        }
    }
    if (is_proc_self(path, "exe")) {
        path = user_opts.exe_path;
    }
    /* opening a FIFO blocks */
    return safe_syscall(SYS_openat, (uint64_t)dirfd,
                        (uint64_t)(uintptr_t)host_path(path, buf, sizeof(buf)), (uint64_t)flags,
                        (uint64_t)mode, 0, 0);
}

static int64_t do_readlinkat(int dirfd, uint64_t gpath, uint64_t gbuf, uint64_t size)
{
    const char *path = guest_str(gpath);
    char buf[PATH_MAX];

    if (!path) {
        return -EFAULT;
    }
    if ((int64_t)size <= 0) {
        return -EINVAL;
    }
    user_access_ok(gbuf, size, PAGE_WRITE);
    if (is_proc_self(path, "exe")) {
        char real[PATH_MAX];
        size_t n;
        if (!realpath(user_opts.exe_path, real)) {
            return -errno;
        }
        n = strlen(real);
        if (n > size) {
            n = size;
        }
        if (!page_check_range(gbuf, n, PAGE_WRITE)) {
            return -EFAULT;
        }
        memcpy(g2h(gbuf), real, n);
        return (int64_t)n;
    }
    return host_ret(syscall(SYS_readlinkat, dirfd, host_path(path, buf, sizeof(buf)), g2h(gbuf),
                            size));
}

/* stat-like calls taking (dirfd,) path: rewrite the path argument only */
static int64_t do_path_call(SyscallArgs *sa, int path_arg)
{
    const char *path = guest_str(sa->a[path_arg]);
    char buf[PATH_MAX];
    uint64_t a[6];

    if (!path) {
        return -EFAULT;
    }
    if (is_proc_self(path, "exe")) {
        path = user_opts.exe_path;
    }
    for (int i = 0; i < 6; i++) {
        a[i] = sa->a[i];
    }
    a[path_arg] = (uint64_t)(uintptr_t)host_path(path, buf, sizeof(buf));
    switch (sa->nr) {
    case SYS_stat:
    case SYS_lstat:
        a[1] = (uint64_t)(uintptr_t)g2h(sa->a[1]);
        break;
    case SYS_newfstatat:
        a[2] = (uint64_t)(uintptr_t)g2h(sa->a[2]);
        break;
    case SYS_statx:
        a[4] = (uint64_t)(uintptr_t)g2h(sa->a[4]);
        break;
    }
    return host_ret(syscall(sa->nr, a[0], a[1], a[2], a[3], a[4], a[5]));
}

bool syscall_file(SyscallArgs *sa, int64_t *ret)
{
    uint64_t *a = sa->a;

    switch (sa->nr) {
    case SYS_open:
        *ret = do_openat(AT_FDCWD, a[0], (int)a[1], (int)a[2]);
        return true;
    case SYS_openat:
        *ret = do_openat((int)a[0], a[1], (int)a[2], (int)a[3]);
        return true;
    case SYS_readlink:
        *ret = do_readlinkat(AT_FDCWD, a[0], a[1], a[2]);
        return true;
    case SYS_readlinkat:
        *ret = do_readlinkat((int)a[0], a[1], a[2], a[3]);
        return true;
    case SYS_stat:
    case SYS_lstat:
    case SYS_access:
        *ret = do_path_call(sa, 0);
        return true;
    case SYS_newfstatat:
    case SYS_statx:
    case SYS_faccessat:
    case SYS_faccessat2:
        if (!a[1]) {
            *ret = host_ret(syscall(sa->nr, a[0], 0, sa->nr == SYS_newfstatat ? (uint64_t)(uintptr_t)g2h(a[2]) : a[2], a[3],
                                    sa->nr == SYS_statx ? (uint64_t)(uintptr_t)g2h(a[4]) : a[4], a[5]));
            return true;
        }
        *ret = do_path_call(sa, 1);
        return true;
    case SYS_ioctl: {
        /* Every ioctl's structures are the host's (same architecture);
         * the argument is a pointer when it points into guest memory. */
        uint64_t arg = a[2];
        if (arg && guest_base && page_check_range(arg, 1, 0)) {
            arg = (uint64_t)(uintptr_t)g2h(arg);
        }
        *ret = safe_syscall(SYS_ioctl, a[0], a[1], arg, 0, 0, 0); /* TCSETSW waits */
        return true;
    }
    case SYS_fcntl: {
        uint64_t arg = a[2];
        switch ((int)a[1]) {
        case F_GETLK:
        case F_SETLK:
        case F_SETLKW:
        case F_OFD_GETLK:
        case F_OFD_SETLK:
        case F_OFD_SETLKW:
        case F_GETOWN_EX:
        case F_SETOWN_EX:
            arg = (uint64_t)(uintptr_t)g2h(arg);
            break;
        }
        *ret = safe_syscall(SYS_fcntl, a[0], a[1], arg, 0, 0, 0); /* F_SETLKW waits */
        return true;
    }
    }
    return false;
}
