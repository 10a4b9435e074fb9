/*
 * linux-user guest memory: the page table, mmap/munmap/mprotect/mremap,
 * brk, the self-modifying-code protection, and the refusal to let the
 * guest map over the emulator's own memory.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "exec/cpu-exec.h"
#include "../../linux-user/user.h"

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

uintptr_t guest_base;

/* Stand-in for accel/tcg: remember the invalidations asked. */
static uint64_t inval_start, inval_end;
static int inval_count;
void tb_invalidate_phys_range(uint64_t start, uint64_t end)
{
    inval_start = start;
    inval_end = end;
    inval_count++;
}

static sigjmp_buf fault_jmp;
static void on_segv(int sig, siginfo_t *si, void *uc)
{
    if (page_unprotect(h2g(si->si_addr))) {
        return;
    }
    siglongjmp(fault_jmp, 1);
}

static int try_write(void *p)
{
    if (sigsetjmp(fault_jmp, 1)) {
        return 0;
    }
    *(volatile char *)p = 1;
    return 1;
}

int main(void)
{
    struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
    int64_t a, b;
    char *probe;

    sigaction(SIGSEGV, &sa, NULL);
    mmap_init();

    a = target_mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    tap_check(a > 0 && !(a & 4095), "anonymous mmap returns a page-aligned address");
    tap_check(page_get_flags(a) == (PAGE_VALID | PAGE_READ | PAGE_WRITE) &&
              page_get_flags(a + 3 * 4096 - 1) == (PAGE_VALID | PAGE_READ | PAGE_WRITE),
              "its pages are valid, readable and writable");
    tap_check(page_get_flags(a + 3 * 4096) == 0 || a + 3 * 4096 == 0, "the page after is not the guest's");
    tap_check(page_check_range(a, 3 * 4096, PAGE_READ | PAGE_WRITE), "page_check_range accepts it");
    tap_check(!page_check_range(a, 3 * 4096 + 1, PAGE_READ), "page_check_range rejects one byte more");

    tap_check(target_mprotect(a + 4096, 4096, PROT_READ) == 0, "mprotect of the middle page");
    tap_check(page_get_flags(a + 4096) == (PAGE_VALID | PAGE_READ) &&
              page_get_flags(a) == (PAGE_VALID | PAGE_READ | PAGE_WRITE) &&
              page_get_flags(a + 8192) == (PAGE_VALID | PAGE_READ | PAGE_WRITE),
              "only the middle page changed");
    tap_check(!try_write(g2h(a + 4096)), "host protection follows: a write to it faults");
    tap_check(target_mprotect(a, 3 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC) == 0,
              "mprotect rwx of the whole");
    tap_check(page_get_flags(a + 4096) == (PAGE_VALID | PAGE_READ | PAGE_WRITE | PAGE_EXEC),
              "flags merged back");

    /* Self-modifying code protection. */
    inval_count = 0;
    page_protect(a + 4096 + 12);
    tap_check(page_get_flags(a + 4096) == (PAGE_VALID | PAGE_READ | PAGE_EXEC | PAGE_WRITE_ORG),
              "page_protect turns PAGE_WRITE into PAGE_WRITE_ORG");
    tap_check(page_check_range(a + 4096, 10, PAGE_WRITE), "a protected page still counts as writable");
    tap_check(try_write(g2h(a + 4096 + 100)) && inval_count == 1 && inval_start == (uint64_t)a + 4096 &&
              inval_end == (uint64_t)a + 8192,
              "a write to it faults, unprotects and invalidates that page only");
    tap_check(page_get_flags(a + 4096) == (PAGE_VALID | PAGE_READ | PAGE_WRITE | PAGE_EXEC),
              "the page is writable again");
    tap_check(!page_unprotect(a + 4096), "page_unprotect of an unprotected page is false");
    page_protect(a);
    inval_count = 0;
    tap_check(user_access_ok(a, 16, PAGE_WRITE) && inval_count == 1 &&
              (page_get_flags(a) & PAGE_WRITE), "user_access_ok for write unprotects code pages");
    page_protect(a + 8192);
    inval_count = 0;
    tap_check(target_munmap(a + 8192, 4096) == 0 && inval_count == 1 && page_get_flags(a + 8192) == 0,
              "munmap of a translated page invalidates and forgets it");
    tap_check(target_mprotect(a, 3 * 4096, PROT_READ) == -ENOMEM,
              "mprotect over an unmapped hole is ENOMEM");

    /* MAP_FIXED inside a guest mapping is allowed. */
    b = target_mmap(a, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    tap_check(b == a && page_get_flags(a) == (PAGE_VALID | PAGE_READ), "MAP_FIXED over guest memory");
    tap_check(target_mmap(a, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0)
              == -EEXIST, "MAP_FIXED_NOREPLACE over guest memory is EEXIST");

    /* The emulator's own memory can't be clobbered. */
    probe = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(probe, "emulator");
    b = target_mmap(h2g(probe), 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                    -1, 0);
    tap_check(b == -ENOMEM && strcmp(probe, "emulator") == 0,
              "MAP_FIXED over emulator memory is refused (%lld)", (long long)b);
    tap_check(target_munmap(h2g(probe), 8192) == 0 && strcmp(probe, "emulator") == 0,
              "munmap of emulator memory succeeds without unmapping it");
    tap_check(target_mprotect(h2g(probe), 4096, PROT_NONE) == -ENOMEM && strcmp(probe, "emulator") == 0,
              "mprotect of emulator memory is ENOMEM");
    /* A fixed map straddling guest memory and free space works. */
    munmap(probe, 8192);
    b = target_mmap(h2g(probe), 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                    -1, 0);
    tap_check(b == (int64_t)h2g(probe), "MAP_FIXED in free space works");
    target_munmap(b, 8192);
    b = target_mmap(0, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    target_munmap(b + 4096, 4096);
    tap_check(target_mmap(b, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                          -1, 0) == b && page_check_range(b, 3 * 4096, PAGE_READ | PAGE_WRITE),
              "MAP_FIXED over guest pages and a free gap works");
    target_munmap(b, 3 * 4096);

    /* mremap */
    b = target_mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(g2h(b), "moved");
    {
        int64_t c = target_mremap(b, 4096, 64 * 4096, MREMAP_MAYMOVE, 0);
        tap_check(c > 0 && strcmp(g2h(c), "moved") == 0 &&
                  page_check_range(c, 64 * 4096, PAGE_READ | PAGE_WRITE) &&
                  (c == b || page_get_flags(b) == 0), "mremap grows and keeps contents and flags");
        tap_check(target_mremap(a + 100 * 4096 * 4096ull, 4096, 8192, MREMAP_MAYMOVE, 0) == -EFAULT,
                  "mremap of non-guest memory is EFAULT");
        target_munmap(c, 64 * 4096);
    }

    /* brk */
    {
        int64_t base = target_mmap(0, 1 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        uint64_t r;
        target_munmap(base, 1 << 20);
        target_brk_init(base + 100);
        r = target_brk(0);
        tap_check(r == (uint64_t)base + 4096, "brk(0) returns the initial break (aligned start)");
        r = target_brk(base + 4096 + 10000);
        tap_check(r == (uint64_t)base + 4096 + 10000 &&
                  page_check_range(base + 4096, 10000, PAGE_READ | PAGE_WRITE),
                  "brk grows with readable, writable pages");
        memset(g2h(base + 4096), 0x5a, 10000);
        r = target_brk(base + 4096 + 10);
        tap_check(r == (uint64_t)base + 4096 + 10 && page_get_flags(base + 3 * 4096) == 0,
                  "brk shrinks and unmaps");
        r = target_brk(base + 8192 + 4096);
        tap_check(r == (uint64_t)base + 8192 + 4096 && *(char *)g2h(base + 8192) == 0,
                  "pages regrown are zero");
        /* An obstacle stops the break without clobbering it. */
        probe = mmap(g2h(base + 64 * 4096), 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        r = target_brk(base + 128 * 4096);
        tap_check(r == (uint64_t)base + 8192 + 4096, "brk refuses to grow over foreign memory");
        munmap(probe, 4096);
        target_brk(base + 4096);
    }

    /* /proc/self/maps of the guest */
    {
        char path[] = "/tmp/test-user-maps-XXXXXX";
        int fd = mkstemp(path);
        char buf[8192] = "";
        char want[64];
        ssize_t n;
        unlink(path);
        mmap_write_proc_maps(fd);
        lseek(fd, 0, SEEK_SET);
        n = read(fd, buf, sizeof(buf) - 1);
        buf[n > 0 ? n : 0] = 0;
        snprintf(want, sizeof(want), "%08llx-%08llx r--p", (unsigned long long)a,
                 (unsigned long long)a + 4096);
        tap_check(strstr(buf, want) != NULL, "maps shows the guest mapping (%s)", want);
        tap_check(strstr(buf, "[vdso]") == NULL && strstr(buf, "test-user-mmap") == NULL,
                  "maps hides the emulator's own mappings");
        close(fd);
    }

    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
