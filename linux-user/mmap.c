/*
 * Guest memory for linux-user.
 *
 * The guest's mappings are host mappings made on its behalf at
 * g2h(guest address) (guest_base is 0 unless -B moves it). A table of
 * guest-owned ranges with their PAGE_* flags is the truth about what the
 * guest may touch: munmap/mprotect/mremap only ever act on guest-owned
 * ranges, and MAP_FIXED outside them only succeeds where the host has
 * nothing mapped (MAP_FIXED_NOREPLACE probes), so a guest can never
 * clobber the emulator's own memory.
 *
 * The table is a sorted array of disjoint [start, end) ranges with equal
 * flags, merged when neighbours agree. All changes happen under the
 * (recursive) mmap lock. tb_invalidate_phys_range is only ever called
 * with the lock dropped: the translator takes its own lock and then ours
 * (page_protect), so holding ours while taking theirs could deadlock.
 *
 * Self-modifying code: page_protect() removes host write access from a
 * writable page once code is translated from it (PAGE_WRITE becomes
 * PAGE_WRITE_ORG); page_unprotect() undoes that on the first write fault
 * and drops the translations. PAGE_TRANSLATED remembers that a page holds
 * translated code even when it was not writable, so munmap/mprotect know
 * to invalidate. PAGE_SHARED marks MAP_SHARED memory, whose code can be
 * changed behind our back through another mapping: accel/tcg verifies
 * the code of TBs from those pages at every entry (docs/linux-user.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "exec/cpu-exec.h"
#include "user.h"

#define PAGE_TRANSLATED 0x20 /* internal: code was translated from it */
#define PAGE_PUBLIC_MASK (0x1f | PAGE_SHARED)
#ifndef PROT_SEM
#define PROT_SEM 0x8
#endif

uint64_t mmap_next_hint;

typedef struct PageRange {
    uint64_t start, end;
    int flags;
} PageRange;

static PageRange *ranges;
static size_t nb_ranges, cap_ranges;
static pthread_mutex_t mmap_mutex;
static pthread_once_t mmap_once = PTHREAD_ONCE_INIT;

static uint64_t brk_start, brk_cur, brk_end; /* brk_end: mapped, page aligned */
static uint64_t stack_start, stack_end;

static void mmap_mutex_init(void)
{
    pthread_mutexattr_t attr;

    /* Recursive: the SIGSEGV handler may run page_unprotect in a thread
     * that is itself in here (emulator code writing guest memory). */
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&mmap_mutex, &attr);
    pthread_mutexattr_destroy(&attr);
}

void mmap_init(void)
{
    pthread_once(&mmap_once, mmap_mutex_init);
}

void mmap_lock(void)
{
    pthread_once(&mmap_once, mmap_mutex_init);
    pthread_mutex_lock(&mmap_mutex);
}

void mmap_unlock(void)
{
    pthread_mutex_unlock(&mmap_mutex);
}

void mmap_fork_child(void)
{
    mmap_mutex_init();
}

/* Index of the first range whose end is above addr. */
static size_t range_find(uint64_t addr)
{
    size_t lo = 0, hi = nb_ranges;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ranges[mid].end <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static void range_insert(size_t i, uint64_t start, uint64_t end, int flags)
{
    if (nb_ranges == cap_ranges) {
        size_t ncap = cap_ranges ? cap_ranges * 2 : 64;
        PageRange *n = realloc(ranges, ncap * sizeof(*n));
        if (!n) {
            /* Out of host memory: nothing sensible is left to do. */
            fprintf(stderr, "tern-x86_64: out of memory for the page table\n");
            abort();
        }
        ranges = n;
        cap_ranges = ncap;
    }
    if (nb_ranges > i) {
        memmove(&ranges[i + 1], &ranges[i], (nb_ranges - i) * sizeof(*ranges));
    }
    ranges[i] = (PageRange){ start, end, flags };
    nb_ranges++;
}

static void range_remove(size_t i, size_t n)
{
    if (n && nb_ranges > i + n) {
        memmove(&ranges[i], &ranges[i + n], (nb_ranges - i - n) * sizeof(*ranges));
    }
    nb_ranges -= n;
}

void page_set_flags(uint64_t start, uint64_t end, int flags)
{
    size_t i, j;

    if (start >= end) {
        return;
    }
    mmap_lock();
    i = range_find(start);
    /* Split a range straddling start. */
    if (i < nb_ranges && ranges[i].start < start) {
        range_insert(i + 1, start, ranges[i].end, ranges[i].flags);
        ranges[i].end = start;
        i++;
    }
    /* Drop every range inside [start, end), splitting the last. */
    j = i;
    while (j < nb_ranges && ranges[j].end <= end) {
        j++;
    }
    if (j < nb_ranges && ranges[j].start < end) {
        ranges[j].start = end;
    }
    range_remove(i, j - i);
    if (flags) {
        range_insert(i, start, end, flags);
        /* Merge with equal neighbours. */
        if (i + 1 < nb_ranges && ranges[i + 1].start == end && ranges[i + 1].flags == flags) {
            ranges[i].end = ranges[i + 1].end;
            range_remove(i + 1, 1);
        }
        if (i > 0 && ranges[i - 1].end == start && ranges[i - 1].flags == flags) {
            ranges[i - 1].end = ranges[i].end;
            range_remove(i, 1);
        }
    }
    mmap_unlock();
}

static int page_get_flags_locked(uint64_t addr)
{
    size_t i = range_find(addr);

    if (i < nb_ranges && ranges[i].start <= addr) {
        return ranges[i].flags;
    }
    return 0;
}

int page_get_flags(uint64_t addr)
{
    int f;

    mmap_lock();
    f = page_get_flags_locked(addr) & PAGE_PUBLIC_MASK;
    mmap_unlock();
    return f;
}

/* The OR (any) and AND (all, over a fully covered range) of the flags
 * in [start, end); *covered says whether no byte is left unowned. */
static int range_flags(uint64_t start, uint64_t end, int *all, bool *covered)
{
    int any = 0, every = -1;
    uint64_t pos = start;

    for (size_t i = range_find(start); i < nb_ranges && ranges[i].start < end; i++) {
        if (ranges[i].start > pos) {
            every = 0;
        }
        any |= ranges[i].flags;
        every &= ranges[i].flags;
        pos = ranges[i].end;
    }
    if (pos < end) {
        every = 0;
    }
    if (all) {
        *all = every;
    }
    if (covered) {
        *covered = pos >= end && every != 0;
    }
    return any;
}

bool page_check_range(uint64_t addr, uint64_t len, int flags)
{
    uint64_t end = addr + len;
    uint64_t pos = addr & TARGET_PAGE_MASK;
    bool ok = true;

    if (len == 0) {
        return true;
    }
    if (end < addr || end > USER_ADDR_LIMIT) {
        return false;
    }
    mmap_lock();
    for (size_t i = range_find(pos); pos < end; i++) {
        int f;
        if (i >= nb_ranges || ranges[i].start > pos) {
            ok = false;
            break;
        }
        f = ranges[i].flags;
        if (f & PAGE_WRITE_ORG) {
            f |= PAGE_WRITE;
        }
        if ((f & (flags | PAGE_VALID)) != (flags | PAGE_VALID)) {
            ok = false;
            break;
        }
        pos = ranges[i].end;
    }
    mmap_unlock();
    return ok;
}

static int host_prot_of(int flags)
{
    int prot = 0;

    if (flags & (PAGE_READ | PAGE_EXEC | PAGE_WRITE)) {
        prot |= PROT_READ;
    }
    if (flags & PAGE_WRITE) {
        prot |= PROT_WRITE;
    }
    return prot;
}

static int guest_flags_of_prot(int prot)
{
    int flags = PAGE_VALID;

    /* x86 pages that are writable or executable are also readable. */
    if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) {
        flags |= PAGE_READ;
    }
    if (prot & PROT_WRITE) {
        flags |= PAGE_WRITE;
    }
    if (prot & PROT_EXEC) {
        flags |= PAGE_EXEC;
    }
    return flags;
}

void page_protect(uint64_t addr)
{
    uint64_t page = addr & TARGET_PAGE_MASK;
    int flags;

    mmap_lock();
    flags = page_get_flags_locked(page);
    /* Enforced on every call: accel/tcg calls this whenever a page gets
     * its first TB, which may follow an invalidation we raced with. */
    if (flags & PAGE_VALID) {
        flags |= PAGE_TRANSLATED;
        if (flags & PAGE_WRITE) {
            flags = (flags & ~PAGE_WRITE) | PAGE_WRITE_ORG;
            mprotect(g2h(page), TARGET_PAGE_SIZE, host_prot_of(flags));
        }
        page_set_flags(page, page + TARGET_PAGE_SIZE, flags);
    }
    mmap_unlock();
}

bool page_unprotect(uint64_t addr)
{
    uint64_t page = addr & TARGET_PAGE_MASK;
    int flags;

    mmap_lock();
    flags = page_get_flags_locked(page);
    if (!(flags & PAGE_WRITE_ORG)) {
        mmap_unlock();
        return false;
    }
    flags = (flags | PAGE_WRITE) & ~(PAGE_WRITE_ORG | PAGE_TRANSLATED);
    mprotect(g2h(page), TARGET_PAGE_SIZE, host_prot_of(flags));
    page_set_flags(page, page + TARGET_PAGE_SIZE, flags);
    mmap_unlock();
    tb_invalidate_phys_range(page, page + TARGET_PAGE_SIZE);
    return true;
}

bool user_access_ok(uint64_t addr, uint64_t len, int flags)
{
    uint64_t end = addr + len;

    if (!page_check_range(addr, len, flags)) {
        return false;
    }
    if ((flags & PAGE_WRITE) && len) {
        for (uint64_t p = addr & TARGET_PAGE_MASK; p < end; p += TARGET_PAGE_SIZE) {
            if (page_get_flags(p) & PAGE_WRITE_ORG) {
                page_unprotect(p);
            }
        }
    }
    return true;
}

/*
 * Forget translations in [start, end) if any page there held code; the
 * flags are reset first so the pages are seen as untranslated. Call with
 * the mmap lock NOT held.
 */
static void invalidate_if_translated(uint64_t start, uint64_t end, bool had_code)
{
    if (had_code) {
        tb_invalidate_phys_range(start, end);
    }
}

static bool guest_range_ok(uint64_t addr, uint64_t len)
{
    return addr + len >= addr && addr + len <= USER_ADDR_LIMIT;
}

/* Undo probe reservations made by reserve_free_gaps. */
static void release_gaps(uint64_t start, uint64_t end, uint64_t upto)
{
    uint64_t pos = start;

    for (size_t i = range_find(start); pos < upto; i++) {
        uint64_t gap_end = (i < nb_ranges && ranges[i].start < end) ? ranges[i].start : end;
        if (gap_end > upto) {
            gap_end = upto;
        }
        if (gap_end > pos) {
            munmap(g2h(pos), gap_end - pos);
        }
        if (i >= nb_ranges || ranges[i].start >= end) {
            break;
        }
        pos = ranges[i].end;
    }
}

/*
 * Make sure every part of [start, end) not owned by the guest is free on
 * the host, by reserving it with MAP_FIXED_NOREPLACE. On success the whole
 * range is either guest memory or our reservation, so a MAP_FIXED over it
 * clobbers nothing of the emulator's. Called with the lock held.
 */
static bool reserve_free_gaps(uint64_t start, uint64_t end)
{
    uint64_t pos = start;
    size_t i = range_find(start);

    while (pos < end) {
        uint64_t gap_end = (i < nb_ranges && ranges[i].start < end) ? ranges[i].start : end;
        if (gap_end > pos) {
            void *want = g2h(pos);
            void *p = mmap(want, gap_end - pos, PROT_NONE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE,
                           -1, 0);
            if (p != want) {
                if (p != MAP_FAILED) {
                    munmap(p, gap_end - pos); /* old kernel: a mere hint */
                }
                release_gaps(start, end, pos);
                return false;
            }
        }
        if (i >= nb_ranges || ranges[i].start >= end) {
            break;
        }
        pos = ranges[i].end;
        i++;
    }
    return true;
}

int64_t target_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, int64_t off)
{
    int host_flags = flags & ~(MAP_FIXED | MAP_FIXED_NOREPLACE);
    int gflags = guest_flags_of_prot(prot);
    int hprot = host_prot_of(gflags);
    int type = flags & MAP_TYPE;
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    bool had_code = false;
    void *p;

    if (len == 0 || (off & (TARGET_PAGE_SIZE - 1)) || (prot & ~(PROT_READ | PROT_WRITE |
                                                                 PROT_EXEC | PROT_SEM))) {
        return -EINVAL;
    }
    if (len > USER_ADDR_LIMIT) {
        return -ENOMEM;
    }
    len = TARGET_PAGE_ALIGN(len);
    if (!(flags & MAP_ANONYMOUS) && fd < 0) {
        return -EBADF;
    }
    if (type == MAP_SHARED || type == MAP_SHARED_VALIDATE) {
        gflags |= PAGE_SHARED;
    }

    mmap_lock();
    if (fixed) {
        uint64_t end = addr + len;
        int any;
        bool covered;

        if (addr & (TARGET_PAGE_SIZE - 1)) {
            mmap_unlock();
            return -EINVAL;
        }
        if (!guest_range_ok(addr, len)) {
            mmap_unlock();
            return -ENOMEM;
        }
        any = range_flags(addr, end, NULL, &covered);
        if ((flags & MAP_FIXED_NOREPLACE) && any) {
            mmap_unlock();
            return -EEXIST;
        }
        had_code = any & PAGE_TRANSLATED;
        if (!covered && !reserve_free_gaps(addr, end)) {
            mmap_unlock();
            /* Something of the emulator's (or unknown) is there. */
            return (flags & MAP_FIXED_NOREPLACE) ? -EEXIST : -ENOMEM;
        }
        p = mmap(g2h(addr), len, hprot, host_flags | MAP_FIXED, fd, off);
        if (p == MAP_FAILED) {
            int err = errno;
            if (!covered) {
                release_gaps(addr, end, end);
            }
            mmap_unlock();
            return -err;
        }
    } else {
        void *hint = NULL;

        if (addr && guest_range_ok(addr, len)) {
            hint = g2h(addr & TARGET_PAGE_MASK);
        } else if (guest_base) {
            hint = g2h(mmap_next_hint);
        }
        p = mmap(hint, len, hprot, host_flags, fd, off);
        if (p == MAP_FAILED) {
            int err = errno;
            mmap_unlock();
            return -err;
        }
        if ((uintptr_t)p < guest_base || !guest_range_ok(h2g(p), len) ||
            range_flags(h2g(p), h2g(p) + len, NULL, NULL)) {
            /* Outside the guest's address space (-B), or the host gave us
             * pages the table still believes are the guest's: never hand
             * out memory we cannot account for. */
            munmap(p, len);
            mmap_unlock();
            return -ENOMEM;
        }
        addr = h2g(p);
    }
    page_set_flags(addr, addr + len, gflags);
    mmap_unlock();
    invalidate_if_translated(addr, addr + len, had_code);
    return (int64_t)addr;
}

int target_munmap(uint64_t addr, uint64_t len)
{
    uint64_t end;
    bool had_code;

    if ((addr & (TARGET_PAGE_SIZE - 1)) || len == 0) {
        return -EINVAL;
    }
    len = TARGET_PAGE_ALIGN(len);
    end = addr + len;
    if (!guest_range_ok(addr, len)) {
        return -EINVAL;
    }
    mmap_lock();
    had_code = range_flags(addr, end, NULL, NULL) & PAGE_TRANSLATED;
    /* Unmap only what the guest owns; the rest is not the guest's to
     * touch, and unmapping nothing succeeds as on Linux. */
    for (size_t i = range_find(addr); i < nb_ranges && ranges[i].start < end; i++) {
        uint64_t s = ranges[i].start > addr ? ranges[i].start : addr;
        uint64_t e = ranges[i].end < end ? ranges[i].end : end;
        munmap(g2h(s), e - s);
    }
    page_set_flags(addr, end, 0);
    if (addr < brk_end && end > brk_start) {
        /* The guest unmapped part of its heap: brk cannot grow back over
         * pages that are no longer ours to assume. */
        if (addr <= brk_start) {
            brk_end = brk_cur = brk_start;
        } else {
            brk_end = addr;
            if (brk_cur > brk_end) {
                brk_cur = brk_end;
            }
        }
    }
    mmap_unlock();
    invalidate_if_translated(addr, end, had_code);
    return 0;
}

int target_mprotect(uint64_t addr, uint64_t len, int prot)
{
    uint64_t end;
    int gflags;
    bool covered, had_code;

    if (addr & (TARGET_PAGE_SIZE - 1)) {
        return -EINVAL;
    }
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP)) {
        return -EINVAL;
    }
    if (len == 0) {
        return 0;
    }
    len = TARGET_PAGE_ALIGN(len);
    end = addr + len;
    if (!guest_range_ok(addr, len)) {
        return -ENOMEM;
    }
    gflags = guest_flags_of_prot(prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
    mmap_lock();
    had_code = range_flags(addr, end, NULL, &covered) & PAGE_TRANSLATED;
    if (!covered) {
        mmap_unlock();
        return -ENOMEM;
    }
    if (mprotect(g2h(addr), len, host_prot_of(gflags)) < 0) {
        int err = errno;
        mmap_unlock();
        return -err;
    }
    /* the new protection, keeping what each range is (shared or not) */
    for (uint64_t pos = addr; pos < end;) {
        size_t i = range_find(pos);
        uint64_t e = ranges[i].end < end ? ranges[i].end : end;
        int keep = ranges[i].flags & PAGE_SHARED;
        page_set_flags(pos, e, gflags | keep);
        pos = e;
    }
    mmap_unlock();
    invalidate_if_translated(addr, end, had_code);
    return 0;
}

int64_t target_mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, int flags,
                      uint64_t new_addr)
{
    int all;
    bool covered, had_code;
    void *p;

    if ((old_addr & (TARGET_PAGE_SIZE - 1)) || new_len == 0 ||
        (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))) {
        return -EINVAL;
    }
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) {
        return -EINVAL;
    }
    old_len = TARGET_PAGE_ALIGN(old_len);
    new_len = TARGET_PAGE_ALIGN(new_len);
    if (!guest_range_ok(old_addr, old_len) || new_len > USER_ADDR_LIMIT) {
        return -EINVAL;
    }
    mmap_lock();
    had_code = range_flags(old_addr, old_addr + (old_len ? old_len : TARGET_PAGE_SIZE), &all,
                           &covered) & PAGE_TRANSLATED;
    if (!covered) {
        mmap_unlock();
        return -EFAULT;
    }
    all &= ~(PAGE_TRANSLATED | PAGE_WRITE_ORG);
    if (range_flags(old_addr, old_addr + old_len, NULL, NULL) & PAGE_WRITE_ORG) {
        all |= PAGE_WRITE;
    }
    if (flags & MREMAP_FIXED) {
        bool ncovered;
        if ((new_addr & (TARGET_PAGE_SIZE - 1)) || !guest_range_ok(new_addr, new_len)) {
            mmap_unlock();
            return -EINVAL;
        }
        range_flags(new_addr, new_addr + new_len, NULL, &ncovered);
        if (!ncovered && !reserve_free_gaps(new_addr, new_addr + new_len)) {
            mmap_unlock();
            return -ENOMEM;
        }
        p = mremap(g2h(old_addr), old_len, new_len, flags, g2h(new_addr));
    } else {
        p = mremap(g2h(old_addr), old_len, new_len, flags);
    }
    if (p == MAP_FAILED) {
        int err = errno;
        mmap_unlock();
        return -err;
    }
    if ((uintptr_t)p < guest_base || !guest_range_ok(h2g(p), new_len)) {
        /* Moved out of the guest's reach (-B): put it back is not
         * possible in general; report and let the guest see ENOMEM. */
        munmap(p, new_len);
        page_set_flags(old_addr, old_addr + old_len, 0);
        mmap_unlock();
        return -ENOMEM;
    }
    if (!(flags & MREMAP_DONTUNMAP) && (h2g(p) != old_addr || new_len < old_len)) {
        if (h2g(p) != old_addr) {
            page_set_flags(old_addr, old_addr + old_len, 0);
        } else {
            page_set_flags(old_addr + new_len, old_addr + old_len, 0);
        }
    }
    page_set_flags(h2g(p), h2g(p) + new_len, all);
    mmap_unlock();
    invalidate_if_translated(old_addr, old_addr + old_len, had_code);
    return (int64_t)h2g(p);
}

int target_madvise(uint64_t addr, uint64_t len, int advice)
{
    if (addr & (TARGET_PAGE_SIZE - 1)) {
        return -EINVAL;
    }
    if (len == 0) {
        return 0;
    }
    if (!page_check_range(addr, len, 0)) {
        return -ENOMEM;
    }
    /* Advice that only affects performance or zero-fills (DONTNEED) is
     * safe on guest-owned memory; anything else is accepted and ignored,
     * as the kernel does for advice it cannot act on. */
    switch (advice) {
    case MADV_DONTNEED:
    case MADV_WILLNEED:
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_FREE:
        if (madvise(g2h(addr), TARGET_PAGE_ALIGN(len), advice) < 0) {
            return -errno;
        }
        return 0;
    default:
        return 0;
    }
}

void target_brk_init(uint64_t start)
{
    mmap_lock();
    brk_start = brk_cur = brk_end = TARGET_PAGE_ALIGN(start);
    mmap_unlock();
}

uint64_t target_brk(uint64_t new_brk)
{
    uint64_t new_end;

    mmap_lock();
    if (new_brk < brk_start) {
        new_brk = brk_cur;
        mmap_unlock();
        return new_brk;
    }
    new_end = TARGET_PAGE_ALIGN(new_brk);
    if (new_end > brk_end) {
        uint64_t len = new_end - brk_end;
        void *want = g2h(brk_end);
        void *p;

        if (!guest_range_ok(brk_end, len)) {
            mmap_unlock();
            return brk_cur;
        }
        p = mmap(want, len, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (p != want) {
            if (p != MAP_FAILED) {
                munmap(p, len);
            }
            mmap_unlock();
            return brk_cur; /* the kernel's answer to "no room" */
        }
        page_set_flags(brk_end, new_end, PAGE_VALID | PAGE_READ | PAGE_WRITE);
        brk_end = new_end;
    } else if (new_end < brk_end) {
        munmap(g2h(new_end), brk_end - new_end);
        page_set_flags(new_end, brk_end, 0);
        brk_end = new_end;
    }
    brk_cur = new_brk;
    mmap_unlock();
    return new_brk;
}

void mmap_set_stack_range(uint64_t start, uint64_t end)
{
    stack_start = start;
    stack_end = end;
}

static void put_maps_line(FILE *f, uint64_t s, uint64_t e, int flags, char shared,
                          uint64_t off, const char *dev, unsigned long inode, const char *name)
{
    int n = fprintf(f, "%08llx-%08llx %c%c%c%c %08llx %s %lu", (unsigned long long)s,
                    (unsigned long long)e, flags & PAGE_READ ? 'r' : '-',
                    flags & (PAGE_WRITE | PAGE_WRITE_ORG) ? 'w' : '-',
                    flags & PAGE_EXEC ? 'x' : '-', shared, (unsigned long long)off, dev, inode);
    if (name && *name) {
        fprintf(f, "%*s%s", n < 73 ? 73 - n : 1, "", name);
    }
    fputc('\n', f);
}

int mmap_write_proc_maps(int fd)
{
    FILE *in = fopen("/proc/self/maps", "r");
    FILE *out;
    char line[4096];
    int dupfd;

    if (!in) {
        return -errno;
    }
    dupfd = dup(fd);
    if (dupfd < 0 || !(out = fdopen(dupfd, "w"))) {
        int err = errno;
        if (dupfd >= 0) {
            close(dupfd);
        }
        fclose(in);
        return -err;
    }
    mmap_lock();
    while (fgets(line, sizeof(line), in)) {
        unsigned long long lo, hi, off;
        char perms[8], dev[32];
        unsigned long inode;
        int name_pos = 0;
        char *name;

        if (sscanf(line, "%llx-%llx %7s %llx %31s %lu %n", &lo, &hi, perms, &off, dev, &inode,
                   &name_pos) < 6) {
            continue;
        }
        name = line + name_pos;
        name[strcspn(name, "\n")] = 0;
        if (lo < guest_base) {
            continue;
        }
        lo = h2g((void *)(uintptr_t)lo);
        hi = h2g((void *)(uintptr_t)hi);
        for (size_t i = range_find(lo); i < nb_ranges && ranges[i].start < hi; i++) {
            uint64_t s = ranges[i].start > lo ? ranges[i].start : lo;
            uint64_t e = ranges[i].end < hi ? ranges[i].end : hi;
            const char *nm = name;
            if (s >= brk_start && e <= brk_end && brk_end > brk_start) {
                nm = "[heap]";
            } else if (s >= stack_start && e <= stack_end) {
                nm = "[stack]";
            }
            put_maps_line(out, s, e, ranges[i].flags, perms[3], off + (s - lo), dev, inode, nm);
        }
    }
    mmap_unlock();
    fclose(in);
    fclose(out);
    return 0;
}
